"""Delivery decisions: backoff, and family SMS reminders never sent in quiet hours."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.delivery import (
    Delivery,
    Postpone,
    after_failure,
    before_send,
    retry_at,
)
from chalicelib.domain.reminders import in_quiet_hours
from chalicelib.domain.workdays import HELSINKI


def hki(*args) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def delivery(meeting: datetime, kind="reminder", channel="sms", attempts=1) -> Delivery:
    return Delivery("n1", kind, channel, "+358401234567", "fi", "sending", attempts, None,
                    datetime(2026, 1, 1, tzinfo=UTC),
                    {"start": meeting.isoformat(), "location": "home"})


def test_a_reminder_in_the_day_is_sent_at_once():
    assert before_send(delivery(hki(2026, 12, 2, 9, 0)), hki(2026, 12, 1, 20, 59)) is None


def test_a_late_reminder_at_night_is_held_until_0800():
    hold = before_send(delivery(hki(2026, 12, 2, 9, 0)), hki(2026, 12, 1, 21, 5))
    assert hold.at == hki(2026, 12, 2, 8, 0)
    assert "quiet hours" in hold.reason


def test_a_failed_2045_reminder_whose_retry_falls_at_2100_waits_for_0800():
    # 20:45 + 1 + 2 + 4 min = 20:52; the fourth failure's 8 min backoff reaches 21:00.
    then = after_failure(delivery(hki(2026, 12, 2, 9, 0), attempts=4), "provider down", False,
                         hki(2026, 12, 1, 20, 52))
    assert then.at == hki(2026, 12, 2, 8, 0)
    assert then.reason.startswith("provider down; quiet hours")


def test_a_retry_in_the_evening_keeps_its_backoff():
    then = after_failure(delivery(hki(2026, 12, 2, 9, 0), attempts=2), "provider down", False,
                         hki(2026, 12, 1, 20, 45))
    assert then == Postpone(hki(2026, 12, 1, 20, 47), "provider down")


def test_a_retry_that_could_only_go_out_after_the_meeting_began_gives_up_with_a_reason():
    # A 07:30 meeting: its reminder came at 20:45; 08:00 is after the meeting.
    then = after_failure(delivery(hki(2026, 12, 2, 7, 30), attempts=4), "provider down", False,
                         hki(2026, 12, 1, 20, 52))
    assert then.at is None
    assert then.reason == ("provider down; not sent: quiet hours 21-08 Helsinki last until "
                           "the meeting")


def test_a_reminder_whose_meeting_has_begun_is_not_sent():
    hold = before_send(delivery(hki(2026, 12, 2, 9, 0)), hki(2026, 12, 2, 9, 0))
    assert hold.at is None and "meeting has begun" in hold.reason


def test_on_the_autumn_dst_night_the_hold_ends_at_0800_winter_time():
    hold = before_send(delivery(hki(2026, 10, 25, 12, 0)), hki(2026, 10, 25, 3, 30))
    assert hold.at == datetime(2026, 10, 25, 6, 0, tzinfo=UTC)  # 08:00 EET


def test_on_the_spring_dst_night_the_hold_ends_at_0800_summer_time():
    then = after_failure(delivery(hki(2026, 3, 29, 12, 0), attempts=5), "down", False,
                         hki(2026, 3, 28, 20, 50))
    assert then.at == datetime(2026, 3, 29, 5, 0, tzinfo=UTC)  # 08:00 EEST


def test_confirmations_e_mail_and_workers_reminders_are_not_held():
    night = hki(2026, 12, 1, 23, 0)
    meeting = hki(2026, 12, 2, 9, 0)
    for note in (delivery(meeting, kind="confirmation"), delivery(meeting, channel="email"),
                 delivery(meeting, kind="worker-reminder")):
        assert before_send(note, night) is None
        assert after_failure(note, "down", False, night).at == retry_at(1, night)


def test_a_permanent_failure_or_the_last_attempt_gives_up_with_the_error():
    meeting = hki(2026, 12, 2, 9, 0)
    assert after_failure(delivery(meeting), "bad number", True, hki(2026, 12, 1, 12, 0)
                         ).at is None
    assert after_failure(delivery(meeting, attempts=6), "down", False,
                         hki(2026, 12, 1, 12, 0)).reason == "down"


instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 1, 1),
                        timezones=st.just(UTC))


@given(failed_at=instants, ahead=st.integers(min_value=1, max_value=72 * 60),
       attempts=st.integers(min_value=1, max_value=6))
def test_a_family_sms_reminder_is_never_retried_in_quiet_hours_or_after_its_meeting(
        failed_at, ahead, attempts):
    meeting = failed_at + timedelta(minutes=ahead)
    then = after_failure(delivery(meeting, attempts=attempts), "down", False, failed_at)
    if then.at is not None:
        assert not in_quiet_hours(then.at)
        assert failed_at < then.at < meeting
        assert then.at >= retry_at(attempts, failed_at)
