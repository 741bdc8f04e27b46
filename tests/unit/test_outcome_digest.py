"""When the morning outcome digest is due and what it lists (pure; time passed in)."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.appointment import OUTCOMES
from chalicelib.domain.feeds import AgendaEntry
from chalicelib.domain.outcome_digest import (
    awaiting_outcome,
    digest_cutoff,
    digest_params,
    previous_working_day,
)
from chalicelib.domain.workdays import HELSINKI, is_working_day
from chalicelib.local.cron import fires

SCHEDULE = "cron(0 4,5 * * ? *)"


def test_the_schedule_is_the_jobs_own():
    from app import app

    [source] = [s for s in app.event_sources if s.name == "outcome_digest_daily"]
    assert source.schedule_expression.to_string() == SCHEDULE


def test_every_working_day_of_a_year_has_exactly_one_firing_at_seven_in_helsinki():
    day = date(2026, 1, 1)
    while day.year == 2026:
        firings = [datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
                   for hour in range(24) if fires(SCHEDULE, datetime(day.year, day.month,
                                                                     day.day, hour, tzinfo=UTC))]
        due = [f for f in firings if digest_cutoff(f) is not None]
        if is_working_day(day):
            # Winter: 04 UTC is 06:00 (too early), 05 UTC is 07:00. Summer: 04 and 05 UTC
            # are 07:00 and 08:00; the second finds the day's digests queued already.
            assert [f.astimezone(HELSINKI).hour for f in due][:1] == [7], day
        else:
            assert due == [], day
        day += timedelta(days=1)


def test_the_cutoff_is_the_end_of_the_previous_working_day_across_weekends_and_holidays():
    monday = datetime(2026, 12, 7, 7, tzinfo=HELSINKI)  # independence day was Sunday
    assert digest_cutoff(monday) == datetime(2026, 12, 5, tzinfo=HELSINKI)
    after_christmas = datetime(2026, 12, 28, 7, tzinfo=HELSINKI)  # 24–27.12. off
    assert previous_working_day(after_christmas.date()) == date(2026, 12, 23)
    summer = datetime(2026, 6, 22, 4, tzinfo=UTC)  # Monday 07:00 EEST, after juhannus
    assert digest_cutoff(summer) == datetime(2026, 6, 19, tzinfo=HELSINKI)  # aatto is off


BASE = datetime(2026, 11, 1, tzinfo=HELSINKI)
entries = st.lists(st.builds(
    lambda n, hours, minutes, status, kind, outcome: AgendaEntry(
        f"a{n}", f"k{n % 6}", BASE + timedelta(hours=hours),
        BASE + timedelta(hours=hours, minutes=minutes), "home", kind, status, 0, BASE, BASE,
        outcome),
    st.integers(0, 99), st.integers(0, 24 * 60), st.integers(30, 240),
    st.sampled_from(("booked", "cancelled")), st.sampled_from(("meeting", "group", "crisis")),
    st.sampled_from((None, *OUTCOMES))),
    max_size=15, unique_by=lambda e: e.id)


@given(entries, st.integers(0, 24 * 61))
def test_only_booked_ended_unrecorded_family_meetings_wait_for_an_outcome(found, hours):
    until = BASE + timedelta(hours=hours)
    waiting = awaiting_outcome(found, until)
    assert {e.id for e in waiting} == {
        e.id for e in found if e.status == "booked" and e.kind != "group"
        and e.outcome is None and e.end <= until}
    assert [e.start for e in waiting] == sorted(e.start for e in waiting)
    said = digest_params(waiting)
    assert said["count"] == str(len(waiting))
    assert len(said["codes"].split(", ")) <= 3 if waiting else said["codes"] == ""
