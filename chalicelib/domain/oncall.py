"""The on-call rota (päivystysvuorot): who carries the 24 h phone at each level, and when.

Handoffs are counted in Helsinki wall-clock time and then localized, so a rotation that
hands off on Monday at 08:00 stays at 08:00 through both DST changes (the drift of
Grafana OnCall #3261/#5247 cannot happen). An override replaces whoever is on call at its
level for its interval; among rotations of a level the latest one that has begun (and not
ended) is in force. An ended rotation stops at its ``end``: after it, whoever else is in
force takes over, or nobody (a gap).

Instants are kept in UTC: Python compares and subtracts two datetimes of the same zone by
their wall clocks, which is wrong around the DST fold. The API renders them in Helsinki.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.errors import Invalid
from chalicelib.domain.instants import parse_instant
from chalicelib.domain.workdays import at_local, local

LEVELS = ("primary", "secondary")
MAX_SHIFT_HOURS = 24 * 7  # a week; longer is a typo, and its hand-offs overflow the century


def _check_level(level: object) -> None:
    if level not in LEVELS:
        raise Invalid("level must be primary or secondary", field="level")


def utc(instant: object, field: str) -> datetime:
    """``instant`` in UTC; Invalid naming ``field`` if it is not an aware datetime."""
    if not isinstance(instant, datetime) or instant.utcoffset() is None:
        raise Invalid(f"{field} must be an instant with a UTC offset", field=field)
    return instant.astimezone(UTC)


@dataclass(frozen=True)
class Rotation:
    """Workers taking turns at one level: shift k goes to ``workers[k % len(workers)]``.

    ``end``: the rota stops there (None: it runs until replaced); the shift running then
    is cut short.
    """

    id: str
    level: str
    workers: tuple[str, ...]
    start: datetime
    shift_hours: int
    end: datetime | None = None

    def __post_init__(self) -> None:
        _check_level(self.level)
        object.__setattr__(self, "start", utc(self.start, "start"))
        if self.end is not None:
            object.__setattr__(self, "end", utc(self.end, "end"))
            if self.end <= self.start:
                raise Invalid("the rotation must end after it starts", field="end")
        if not self.workers or not all(isinstance(w, str) and w for w in self.workers):
            raise Invalid("workers must be a non-empty list of worker ids", field="workers")
        if isinstance(self.shift_hours, bool) or not isinstance(self.shift_hours, int) \
                or not 1 <= self.shift_hours <= MAX_SHIFT_HOURS:
            raise Invalid(f"shift_hours must be a whole number of hours, 1 to {MAX_SHIFT_HOURS}",
                          field="shift_hours")

    def handoff(self, k: int) -> datetime:
        """The instant shift ``k`` begins: ``k`` shifts of wall-clock hours after start."""
        wall = local(self.start).replace(tzinfo=None) + timedelta(hours=k * self.shift_hours)
        # Handoffs fall on whole minutes, so only the minute goes through at_local's
        # DST handling; the seconds ride along unchanged.
        sub_minute = timedelta(seconds=wall.second, microseconds=wall.microsecond)
        return (at_local(wall.date(), wall.hour, wall.minute) + sub_minute).astimezone(UTC)

    def shift_index(self, at: datetime) -> int:
        """The number of the shift running at ``at`` (negative before the start)."""
        at = utc(at, "at")
        elapsed = local(at).replace(tzinfo=None) - local(self.start).replace(tzinfo=None)
        k = elapsed // timedelta(hours=self.shift_hours)
        # Wall-clock and real time differ by at most the DST hour: nudge to the true shift.
        while self.handoff(k) > at:
            k -= 1
        while self.handoff(k + 1) <= at:
            k += 1
        return k

    def runs_at(self, at: datetime) -> bool:
        """Whether the rotation has begun and not yet ended at ``at``."""
        return self.start <= at and (self.end is None or at < self.end)

    def ended_at(self, at: datetime) -> Rotation:
        """This rotation stopping at ``at`` (or earlier, if it already ends before)."""
        end = utc(at, "at")
        if self.end is not None and self.end < end:
            return self
        if end <= self.start:
            raise Invalid("a rotation can only end after it starts", field="at")
        return replace(self, end=end)


@dataclass(frozen=True)
class Override:
    """``worker`` is on call at ``level`` from ``start`` to ``end``, whatever the rota says."""

    worker: str
    level: str
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _check_level(self.level)
        object.__setattr__(self, "start", utc(self.start, "start"))
        object.__setattr__(self, "end", utc(self.end, "end"))
        if not isinstance(self.worker, str) or not self.worker:
            raise Invalid("worker must be a worker id", field="worker")
        if self.end <= self.start:
            raise Invalid("end must be after start", field="end")

    @property
    def key(self) -> str:
        """A stable name for the override in URLs: its level, worker, start and end."""
        return f"{self.level}.{self.worker}.{self.start:%Y%m%dT%H%M%SZ}.{self.end:%Y%m%dT%H%M%SZ}"


@dataclass(frozen=True)
class Gap:
    """An interval in which nobody is on call at ``level``."""

    level: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Shift:
    """An interval a worker is on call at ``level`` (one event in their calendar feed)."""

    level: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class _Segment:
    start: datetime
    end: datetime
    worker: str | None
    source: object  # the override or (rotation id, shift number) that put worker there


def _in_force(rotations: Iterable[Rotation], level: str, at: datetime) -> Rotation | None:
    begun = [r for r in rotations if r.level == level and r.runs_at(at)]
    # Equal starts are broken by id so the answer never depends on input order.
    return max(begun, key=lambda r: (r.start, r.id), default=None)


def _winning_override(overrides: Iterable[Override], level: str, at: datetime) -> Override | None:
    active = [o for o in overrides if o.level == level and o.start <= at < o.end]
    return max(active, key=lambda o: (o.start, o.end, o.worker), default=None)


def _who(rotations, overrides, level: str, at: datetime) -> tuple[str | None, object]:
    override = _winning_override(overrides, level, at)
    if override is not None:
        return override.worker, override
    rotation = _in_force(rotations, level, at)
    if rotation is None:
        return None, None
    k = rotation.shift_index(at)
    return rotation.workers[k % len(rotation.workers)], (rotation.id, k)


def on_call_at(rotations: Iterable[Rotation], overrides: Iterable[Override],
               at: datetime) -> dict[str, str | None]:
    """Who is on call at each level at the instant ``at``: a worker id or None.

    An override active at ``at`` wins (the latest-starting one if several); otherwise the
    shift of the rotation in force, or None if no rotation of that level has begun.
    """
    at = utc(at, "at")
    rotations, overrides = tuple(rotations), tuple(overrides)
    return {level: _who(rotations, overrides, level, at)[0] for level in LEVELS}


def _breakpoints(rotations, overrides, level: str, start: datetime,
                 end: datetime) -> list[datetime]:
    # Every instant the answer could change at. Handoffs of a superseded rotation add cuts
    # that change nothing; _timeline merges them away again.
    points = {start}
    points.update(t for o in overrides if o.level == level
                  for t in (o.start, o.end) if start < t < end)
    for rotation in (r for r in rotations if r.level == level):
        if rotation.start >= end or (rotation.end is not None and rotation.end <= start):
            continue
        points.add(max(rotation.start, start))
        stop = end if rotation.end is None else min(end, rotation.end)
        if stop < end:
            points.add(stop)
        k = rotation.shift_index(max(rotation.start, start)) + 1
        while rotation.handoff(k) < stop:
            points.add(rotation.handoff(k))
            k += 1
    return sorted(points)


def _timeline(rotations, overrides, level: str, start: datetime, end: datetime) -> list[_Segment]:
    """[start, end) cut where the person on call (or the reason they are) changes."""
    start, end = utc(start, "from"), utc(end, "to")
    if end <= start:
        raise Invalid("the end of the period must be after its start", field="to")
    points = _breakpoints(rotations, overrides, level, start, end)
    segments: list[_Segment] = []
    for begin, finish in zip(points, points[1:] + [end]):
        worker, source = _who(rotations, overrides, level, begin)
        if segments and (segments[-1].worker, segments[-1].source) == (worker, source):
            segments[-1] = _Segment(segments[-1].start, finish, worker, source)
        else:
            segments.append(_Segment(begin, finish, worker, source))
    return segments


def coverage(rotations: Iterable[Rotation], overrides: Iterable[Override], level: str,
             start: datetime, end: datetime) -> list[tuple[datetime, datetime, str | None]]:
    """[start, end) at ``level`` as ``(start, end, worker or None)`` pieces, in order; a
    piece ends where the person on call changes (None: a gap)."""
    return [(s.start, s.end, s.worker)
            for s in _timeline(tuple(rotations), tuple(overrides), level, start, end)]


def gaps(rotations: Iterable[Rotation], overrides: Iterable[Override],
         start: datetime, end: datetime) -> list[Gap]:
    """Every interval in [start, end) with nobody on call at a level, sorted by start.

    A level with no rotation at all is one gap over the whole period.
    """
    rotations, overrides = tuple(rotations), tuple(overrides)
    found = [Gap(level, s.start, s.end) for level in LEVELS
             for s in _timeline(rotations, overrides, level, start, end) if s.worker is None]
    return sorted(found, key=lambda g: (g.start, LEVELS.index(g.level)))


def shifts_of(worker_id: str, rotations: Iterable[Rotation], overrides: Iterable[Override],
              start: datetime, end: datetime) -> list[Shift]:
    """The worker's on-call shifts overlapping [start, end), clipped to it, cut by overrides.

    Each rota shift and each override is its own entry, so a feed gets one event for each.
    """
    rotations, overrides = tuple(rotations), tuple(overrides)
    found = [Shift(level, s.start, s.end) for level in LEVELS
             for s in _timeline(rotations, overrides, level, start, end)
             if s.worker == worker_id]
    return sorted(found, key=lambda s: (s.start, LEVELS.index(s.level)))


# A feed asks for this much more on each side, so a shift crossing its window is whole.
FEED_MARGIN = timedelta(days=7)


def feed_shifts(worker_id: str, rotations: Iterable[Rotation], overrides: Iterable[Override],
                now: datetime, past: timedelta, ahead: timedelta) -> list[Shift]:
    """The shifts a worker's calendar feed lists: whole shifts overlapping about
    [now - past, now + ahead].

    The window's edges are UTC midnights, so every poll of a day gets the same shifts
    (and the feed the same ETag); a shift crossing an edge keeps its real start and end,
    as its event must (only one longer than ``FEED_MARGIN`` is cut, at a day-stable point).

    >>> r = Rotation("r1", "primary", ("w1",), datetime(2026, 1, 1, 6, tzinfo=UTC), 24)
    >>> polls = [feed_shifts("w1", [r], [], datetime(2026, 5, 4, h, m, tzinfo=UTC),
    ...                      timedelta(days=1), timedelta(days=1)) for h, m in ((8, 0), (8, 1))]
    >>> polls[0] == polls[1], polls[0][-1].end.isoformat()
    (True, '2026-05-06T05:00:00+00:00')
    """
    first = datetime.combine((now - past).astimezone(UTC).date(), datetime.min.time(), UTC)
    last = datetime.combine((now + ahead).astimezone(UTC).date(), datetime.min.time(),
                            UTC) + timedelta(days=1)
    wide = shifts_of(worker_id, rotations, overrides, first - FEED_MARGIN, last + FEED_MARGIN)
    return [s for s in wide if s.end > first and s.start < last]


def target_resolver(rotations: Iterable[Rotation], overrides: Iterable[Override]
                    ) -> Callable[[str, datetime], str | None]:
    """A ``who_is_on_call(target, at)`` for the escalation machine over this rota.

    ``primary``/``secondary`` resolve through the rota; ``worker:<id>`` is that worker.
    """
    rotations, overrides = tuple(rotations), tuple(overrides)

    def who_is_on_call(target: str, at: datetime) -> str | None:
        if target.startswith("worker:"):
            return target.removeprefix("worker:") or None
        return _who(rotations, overrides, target, at)[0]

    return who_is_on_call


def rotation_from_dict(data: Mapping[str, Any]) -> Rotation:
    """A Rotation from the JSON of ``POST /oncall/rotations``; Invalid names the bad field."""
    workers = data.get("workers")
    if not isinstance(workers, list):
        raise Invalid("workers must be a list of worker ids", field="workers")
    if not isinstance(data.get("id"), str) or not data["id"]:
        raise Invalid("id must be a non-empty string", field="id")
    end = data.get("end")
    return Rotation(id=data["id"], level=data.get("level"), workers=tuple(workers),
                    start=parse_instant(data.get("start"), "start"),
                    shift_hours=data.get("shift_hours"),
                    end=None if end is None else parse_instant(end, "end"))


def override_from_dict(data: Mapping[str, Any]) -> Override:
    """An Override from the JSON of ``POST /oncall/overrides``; Invalid names the bad field."""
    return Override(worker=data.get("worker"), level=data.get("level"),
                    start=parse_instant(data.get("start"), "start"),
                    end=parse_instant(data.get("end"), "end"))
