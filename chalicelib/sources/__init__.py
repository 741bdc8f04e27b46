"""Readers of workers' own calendars (busy times only) and the guard every fetch goes through."""
