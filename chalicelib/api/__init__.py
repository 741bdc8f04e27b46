"""Chalice blueprints: request parsing, auth and error mapping only; one service call each."""
