"""Booking locks in DynamoDB: worker calendars, office rooms and family load per ISO week.

Item layout (one table, see ``table.py``; weeks are Helsinki ISO weeks ``YYYY-Www``;
a bucket is the domain's grid bucket number, epoch seconds // 1800):

* worker calendar ``pk=CAL#<worker>``   ``sk=<week>``; attribute NAMES are data:
  ``b<bucket>`` = ``"<place>|<appointment id>"`` for every lock bucket of an appointment;
  ``a<bucket>`` = absence id for partly absent days; ``A<YYYYMMDD>`` = absence id for a
  wholly absent local day (keeps a 90-day absence inside DynamoDB's 4 KB expression limit);
  ``o<bucket>`` = extra-hours id for buckets opened outside office hours;
  ``x<bucket>`` = ``[first, last]`` busy seconds of the bucket and ``X<YYYYMMDD>`` = 1 for a
  wholly busy local day: busy times synced from the worker's own calendar
  (``domain.busy_times``, written by ``store.busy``), ``xh`` = a digest of them (the
  sync's condition).
* office rooms ``pk=ROOMS#<office>``    ``sk=<week>``: ``r<bucket>`` = rooms taken.
* family load  ``pk=LOAD#<case>``       ``sk=<week>``: ``n`` = meetings that week;
  ``d<YYYYMMDD>`` = string set of ``"<start iso>|<end iso>|<appointment id>"`` (a set, so
  staff may add a second meeting on a day and each cancel removes exactly its own).
* appointment, agenda, link, idempotency: see ``appointments.py`` and ``links.py``.

A booking is one transaction whose conditions on these items are the locks: see
``appointments.add_booking``. :class:`Plan` gathers every change to one item into ONE
update expression, because a transaction may not touch an item twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from chalicelib.domain.booking_rules import BookingRules, bucket_start, iso_week_key
from chalicelib.domain.busy_times import from_cells
from chalicelib.domain.diary import Busy, FamilyLoad, PlaceOption, WorkerDiary
from chalicelib.domain.intervals import Interval, merge
from chalicelib.domain.workdays import at_local, local
from chalicelib.domain.errors import Unavailable
from chalicelib.store.tx import Transaction


def cal_key(worker: str, week: str) -> tuple[str, str]:
    return f"CAL#{worker}", week


def rooms_key(office: str, week: str) -> tuple[str, str]:
    return f"ROOMS#{office}", week


def load_key(case_id: str, week: str) -> tuple[str, str]:
    return f"LOAD#{case_id}", week


def week_of(bucket: int, rules: BookingRules) -> str:
    return iso_week_key(bucket_start(bucket, rules))


def day_attr(prefix: str, instant_or_day) -> str:
    """``d20261201`` / ``A20261201``: an attribute named after a Helsinki date."""
    day = instant_or_day if isinstance(instant_or_day, date) and not isinstance(
        instant_or_day, datetime) else local(instant_or_day).date()
    return f"{prefix}{day.strftime('%Y%m%d')}"


def weeks_between(first: date, last: date) -> list[str]:
    """The ISO week keys of the local days first..last inclusive."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return list(dict.fromkeys(f"{y}-W{w:02d}" for y, w, _ in (d.isocalendar() for d in days)))


class ItemChange:
    """All changes to one item: one update expression and one condition."""

    def __init__(self, pk: str, sk: str, label: str):
        self.pk, self.sk, self.label = pk, sk, label
        self.ops: dict[str, tuple[str, object]] = {}
        self.conditions: list[str] = []
        self.names: dict[str, str] = {}
        self.values: dict[str, object] = {}

    def name(self, attr: str) -> str:
        placeholder = self.names.setdefault(attr, f"#n{len(self.names)}")
        return placeholder

    def value(self, value) -> str:
        for placeholder, known in self.values.items():
            if known == value and type(known) is type(value):
                return placeholder
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def op(self, attr: str, kind: str, value=None) -> None:
        """One action per attribute (DynamoDB refuses two on the same path)."""
        if attr in self.ops:
            raise ValueError(f"{attr} of {self.pk} changed twice in one transaction")
        self.ops[attr] = (kind, value)

    def require(self, template: str, attrs: dict | None = None, values: dict | None = None):
        """Add ``template`` (``{name}`` fields) to the condition, ANDed with the rest."""
        parts = {k: self.name(a) for k, a in (attrs or {}).items()}
        parts.update({k: self.value(v) for k, v in (values or {}).items()})
        self.conditions.append(f"({template.format(**parts)})")

    def expression(self) -> str:
        clauses: dict[str, list[str]] = defaultdict(list)
        for attr, (kind, value) in self.ops.items():
            target = self.name(attr)
            if kind == "REMOVE":
                clauses[kind].append(target)
            elif kind == "SET":
                clauses[kind].append(f"{target} = {self.value(value)}")
            else:  # ADD / DELETE: numbers and sets
                clauses[kind].append(f"{target} {self.value(value)}")
        return " ".join(f"{k} {', '.join(v)}" for k, v in clauses.items())

    def emit(self, tx: Transaction) -> None:
        condition = " AND ".join(self.conditions) or None
        expression = self.expression() if self.ops else None
        names = {placeholder: attr for attr, placeholder in self.names.items()}
        if expression:
            tx.update(self.pk, self.sk, expression, self.label, condition, names,
                      self.values or None)
        elif condition:
            tx.check(self.pk, self.sk, condition, self.label, names, self.values or None)


