"""Notification delivery: templates, providers (SNS/SES, local sink, fake) and the sweep."""
