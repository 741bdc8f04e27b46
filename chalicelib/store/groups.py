"""Peer-support groups in DynamoDB: the series, its seats, its waiting list, invitations.

Item layout (one partition per group, so one Query reads a group with its roster):

* group ``pk=GROUP#<id>`` ``sk=GROUP``: service, office, workers, minutes, every_days,
  seats, ``taken`` (seated families), ``waiting`` (families in line), ``tickets`` (numbers
  drawn for the line), sessions (a list of ``{id, start, end}``, UTC ISO), cases (only for
  a group by invitation), created_at, updated_at, version; a drop-in group also
  ``per_session`` and ``session_taken`` (a map: session id -> seats held in it). A group
  open to a whole service is listed in ``by_parent`` under
  ``gsi1pk=GROUPS#<service>``, ``gsi1sk=<last session start UTC ISO>#<id>``.
* seat ``pk=GROUP#<id>`` ``sk=SEAT#<case>``: at.
* a drop-in group's seat in one session ``pk=GROUP#<id>`` ``sk=SSEAT#<session>#<case>``: at.
* place in line ``pk=GROUP#<id>`` ``sk=WAIT#<case>``: at, ticket (first come, first
  served: tickets are drawn from the group item's ``tickets`` counter, so two families in
  the same millisecond still have an order).
* invitation ``pk=INVITE#<case>`` ``sk=GROUP#<id>``: last_start (UTC ISO).

Each session is an appointment of kind ``group`` (``appointments.py``) whose case id is
the group id; it holds its leaders' calendars and an office room with the same locks as
any booking. ``taken < seats`` on the group item is the seat lock: a seat is taken only in
a transaction that raises ``taken`` under that condition; ``waiting`` moves with every
place in line, so a seat is handed back (``taken`` lowered) only while nobody waits. In a
drop-in group ``session_taken.<session> < seats`` is the lock of each session's seats.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.appointment import Appointment
from chalicelib.domain.booking_rules import BookingRules
from chalicelib.domain.groups import Group, Roster, Session
from chalicelib.store.appointments import hold_workers, put_appointment, take_rooms
from chalicelib.store.calendar import Plan
from chalicelib.store.tx import (Transaction, batch_get, client, key, query, table_name,
                                 to_dynamo, utc_iso)

COUNTERS = {"#taken": "taken", "#seats": "seats", "#waiting": "waiting",
            "#st": "session_taken"}


def group_key(group_id: str) -> tuple[str, str]:
    return f"GROUP#{group_id}", "GROUP"


def seat_key(group_id: str, case_id: str) -> tuple[str, str]:
    return f"GROUP#{group_id}", f"SEAT#{case_id}"


def wait_key(group_id: str, case_id: str) -> tuple[str, str]:
    return f"GROUP#{group_id}", f"WAIT#{case_id}"


def session_seat_key(group_id: str, session_id: str, case_id: str) -> tuple[str, str]:
    return f"GROUP#{group_id}", f"SSEAT#{session_id}#{case_id}"


def invite_key(case_id: str, group_id: str) -> tuple[str, str]:
    return f"INVITE#{case_id}", f"GROUP#{group_id}"


def group_item(group: Group, version: int = 0) -> dict:
    pk, sk = group_key(group.id)
    item = {"pk": pk, "sk": sk, "service": group.service, "office": group.office,
            "workers": list(group.workers), "minutes": group.minutes,
            "every_days": group.every_days, "seats": group.seats, "taken": group.taken,
            "waiting": group.waiting, "created_at": utc_iso(group.created_at),
            # Whole minutes: plain integers store the same through PynamoDB and raw writes.
            "worker_reminder_minutes": [round(h * 60) for h in group.worker_reminders],
            "updated_at": utc_iso(group.updated_at), "version": version,
            "sessions": [{"id": s.id, "start": utc_iso(s.start), "end": utc_iso(s.end)}
                         for s in group.sessions]}
    if group.per_session:
        item |= {"per_session": True,
                 "session_taken": {s.id: s.taken for s in group.sessions}}
    if group.cases is None:
        item |= {"gsi1pk": f"GROUPS#{group.service}",
                 "gsi1sk": f"{utc_iso(group.sessions[-1].start)}#{group.id}"}
    else:
        item["cases"] = list(group.cases)
    return item


def group_from_item(item: dict) -> Group:
    taken = item.get("session_taken") or {}
    return Group(
        id=item["pk"].removeprefix("GROUP#"), service=item["service"], office=item["office"],
        workers=tuple(item["workers"]), minutes=int(item["minutes"]),
        every_days=int(item["every_days"]), seats=int(item["seats"]),
        sessions=tuple(Session(s["id"], datetime.fromisoformat(s["start"]),
                               datetime.fromisoformat(s["end"]), int(taken.get(s["id"], 0)))
                       for s in item["sessions"]),
        per_session=bool(item.get("per_session")),
        worker_reminders=tuple(int(m) / 60 for m in item.get("worker_reminder_minutes") or ()),
        cases=tuple(item["cases"]) if "cases" in item else None,
        taken=int(item.get("taken", 0)), waiting=int(item.get("waiting", 0)),
        created_at=datetime.fromisoformat(item["created_at"]),
        updated_at=datetime.fromisoformat(item["updated_at"]))


def add_group(plan: Plan, group: Group,
              sessions: list[tuple[Appointment, dict, dict | None]], rules: BookingRules,
              rooms: int) -> None:
    """Every session's locks (leaders' calendars, a room), appointment (with its reminder
    timer, ``store.reminders.reminder_timer_fields``), its leaders' reminder timer
    (``store.reminders.worker_timer_item``, if any) and agenda entries, the group item
    and its invitations: one transaction."""
    for session, timer, worker_timer in sessions:
        hold_workers(plan, session, rules)
        take_rooms(plan, session, rules, rooms)
        put_appointment(plan.tx, session, timer)
        if worker_timer:
            plan.tx.put(worker_timer, "worker-timer")
    plan.tx.put(group_item(group), "group", "attribute_not_exists(pk)")
    for case_id in group.cases or ():
        _invite(plan.tx, case_id, group)


def _invite(tx: Transaction, case_id: str, group: Group) -> None:
    pk, sk = invite_key(case_id, group.id)
    tx.put({"pk": pk, "sk": sk, "last_start": utc_iso(group.sessions[-1].start)},
           f"invite:{case_id}")


def read_group(group_id: str) -> tuple[Group, int, Roster] | None:
    """The group, its version and its roster (one consistent Query), or None."""
    items = query(KeyConditionExpression="pk = :p", ConsistentRead=True,
                  ExpressionAttributeValues={":p": to_dynamo(f"GROUP#{group_id}")})
    head = next((i for i in items if i["sk"] == "GROUP"), None)
    if head is None:
        return None
    seated = sorted((i["at"], i["sk"].removeprefix("SEAT#")) for i in items
                    if i["sk"].startswith("SEAT#"))
    waiting = sorted((int(i.get("ticket", 0)), i["at"], i["sk"].removeprefix("WAIT#"))
                     for i in items if i["sk"].startswith("WAIT#"))
    by_session = tuple(tuple(i["sk"].removeprefix("SSEAT#").split("#", 1)) for i in items
                       if i["sk"].startswith("SSEAT#"))
    return (group_from_item(head), int(head.get("version", 0)),
            Roster(tuple(c for _, c in seated), tuple(c for *_, c in waiting), by_session))


def groups_for(case_id: str, service: str, now: datetime) -> list[Group]:
    """Groups whose last session is still ahead that the case may see: those open to its
    service and those it is invited to (two Queries and one batch read)."""
    since = to_dynamo(utc_iso(now))
    open_items = query(IndexName="by_parent",
                       KeyConditionExpression="gsi1pk = :p AND gsi1sk >= :s",
                       ExpressionAttributeValues={":p": to_dynamo(f"GROUPS#{service}"),
                                                  ":s": since})
    invited = query(KeyConditionExpression="pk = :p", FilterExpression="last_start >= :s",
                    ExpressionAttributeValues={":p": to_dynamo(f"INVITE#{case_id}"),
                                               ":s": since})
    found = {i["pk"]: i for i in open_items}
    keys = [group_key(i["sk"].removeprefix("GROUP#")) for i in invited]
    found |= {k[0]: item for k, item in batch_get(keys).items()}
    groups = [group_from_item(item) for item in found.values()]
    return sorted(groups, key=lambda g: (g.start, g.id))


def take_seat(tx: Transaction, group_id: str, case_id: str, now: datetime) -> None:
    """A seat for ``case_id``: fails ``group`` when full, ``seat`` when already seated,
    ``in-line`` when the family waits (it is moved in from the line instead)."""
    tx.update(*group_key(group_id), "SET #taken = #taken + :one", "group",
              "#taken < #seats", _names("#taken", "#seats"), {":one": 1})
    _put_seat(tx, group_id, case_id, now, "seat")
    tx.check(*wait_key(group_id, case_id), "attribute_not_exists(pk)", "in-line")


def take_session_seat(tx: Transaction, group_id: str, session_id: str, case_id: str,
                      now: datetime) -> None:
    """A seat in one session of a drop-in group: fails ``group`` when that session is
    full, ``seat`` when the family holds it already."""
    tx.update(*group_key(group_id), "SET #st.#sid = #st.#sid + :one", "group",
              "#st.#sid < #seats", _names("#st", "#seats") | {"#sid": session_id},
              {":one": 1})
    pk, sk = session_seat_key(group_id, session_id, case_id)
    tx.put({"pk": pk, "sk": sk, "at": utc_iso(now)}, "seat", "attribute_not_exists(pk)")


def leave_session_seat(tx: Transaction, group_id: str, session_id: str, case_id: str) -> None:
    """Give back a seat in one session (label ``seat`` fails when the family has none)."""
    tx.delete(*session_seat_key(group_id, session_id, case_id), "seat",
              "attribute_exists(pk)")
    tx.update(*group_key(group_id), "SET #st.#sid = #st.#sid - :one", "group",
              names=_names("#st") | {"#sid": session_id}, values={":one": 1})


def next_ticket(group_id: str) -> int:
    """Draw the next number for the group's line (one atomic counter; gaps are harmless)."""
    answer = client().update_item(
        TableName=table_name(), Key=key(*group_key(group_id)),
        UpdateExpression="ADD tickets :one", ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues={":one": to_dynamo(1)}, ReturnValues="UPDATED_NEW")
    return int(answer["Attributes"]["tickets"]["N"])


