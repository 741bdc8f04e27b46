"""Shared fixtures."""

pytest_plugins = ["tests.support.stack"]
