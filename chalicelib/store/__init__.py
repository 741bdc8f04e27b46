"""All DynamoDB access: PynamoDB models, raw transactions, and repositories that turn
items into domain values. Nothing above this package sees an item."""
