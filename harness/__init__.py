"""Drives Tapaamo from outside, for the tests and the benchmarks alike: HTTP calls through
the public API, a booked family, DynamoDB Local, calendar servers on loopback, round-trip
counting and the booking-lock consistency check. Never part of the Lambda package."""