def join_line(tx: Transaction, group_id: str, case_id: str, ticket: int,
              now: datetime) -> None:
    """A place in line with ``ticket``: fails ``group`` unless every seat is taken,
    ``in-line`` when already waiting, ``seat`` when seated."""
    tx.update(*group_key(group_id), "SET #waiting = #waiting + :one", "group",
              "#taken >= #seats", _names("#taken", "#seats", "#waiting"), {":one": 1})
    pk, sk = wait_key(group_id, case_id)
    tx.put({"pk": pk, "sk": sk, "at": utc_iso(now), "ticket": ticket}, "in-line",
           "attribute_not_exists(pk)")
    tx.check(*seat_key(group_id, case_id), "attribute_not_exists(pk)", "seat")


def leave_seat(tx: Transaction, group_id: str, case_id: str, first_in_line: str | None,
               now: datetime) -> None:
    """Free ``case_id``'s seat: to ``first_in_line`` when someone waits, else back to the
    group (only while nobody waits: label ``group``)."""
    pk, sk = seat_key(group_id, case_id)
    tx.delete(pk, sk, "seat", "attribute_exists(pk)")
    tx.touch_family_feed(case_id)  # the sessions leave the family's calendar
    if first_in_line is None:
        tx.update(*group_key(group_id), "SET #taken = #taken - :one", "group",
                  "#waiting = :zero", _names("#taken", "#waiting"), {":one": 1, ":zero": 0})
        return
    tx.update(*group_key(group_id), "SET #waiting = #waiting - :one", "group",
              "#waiting > :zero", _names("#waiting"), {":one": 1, ":zero": 0})
    _move_in(tx, group_id, first_in_line, now)