class Plan:
    """The changes of one transaction, one :class:`ItemChange` per item."""

    def __init__(self):
        self.changes: dict[tuple[str, str], ItemChange] = {}
        self.tx = Transaction()

    def item(self, key: tuple[str, str], label: str) -> ItemChange:
        if key not in self.changes:
            self.changes[key] = ItemChange(*key, label=label)
        return self.changes[key]

    def transaction(self) -> Transaction:
        for change in self.changes.values():
            change.emit(self.tx)
        return self.tx

    def commit(self, token: str) -> None:
        """Run the plan as one transaction; ``token`` (ClientRequestToken) makes a retry of
        a transaction that did commit, but whose answer was lost, succeed instead of failing
        on its own locks.

        Raises:
            TransactionCancelled: conditions failed.
            Unavailable: conflicts, throttling, or a server error (5xx): retry.
        """
        from botocore.exceptions import ClientError

        try:
            self.transaction().commit(token)
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
                raise Unavailable("the store answered with a server error") from error
            raise


def _runs(buckets, rules: BookingRules) -> list[Interval]:
    """Merged intervals covering the given buckets."""
    return merge(Interval(bucket_start(b, rules), bucket_start(b + 1, rules)) for b in buckets)


def diary_from_items(worker: str, items: list[dict], rules: BookingRules,
                     ignore: str | None = None) -> WorkerDiary:
    """A worker's diary from their calendar week items (``ignore``: an appointment id)."""
    held: dict[str, list[int]] = defaultdict(list)
    places: dict[str, str] = {}
    absent: list[int] = []
    whole_days: list[Interval] = []
    opened: list[int] = []
    synced: dict[int, tuple[int, int]] = {}
    synced_days: list[date] = []
    for item in items:
        for attr, value in item.items():
            kind, rest = attr[:1], attr[1:]
            if kind == "b" and rest.isdigit():
                place, _, appointment = str(value).rpartition("|")
                if appointment != ignore:
                    held[appointment].append(int(rest))
                    places[appointment] = place
            elif kind == "a" and rest.isdigit():
                absent.append(int(rest))
            elif kind == "o" and rest.isdigit():
                opened.append(int(rest))
            elif kind == "A" and rest.isdigit():
                day = attr_day(rest)
                whole_days.append(Interval(at_local(day, 0), at_local(day + timedelta(days=1), 0)))
            elif kind == "x" and rest.isdigit():
                synced[int(rest)] = (int(value[0]), int(value[1]))
            elif kind == "X" and rest.isdigit():
                synced_days.append(attr_day(rest))
    busy = tuple(Busy(span, places[a]) for a, buckets in sorted(held.items())
                 for span in _runs(buckets, rules))
    absences = tuple(merge([*_runs(absent, rules), *whole_days]))
    return WorkerDiary(worker, busy=busy, absences=absences,
                       extra_hours=tuple(_runs(opened, rules)),
                       calendar_busy=tuple(from_cells(synced, synced_days, rules)))


def attr_day(digits: str) -> date:
    """The date of a ``YYYYMMDD`` attribute name suffix."""
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def room_bookings(items: list[dict], rules: BookingRules) -> tuple[Interval, ...]:
    """Room use as one single-bucket interval per taken room (what ``room_load`` counts)."""
    spans = []
    for item in items:
        for attr, value in item.items():
            if attr[:1] == "r" and attr[1:].isdigit():
                bucket = int(attr[1:])
                cell = Interval(bucket_start(bucket, rules), bucket_start(bucket + 1, rules))
                spans.extend([cell] * int(value))
    return tuple(spans)


def family_load(meetings_per_week: int, items: list[dict], ignore: str | None = None
                ) -> FamilyLoad:
    """The family's own meetings from its load week items."""
    booked = []
    for item in items:
        for attr, value in item.items():
            if attr[:1] == "d" and attr[1:].isdigit():
                for entry in value:
                    start, end, appointment = entry.split("|")
                    if appointment != ignore:
                        booked.append(Interval(datetime.fromisoformat(start),
                                               datetime.fromisoformat(end)))
    return FamilyLoad(meetings_per_week, tuple(sorted(booked)))


def place_option(location: str, place: str, rooms: int | None, items: list[dict],
                 rules: BookingRules) -> PlaceOption:
    return PlaceOption(location, place, rooms, room_bookings(items, rules) if rooms else ())
