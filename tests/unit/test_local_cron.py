"""The local pump's reading of EventBridge schedule expressions (UTC)."""

from datetime import datetime, timedelta, timezone

import pytest
from chalice import Cron, Rate

from chalicelib.local.cron import fires, fires_between

UTC = timezone.utc
MONDAY_0530 = datetime(2026, 11, 30, 5, 30, 40, tzinfo=UTC)


@pytest.mark.parametrize(("expression", "expected"), [
    ("cron(30 5 * * ? *)", True),
    ("cron(31 5 * * ? *)", False),
    ("cron(30 6 * * ? *)", False),
    ("cron(0,15,30,45 * * * ? *)", True),
    ("cron(*/10 5 * * ? *)", True),
    ("cron(*/7 5 * * ? *)", False),
    ("cron(20-40 4-6 * * ? *)", True),
    ("cron(30 5 ? * MON *)", True),
    ("cron(30 5 ? * 2 *)", True),   # EventBridge counts SUN as 1
    ("cron(30 5 ? * SUN *)", False),
    ("cron(30 5 ? * MON-FRI *)", True),
    ("cron(30 5 30 11 ? 2026)", True),
    ("cron(30 5 1 * ? *)", False),
    ("cron(30 5 L * ? *)", True),   # unknown syntax runs rather than skips
    ("rate(5 minutes)", True),
])
def test_a_cron_fires_in_the_utc_minutes_it_names(expression, expected):
    assert fires(expression, MONDAY_0530) is expected


def test_chalice_schedule_objects_are_read_like_their_strings():
    assert fires(Cron(30, 5, "*", "*", "?", "*"), MONDAY_0530)
    assert not fires(Cron(0, 5, "*", "*", "?", "*"), MONDAY_0530)
    assert fires(Rate(1, unit=Rate.MINUTES), MONDAY_0530)


def test_the_helsinki_morning_is_not_the_utc_morning():
    helsinki_0530 = MONDAY_0530.astimezone(timezone(timedelta(hours=2)))
    assert fires("cron(30 5 * * ? *)", helsinki_0530)  # the same instant, read in UTC
    assert not fires("cron(30 7 * * ? *)", helsinki_0530)


def test_a_cron_fires_between_two_rounds_only_when_its_minute_starts_between_them():
    daily = "cron(30 5 * * ? *)"
    assert fires_between(daily, MONDAY_0530 - timedelta(seconds=45), MONDAY_0530)
    assert not fires_between(daily, MONDAY_0530 - timedelta(seconds=5), MONDAY_0530)
    assert not fires_between(daily, MONDAY_0530, MONDAY_0530 + timedelta(minutes=5))
    assert fires_between(daily, MONDAY_0530 - timedelta(days=3), MONDAY_0530)
    assert fires_between("rate(1 minute)", MONDAY_0530, MONDAY_0530)