def seat_from_line(tx: Transaction, group_id: str, case_id: str, now: datetime) -> None:
    """Give a free seat (after more seats were added) to ``case_id``, first in line."""
    tx.update(*group_key(group_id), "SET #taken = #taken + :one, #waiting = #waiting - :one",
              "group", "#taken < #seats AND #waiting > :zero",
              _names("#taken", "#seats", "#waiting"), {":one": 1, ":zero": 0})
    _move_in(tx, group_id, case_id, now)


def leave_line(tx: Transaction, group_id: str, case_id: str) -> None:
    """Leave the waiting list (label ``in-line`` fails when not in it)."""
    pk, sk = wait_key(group_id, case_id)
    tx.delete(pk, sk, "in-line", "attribute_exists(pk)")
    tx.update(*group_key(group_id), "SET #waiting = #waiting - :one", "group",
              names=_names("#waiting"), values={":one": 1})


def change_group(tx: Transaction, group: Group, version: int, before: Group,
                 empty: frozenset[str] = frozenset()) -> None:
    """Write a PATCHed ``group`` (fenced by ``version``; counters left as they are) and
    its invitations' changes against ``before``. A drop-in session no longer in ``group``
    loses its counter (so no seat can be taken in it any more); one in ``empty`` (moved)
    must hold no seat."""
    item = group_item(group, version + 1)
    fields = {k: v for k, v in item.items()
              if k not in ("pk", "sk", "taken", "waiting", "session_taken", "created_at",
                           "cases", "gsi1pk", "gsi1sk")}
    names = {f"#f{n}": k for n, k in enumerate(fields)}
    values = {f":f{n}": v for n, v in enumerate(fields.values())}
    sets = [f"#f{n} = :f{n}" for n in range(len(fields))]
    removes = []
    for attr in ("cases", "gsi1pk", "gsi1sk"):
        names[f"#{attr}"] = attr
        if attr in item:
            values[f":{attr}"] = item[attr]
            sets.append(f"#{attr} = :{attr}")
        else:
            removes.append(f"#{attr}")
    names |= _names("#taken")
    values |= {":version": version, ":seats": group.seats}
    condition = "#f{v} = :version AND #taken <= :seats".format(v=list(fields).index("version"))
    if group.per_session:  # no session may hold more than the seats left to it
        names |= _names("#st")
        kept = {s.id for s in before.sessions}
        for n, session in enumerate(group.sessions):
            names[f"#s{n}"] = session.id
            if session.id in kept:
                condition += f" AND #st.#s{n} <= :seats"
            else:  # a moved session: a new appointment, no seat yet
                sets.append(f"#st.#s{n} = :zero")
                values[":zero"] = 0
        gone = [s.id for s in before.sessions if group.session(s.id) is None]
        for n, session_id in enumerate(gone):
            names[f"#g{n}"] = session_id
            removes.append(f"#st.#g{n}")
            if session_id in empty:
                condition += f" AND #st.#g{n} = :zero"
                values[":zero"] = 0
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    tx.update(*group_key(group.id), expression, "group", condition, names, values)
    for case_id in set(group.cases or ()) - set(before.cases or ()):
        _invite(tx, case_id, group)
    for case_id in set(before.cases or ()) - set(group.cases or ()):
        tx.delete(*invite_key(case_id, group.id), f"uninvite:{case_id}")


def _move_in(tx: Transaction, group_id: str, case_id: str, now: datetime) -> None:
    pk, sk = wait_key(group_id, case_id)
    tx.delete(pk, sk, "first-in-line", "attribute_exists(pk)")
    _put_seat(tx, group_id, case_id, now, "first-in-line-seat")


def _put_seat(tx: Transaction, group_id: str, case_id: str, now: datetime, label: str) -> None:
    pk, sk = seat_key(group_id, case_id)
    tx.put({"pk": pk, "sk": sk, "at": utc_iso(now)}, label, "attribute_not_exists(pk)")
    tx.touch_family_feed(case_id)  # the sessions join the family's calendar


def _names(*placeholders: str) -> dict:
    return {p: COUNTERS[p] for p in placeholders}
