"""Tapaamo: scheduling and reminders for Finnish child-welfare family work."""
