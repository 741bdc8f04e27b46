"""parse_instant: the one reader of instants from requests (bodies, queries, forms)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import Invalid
from chalicelib.domain.instants import parse_instant
from chalicelib.domain.workdays import HELSINKI


def test_an_offset_is_kept_as_given():
    parsed = parse_instant("2026-12-01T10:00:00+02:00", "start")
    assert parsed == datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert parsed.utcoffset() == timedelta(hours=2)


def test_z_means_utc():
    assert parse_instant("2026-12-01T08:00Z", "at") == datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert parse_instant("2026-12-01T08:00Z", "at").utcoffset() == timedelta(0)


def test_the_basic_format_and_fractions_of_a_second_are_read():
    assert parse_instant("20261201T100000+0200", "start") == datetime(2026, 12, 1, 8,
                                                                        tzinfo=UTC)
    assert parse_instant("2026-12-01T10:00:00.250+02:00", "start").microsecond == 250_000


@pytest.mark.parametrize("value", [
    "2026-12-01T10:00:00",  # naive
    "2026-12-01",  # a date is midnight, naive
    "2026-10-25T03:30:00",  # Helsinki's autumn fold: two instants, so none is guessed
    "2026-03-29T03:30:00",  # Helsinki's spring gap: no such wall-clock time
])
def test_a_time_without_an_offset_is_refused_even_where_helsinki_could_guess(value):
    with pytest.raises(Invalid, match="start must be an ISO 8601 instant with an offset"):
        parse_instant(value, "start")


@pytest.mark.parametrize("value", [
    "tomorrow", "", " ", "2026-13-01T10:00:00+02:00", "2026-12-01T10:00:00+25:00",
    "2026-12-01T10:00:00 02:00", None, 1764576000, ["2026-12-01T10:00:00+02:00"],
    datetime(2026, 12, 1, 10, tzinfo=HELSINKI),  # only text comes from a request
])
def test_garbage_is_invalid_naming_the_field(value):
    with pytest.raises(Invalid) as raised:
        parse_instant(value, "from")
    assert (raised.value.code, raised.value.field) == ("bad_request", "from")
    assert raised.value.message == "from must be an ISO 8601 instant with an offset"


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"])
def test_an_instant_that_cannot_be_held_in_utc_is_invalid_not_an_overflow(value):
    with pytest.raises(Invalid):
        parse_instant(value, "at")


@pytest.mark.parametrize("value", ["0938-07-02T10:57:31Z", "1999-12-31T23:59:59Z",
                                   "2100-01-01T00:00:00Z", "2100-01-01T03:00:00+02:00"])
def test_an_instant_outside_this_century_is_invalid(value):
    with pytest.raises(Invalid) as raised:
        parse_instant(value, "from")
    assert raised.value.field == "from"
    assert raised.value.message == "from must lie between 2000 and 2099"


def test_the_first_and_last_instants_of_the_century_are_read():
    assert parse_instant("2000-01-01T00:00:00Z", "at").year == 2000
    assert parse_instant("2100-01-01T01:59:59+02:00", "at") < datetime(2100, 1, 1, tzinfo=UTC)


ZONES = st.sampled_from([UTC, HELSINKI, timezone(timedelta(hours=-3, minutes=-30))])


# Imaginary times (in a spring-forward gap) have no one offset to write, so none is drawn.
@given(instant=st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30),
                            timezones=ZONES, allow_imaginary=False))
def test_any_aware_instant_written_in_iso_8601_reads_back_the_same(instant):
    parsed = parse_instant(instant.isoformat(), "start")
    # Compared in UTC: PEP 495 makes a fold-hour time unequal to any other zone's.
    assert parsed.astimezone(UTC) == instant.astimezone(UTC)
    assert parsed.utcoffset() == instant.utcoffset()


def test_the_two_helsinki_half_past_threes_of_the_autumn_fold_are_told_apart_by_offset():
    summer = parse_instant("2026-10-25T03:30:00+03:00", "start")
    winter = parse_instant("2026-10-25T03:30:00+02:00", "start")
    assert winter - summer == timedelta(hours=1)
