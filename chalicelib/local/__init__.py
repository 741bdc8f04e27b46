"""The embedded local stack: DynamoDB Local, chalice local and a pump for scheduled work."""
