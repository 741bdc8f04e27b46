"""When a family (and its workers) are reminded of a meeting: hours before, quiet hours.

Rules (docs/domain.md §2, issue 6):

* ``hours`` before the meeting are counted on the Helsinki wall clock, so a 24 h reminder
  comes at the same clock time the day before, also across a DST change.
* Family SMS are never sent in the quiet hours 21:00–08:00 Helsinki. A reminder that
  falls there goes out at 08:00 when that is still before the meeting (the closest time to
  the one asked for), otherwise at 20:45 the evening before the quiet night. 20:45 rather
  than 20:59 leaves a sweep minute and a provider retry (1 min, then 2 min backoff)
  before 21:00.
* Workers' reminders (the case's ``worker_reminders``) are not moved: the issue keeps
  quiet hours for family SMS only. They go to staff's work phones, about a meeting in their
  own working time, at hours the coordinator chose for them; moving a 1 h reminder for an
  08:00 meeting to 20:45 the evening before would turn "1 h before" into "11 h before".
* A reminder whose time has already passed when the appointment is booked is not sent
  (a late booking gets its confirmation; it must not get every reminder at once).

The appointment carries one timer (the next reminder): ``reminder_index`` points into
:func:`reminder_times`, which depends only on the start and the hours, so every sweep and
every retry computes the same list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from chalicelib.domain.workdays import HELSINKI, at_local, local

QUIET_START = time(21, 0)
QUIET_END = time(8, 0)
EVENING_SEND = time(20, 45)
DEFAULT_HOURS = (24.0,)


def in_quiet_hours(instant: datetime) -> bool:
    """True between 21:00 and 08:00 Helsinki time (family SMS wait)."""
    clock = local(instant).time()
    return clock >= QUIET_START or clock < QUIET_END


def out_of_quiet_hours(wanted: datetime, meeting: datetime) -> datetime | None:
    """The send time for a reminder wanted at ``wanted`` for a meeting at ``meeting``.

    Returns ``wanted`` itself outside quiet hours; else 08:00 after the quiet night if
    that is before the meeting, else 20:45 before it; None if neither is before it.

    >>> from datetime import datetime
    >>> m = datetime(2026, 12, 2, 7, 30, tzinfo=HELSINKI)
    >>> out_of_quiet_hours(datetime(2026, 12, 1, 7, 30, tzinfo=HELSINKI), m).hour
    8
    """
    if not in_quiet_hours(wanted):
        return wanted if wanted < meeting else None
    morning = morning_after(wanted)
    if morning < meeting:
        return morning
    evening = at_local(local(morning).date() - timedelta(days=1), EVENING_SEND.hour,
                       EVENING_SEND.minute)
    return evening if evening < meeting else None


def morning_after(instant: datetime) -> datetime:
    """08:00 Helsinki that ends the quiet night ``instant`` is in (DST-proof).

    >>> from datetime import datetime
    >>> morning_after(datetime(2026, 3, 29, 3, 30, tzinfo=HELSINKI)).isoformat()
    '2026-03-29T08:00:00+03:00'
    """
    wall = local(instant)
    night_of = wall.date() if wall.time() >= QUIET_START else wall.date() - timedelta(days=1)
    return at_local(night_of + timedelta(days=1), QUIET_END.hour, QUIET_END.minute)


def wall_clock_before(meeting: datetime, hours: float | Decimal) -> datetime:
    """``hours`` before ``meeting`` on the Helsinki wall clock (DST-proof "same time")."""
    # timedelta takes no Decimal; a float of a reminder's hours is exact to the microsecond.
    wall = local(meeting).replace(tzinfo=None) - timedelta(hours=float(hours))
    return at_local(wall.date(), wall.hour, wall.minute).replace(
        second=wall.second, microsecond=wall.microsecond)


def reminder_times(meeting: datetime, hours: Iterable[float], quiet: bool = True
                   ) -> tuple[datetime, ...]:
    """Every reminder instant (Helsinki, ascending, no duplicates) for a meeting.

    ``quiet=False`` (workers' reminders) keeps each time as asked, quiet hours or not.
    Does not depend on the clock: the index of a time in this tuple is stable.
    """
    wanted = (wall_clock_before(meeting, h) for h in hours if h > 0)
    times = {out_of_quiet_hours(t, meeting) if quiet else t for t in wanted}
    return tuple(sorted(t for t in times if t is not None and t < meeting))


def next_reminder(meeting: datetime, hours: Iterable[float], now: datetime,
                  after: int = -1, quiet: bool = True) -> int | None:
    """Index of the next reminder to send after index ``after``, or None when done.

    Reminders whose time has passed are skipped (a late booking, or a sweep that was down
    for a while, sends only what is still ahead), and none is due once the meeting began.
    """
    times = reminder_times(meeting, hours, quiet)
    for index in range(after + 1, len(times)):
        if times[index] > now and now < meeting:
            return index
    return None


def due_reminder(meeting: datetime, hours: Iterable[float], now: datetime,
                 index: int, quiet: bool = True) -> int | None:
    """The reminder to send now for a timer at ``index``: the latest one already due.

    After an outage only the most recent overdue reminder goes out, and none once the
    meeting has begun.
    """
    times = reminder_times(meeting, hours, quiet)
    due = [i for i in range(max(index, 0), len(times)) if times[i] <= now]
    return due[-1] if due and now < meeting else None


@dataclass(frozen=True)
class ReminderTimer:
    """An appointment waiting for its next reminder (read from the ``due`` index).

    ``sequence`` and ``due_at`` are the fencing token: the sweep's write requires both
    unchanged and the appointment still ``booked``. ``audience`` is ``family`` (quiet
    hours apply) or ``workers`` (``workers`` are then the appointment's workers).
    """

    appointment_id: str
    case_id: str
    start: datetime
    location: str
    sequence: int
    hours: tuple[float, ...]
    index: int
    due_at: datetime
    audience: str = "family"
    workers: tuple[str, ...] = ()

    @property
    def quiet(self) -> bool:
        """Whether quiet hours apply (family reminders only)."""
        return self.audience == "family"
