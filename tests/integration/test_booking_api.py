"""The booking API end to end through chalice.test.Client on moto, with a pinned clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from chalicelib.domain.workdays import is_working_day

from harness.api import call
from harness.booking import (NOW, TUESDAY, at, book, clock, coord,  # noqa: F401 - fixtures
                                   family, issue_link, make_family)

JSON = {"Content-Type": "application/json"}


def test_a_family_books_a_free_slot_and_sees_it_listed(client, family):
    status, body = book(client, family, at(TUESDAY, 10))
    assert status == 201, body
    assert body["start"] == "2026-12-01T10:00:00+02:00"
    assert body["end"] == "2026-12-01T11:30:00+02:00"
    assert (body["location"], body["status"], body["case"]) == ("home", "booked", family.case)
    status, listed = call(client, "GET", f"{family.base}/appointments", {})
    assert status == 200 and [a["id"] for a in listed["appointments"]] == [body["id"]]


def slot_starts(client, family, day=TUESDAY, days=1) -> list[str]:
    status, body = call(client, "GET", f"{family.base}/slots?from={day}&days={days}", {})
    assert status == 200, body
    return [s["start"] for s in body["slots"]]


def test_slots_list_the_working_day_and_drop_a_booked_time_with_its_buffer(client, family):
    before = slot_starts(client, family)
    assert before[0] == at(TUESDAY, 7) and before[-1] == at(TUESDAY, 18, 30)
    assert book(client, family, at(TUESDAY, 10))[0] == 201
    # One meeting a day for a family: the rest of the day is gone for this family.
    assert slot_starts(client, family) == []


def test_slots_of_another_family_sharing_the_worker_keep_the_travel_buffer(client, coord,
                                                                          family):
    other = make_family(client, coord, workers=[family.workers[0]], office=family.office)
    assert book(client, family, at(TUESDAY, 10))[0] == 201
    starts = slot_starts(client, other)
    # 10:00-11:30 taken at another home: 30 min of travel on each side.
    assert at(TUESDAY, 8) in starts and at(TUESDAY, 8, 30) not in starts
    assert at(TUESDAY, 11, 30) not in starts and at(TUESDAY, 12) in starts


def test_slots_list_office_locations_with_free_rooms(client, family):
    status, body = call(client, "GET", f"{family.base}/slots?from={TUESDAY}&days=1", {})
    assert body["slots"][0]["locations"] == ["home", family.office]
    assert body["slots"][0]["end"] == at(TUESDAY, 8, 30)


@pytest.mark.parametrize("query, status", [
    ("from=2026-13-01", 400), ("days=x", 400), ("days=0", 422), ("days=29", 422),
])
def test_bad_slot_queries_are_client_errors(client, family, query, status):
    assert call(client, "GET", f"{family.base}/slots?{query}", {})[0] == status


def test_two_families_sharing_a_worker_cannot_book_overlapping_times(client, coord, family):
    other = make_family(client, coord, workers=[family.workers[1]])
    assert book(client, family, at(TUESDAY, 10))[0] == 201
    status, body = book(client, other, at(TUESDAY, 11))
    assert status == 409 and body["error"]["code"] == "slot_taken"
    status, body = book(client, other, at(TUESDAY, 11, 30))  # no travel time: still taken
    assert status == 409 and body["error"]["code"] == "slot_taken"
    assert book(client, other, at(TUESDAY, 12))[0] == 201


def test_the_last_office_room_goes_to_one_family(client, coord, family):
    other = make_family(client, coord, office=family.office)  # different workers, 1 room
    assert book(client, family, at(TUESDAY, 10), family.office)[0] == 201
    status, body = book(client, other, at(TUESDAY, 10), family.office)
    assert status == 409 and body["error"]["code"] == "slot_taken"
    assert book(client, other, at(TUESDAY, 10), "home")[0] == 201


def test_two_rooms_take_two_meetings_at_once(client, coord):
    first = make_family(client, coord, rooms=2)
    second = make_family(client, coord, office=first.office)
    third = make_family(client, coord, office=first.office)
    assert book(client, first, at(TUESDAY, 10), first.office)[0] == 201
    assert book(client, second, at(TUESDAY, 10), first.office)[0] == 201
    assert book(client, third, at(TUESDAY, 10), first.office)[0] == 409


@pytest.mark.parametrize("start, code", [
    (at(TUESDAY, 19), "outside_working_hours"),
    (at(TUESDAY, 6), "outside_working_hours"),
    (at(TUESDAY - timedelta(days=3), 10), "outside_working_hours"),  # a Saturday
    (at(TUESDAY + timedelta(days=30), 10), "too_far"),
    ((NOW + timedelta(hours=20)).isoformat(), "too_soon"),
    (at(TUESDAY, 10, 15), "off_grid"),
])
def test_rule_breaking_bookings_are_422_with_the_rule(client, family, start, code):
    status, body = book(client, family, start)
    assert status == 422, body
    assert body["error"]["code"] == code


def test_staff_cannot_book_on_a_holiday(client, coord, family):
    status, body = call(client, "POST", "/appointments", coord,
                        {"case": family.case, "start": at(TUESDAY + timedelta(days=23), 10),
                         "location": "home"})  # 2026-12-24, jouluaatto
    assert (status, body["error"]["code"]) == (422, "holiday")


def test_an_unknown_location_is_bad_location(client, family):
    status, body = book(client, family, at(TUESDAY, 10), "daycare")
    assert status == 422 and body["error"]["code"] == "bad_location"


@pytest.mark.parametrize("payload", [
    {"start": "tomorrow", "location": "home"},
    {"start": "2026-12-01T10:00:00", "location": "home"},
    {"start": "9999-12-31T23:59:59-01:00", "location": "home"},  # was a 500: no UTC for it
    {"location": "home"},
    {"start": at(TUESDAY, 10)},
])
def test_invalid_booking_bodies_are_422_never_5xx(client, family, payload):
    status, body = call(client, "POST", f"{family.base}/appointments", JSON, payload)
    assert (status, body["error"]["code"]) == (422, "invalid_value"), body


def test_malformed_json_is_400(client, family):
    assert call(client, "POST", f"{family.base}/appointments", JSON, "{")[0] == 400


def test_weekly_and_daily_limits_stop_the_family_but_not_staff(client, coord):
    family = make_family(client, coord, meetings_per_week=2)
    wed, thu, fri = (TUESDAY + timedelta(days=n) for n in (1, 2, 3))
    assert book(client, family, at(TUESDAY, 10))[0] == 201
    status, body = book(client, family, at(TUESDAY, 14))
    assert (status, body["error"]["code"]) == (422, "daily_limit")
    assert book(client, family, at(wed, 10))[0] == 201
    status, body = book(client, family, at(thu, 10))
    assert (status, body["error"]["code"]) == (422, "weekly_limit")
    status, body = call(client, "POST", "/appointments", coord,
                        {"case": family.case, "start": at(fri, 10), "location": "home"})
    assert status == 201, body
    status, body = call(client, "POST", "/appointments", coord,
                        {"case": family.case, "start": at(fri, 14), "location": "home",
                         "kind": "network", "minutes": 60})
    assert status == 201 and (body["kind"], body["minutes"]) == ("network", 60)


def test_an_absence_removes_slots_and_refuses_bookings(client, coord, family):
    worker = family.workers[0]
    status, body = call(client, "POST", f"/workers/{worker}/absences", coord,
                        {"start": at(TUESDAY, 12), "end": at(TUESDAY, 16), "reason": "koulutus"})
    assert status == 201 and body["id"] and body["conflicts"] == []
    starts = slot_starts(client, family)
    assert at(TUESDAY, 10, 30) in starts and at(TUESDAY, 11) not in starts
    assert at(TUESDAY, 16) in starts
    status, body = book(client, family, at(TUESDAY, 13))
    assert (status, body["error"]["code"]) == (422, "worker_absent")


def test_a_long_absence_covers_whole_days_and_lists_booked_appointments(client, coord, family):
    booked = book(client, family, at(TUESDAY, 10))[1]
    status, body = call(client, "POST", f"/workers/{family.workers[1]}/absences", coord,
                        {"start": at(TUESDAY, 9), "end": at(TUESDAY + timedelta(days=80), 9)})
    assert status == 201 and body["conflicts"] == [booked["id"]]
    wed = TUESDAY + timedelta(days=1)
    assert slot_starts(client, family, wed) == []
    status, body = book(client, family, at(wed, 12))
    assert (status, body["error"]["code"]) == (422, "worker_absent")


@pytest.mark.parametrize("path, end_hours", [("absences", 24 * 91), ("extra-hours", 17),
                                             ("absences", 0)])
def test_too_long_or_empty_spans_are_422(client, coord, family, path, end_hours):
    end = (NOW + timedelta(days=20, hours=end_hours)).isoformat()
    status, _ = call(client, "POST", f"/workers/{family.workers[0]}/{path}", coord,
                     {"start": (NOW + timedelta(days=20)).isoformat(), "end": end})
    assert status == 422


def test_extra_hours_open_an_evening_when_both_workers_open_it(client, coord, family):
    status, body = book(client, family, at(TUESDAY, 19))
    assert body["error"]["code"] == "outside_working_hours"
    for worker in family.workers[:1]:
        call(client, "POST", f"/workers/{worker}/extra-hours", coord,
             {"start": at(TUESDAY, 18), "end": at(TUESDAY, 21)})
    assert book(client, family, at(TUESDAY, 19))[1]["error"]["code"] == "outside_working_hours"
    status, body = call(client, "POST", f"/workers/{family.workers[1]}/extra-hours", coord,
                        {"start": at(TUESDAY, 18), "end": at(TUESDAY, 21)})
    assert status == 201 and body["id"]
    assert at(TUESDAY, 19) in slot_starts(client, family)
    assert book(client, family, at(TUESDAY, 19))[0] == 201


def test_extra_hours_open_a_saturday(client, coord, family):
    saturday = TUESDAY + timedelta(days=4)
    assert book(client, family, at(saturday, 10))[1]["error"]["code"] == "outside_working_hours"
    for worker in family.workers:
        assert call(client, "POST", f"/workers/{worker}/extra-hours", coord,
                    {"start": at(saturday, 9), "end": at(saturday, 13)})[0] == 201
    assert slot_starts(client, family, saturday) == [at(saturday, 9), at(saturday, 9, 30),
                                                     at(saturday, 10), at(saturday, 10, 30),
                                                     at(saturday, 11), at(saturday, 11, 30)]
    assert book(client, family, at(saturday, 10))[0] == 201


def test_a_worker_may_not_mark_another_workers_absence(client, token, family):
    own = token("worker", family.workers[0])
    status, _ = call(client, "POST", f"/workers/{family.workers[1]}/absences", own,
                     {"start": at(TUESDAY, 9), "end": at(TUESDAY, 10)})
    assert status == 403


def test_cancel_releases_everything_and_the_time_can_be_booked_again(client, coord, family):
    other = make_family(client, coord, workers=family.workers, office=family.office)
    first = book(client, family, at(TUESDAY, 10), family.office)[1]
    assert book(client, other, at(TUESDAY, 10), family.office)[0] == 409
    path = f"{family.base}/appointments/{first['id']}/cancel"
    status, body = call(client, "POST", path, {})
    assert status == 200 and body["status"] == "cancelled"
    status, body = call(client, "POST", path, {})  # twice: same answer, nothing released twice
    assert status == 200 and body["status"] == "cancelled"
    assert book(client, other, at(TUESDAY, 10), family.office)[0] == 201
    assert book(client, family, at(TUESDAY + timedelta(days=1), 10), family.office)[0] == 201
    listed = call(client, "GET", f"{family.base}/appointments", {})[1]["appointments"]
    assert [a["status"] for a in listed] == ["cancelled", "booked"]


def test_cancel_then_rebook_the_same_time(client, family):
    first = book(client, family, at(TUESDAY, 10))[1]
    call(client, "POST", f"{family.base}/appointments/{first['id']}/cancel", {})
    status, again = book(client, family, at(TUESDAY, 10))
    assert status == 201 and again["id"] != first["id"]


def test_staff_cancel_releases_the_slot(client, coord, token, family):
    first = book(client, family, at(TUESDAY, 10))[1]
    stranger = token("worker", "someone-else")
    assert call(client, "POST", f"/appointments/{first['id']}/cancel", stranger)[0] == 404
    worker = token("worker", family.workers[0])
    status, body = call(client, "POST", f"/appointments/{first['id']}/cancel", worker)
    assert status == 200 and body["status"] == "cancelled"
    assert at(TUESDAY, 10) in slot_starts(client, family)


def test_another_cases_appointment_is_404_through_a_link(client, coord, family):
    other = make_family(client, coord)
    theirs = book(client, other, at(TUESDAY, 10))[1]
    status, body = call(client, "POST", f"{family.base}/appointments/{theirs['id']}/cancel", {})
    assert status == 404
    status, _ = call(client, "POST", f"{family.base}/appointments/{theirs['id']}/move", JSON,
                     {"start": at(TUESDAY, 12), "location": "home"})
    assert status == 404


@pytest.mark.parametrize("token_value", [
    "nonsense", "k123.short", "kdeadbeef.AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "",
])
def test_unknown_or_malformed_tokens_are_404(client, family, token_value):
    assert call(client, "GET", f"/book/{token_value}/slots", {})[0] in (404,)


def test_a_token_with_another_case_id_is_404(client, coord, family):
    other = make_family(client, coord)
    forged = f"{other.case}.{family.token.split('.', 1)[1]}"
    assert call(client, "GET", f"/book/{forged}/appointments", {})[0] == 404


def test_revoking_links_makes_them_410_and_a_new_link_works(client, coord, family):
    status, _ = call(client, "DELETE", f"/cases/{family.case}/booking-links", coord)
    assert status == 204
    status, body = call(client, "GET", f"{family.base}/slots", {})
    assert status == 410 and body["error"]["code"] == "link_gone"
    fresh = issue_link(client, coord, family.case)
    assert call(client, "GET", f"/book/{fresh}/appointments", {})[0] == 200


def test_an_expired_link_is_410(client, coord, family, clock):
    short = issue_link(client, coord, family.case, valid_days=1)
    clock.shift(timedelta(days=2))
    assert call(client, "GET", f"/book/{short}/appointments", {})[0] == 410
    assert call(client, "GET", f"{family.base}/appointments", {})[0] == 200


@pytest.mark.parametrize("valid_days", [0, 366, "x", 1.5])
def test_bad_link_validity_is_422(client, coord, family, valid_days):
    status, _ = call(client, "POST", f"/cases/{family.case}/booking-links", coord,
                     {"valid_days": valid_days})
    assert status == 422


def test_links_are_issued_by_the_cases_workers_and_audited(client, coord, token, family):
    stranger = token("worker", "someone-else")
    assert call(client, "POST", f"/cases/{family.case}/booking-links", stranger, {})[0] == 404
    worker = token("worker", family.workers[0])
    status, link = call(client, "POST", f"/cases/{family.case}/booking-links", worker, {})
    assert status == 201 and link["url"].startswith("http://tapaamo.test/book/")
    assert link["expires_at"].startswith("2026-12-20T12:00:00")
    actions = [e["action"] for e in call(client, "GET", f"/cases/{family.case}/audit",
                                         coord)[1]["entries"]]
    assert actions.count("link.issue") == 2


def test_an_idempotent_replay_returns_the_first_response_and_creates_nothing(client, family):
    key = {"Idempotency-Key": "tap-1"}
    first = book(client, family, at(TUESDAY, 10), headers=key)
    again = book(client, family, at(TUESDAY, 10), headers=key)
    assert first == again and first[0] == 201
    listed = call(client, "GET", f"{family.base}/appointments", {})[1]["appointments"]
    assert len(listed) == 1
    status, body = book(client, family, at(TUESDAY, 12), headers=key)
    assert (status, body["error"]["code"]) == (422, "idempotency_key_reused")


def test_a_move_books_the_new_time_and_releases_the_old_in_one_step(client, coord, family):
    first = book(client, family, at(TUESDAY, 10))[1]
    status, moved = call(client, "POST", f"{family.base}/appointments/{first['id']}/move",
                         JSON, {"start": at(TUESDAY, 11), "location": family.office})
    assert status == 200, moved
    assert (moved["start"], moved["location"]) == (at(TUESDAY, 11), family.office)
    listed = {a["id"]: a["status"] for a in
              call(client, "GET", f"{family.base}/appointments", {})[1]["appointments"]}
    assert listed == {first["id"]: "cancelled", moved["id"]: "booked"}
    other = make_family(client, coord, workers=family.workers)
    assert book(client, other, at(TUESDAY, 8))[0] == 201  # 10:00 freed, buffer respected


def test_a_move_onto_a_taken_slot_leaves_the_old_appointment_booked(client, coord, family):
    other = make_family(client, coord, workers=family.workers)
    wed = TUESDAY + timedelta(days=1)
    theirs = book(client, other, at(wed, 10))[1]
    ours = book(client, family, at(TUESDAY, 10))[1]
    status, body = call(client, "POST", f"{family.base}/appointments/{ours['id']}/move", JSON,
                        {"start": at(wed, 10), "location": "home"})
    assert (status, body["error"]["code"]) == (409, "slot_taken")
    listed = call(client, "GET", f"{family.base}/appointments", {})[1]["appointments"]
    assert [(a["id"], a["status"]) for a in listed] == [(ours["id"], "booked")]
    assert theirs["status"] == "booked"
    assert book(client, other, at(TUESDAY, 10))[0] == 409  # the old one still holds it


def test_a_move_to_another_week_frees_the_weekly_count(client, coord):
    family = make_family(client, coord, meetings_per_week=1)
    first = book(client, family, at(TUESDAY, 10))[1]
    later = TUESDAY + timedelta(days=7)
    status, moved = call(client, "POST", f"{family.base}/appointments/{first['id']}/move",
                         JSON, {"start": at(later, 10), "location": "home"})
    assert status == 200, moved
    assert book(client, family, at(TUESDAY + timedelta(days=1), 10))[0] == 201
    assert book(client, family, at(later + timedelta(days=1), 10))[1]["error"]["code"] == \
        "weekly_limit"


def test_a_worker_lists_their_appointments_and_others_may_not(client, coord, token, family):
    booked = book(client, family, at(TUESDAY, 10))[1]
    worker = token("worker", family.workers[0])
    status, body = call(client, "GET",
                        f"/workers/{family.workers[0]}/appointments?from=2026-11-30&to=2026-12-07",
                        worker)
    assert status == 200
    assert [(a["id"], a["start"], a["status"]) for a in body["appointments"]] == [
        (booked["id"], at(TUESDAY, 10), "booked")]
    assert call(client, "GET", f"/workers/{family.workers[1]}/appointments", worker)[0] == 403
    call(client, "POST", f"/appointments/{booked['id']}/cancel", coord)
    body = call(client, "GET", f"/workers/{family.workers[0]}/appointments", coord)[1]
    assert [(a["status"], a["sequence"]) for a in body["appointments"]] == [("cancelled", 1)]


def test_staff_booking_needs_access_to_the_case(client, token, family):
    stranger = token("worker", "someone-else")
    status, _ = call(client, "POST", "/appointments", stranger,
                     {"case": family.case, "start": at(TUESDAY, 10), "location": "home"})
    assert status == 404
    status, body = call(client, "POST", "/appointments", token("coordinator"),
                        {"case": family.case, "start": at(TUESDAY, 10), "location": "home",
                         "kind": "party"})
    assert status == 422 and body["error"]["field"] == "kind"


def test_staff_may_book_tomorrow_morning_but_not_the_past(client, coord, family):
    tomorrow_ish = NOW + timedelta(days=3)  # Monday 12:00
    status, _ = call(client, "POST", "/appointments", coord,
                     {"case": family.case, "start": tomorrow_ish.isoformat(), "location": "home"})
    assert status == 201
    status, body = call(client, "POST", "/appointments", coord,
                        {"case": family.case, "start": at(TUESDAY - timedelta(days=14), 10),
                         "location": "home"})
    assert status == 422 and body["error"]["code"] == "too_soon"


@pytest.mark.parametrize("monday", ["2026-03-23", "2026-10-19"])
def test_dst_week_slots_keep_their_wall_clock_times(client, coord, monday):
    from datetime import date

    family = make_family(client, coord)
    day = date.fromisoformat(monday)
    with time_machine.travel(at(day - timedelta(days=7), 12), tick=False):
        starts = slot_starts(client, family, day, days=14)
    for current in (day + timedelta(days=n) for n in range(14)):
        listed = [s for s in starts if s.startswith(current.isoformat())]
        if not is_working_day(current):  # weekends, and Good Friday 2026-04-03
            assert listed == []
            continue
        assert listed[0][11:16] == "07:00" and listed[-1][11:16] == "18:30"
        assert len(listed) == 24


def test_a_booking_and_a_cancel_queue_messages_without_names(client, family):
    from chalicelib.store.tx import client as ddb
    from chalicelib.store.tx import from_dynamo, table_name

    booked = book(client, family, at(TUESDAY, 10))[1]
    call(client, "POST", f"{family.base}/appointments/{booked['id']}/cancel", {})
    items = ddb().query(TableName=table_name(), IndexName="by_parent",
                        KeyConditionExpression="gsi1pk = :p",
                        ExpressionAttributeValues={":p": {"S": f"CASE#{family.case}#NOTES"}})
    notes = sorted((n["kind"], n["channel"], n["recipient"], tuple(sorted(n["params"])))
                   for n in map(from_dynamo, items["Items"]))
    # One channel by default (the phone). The outbox keeps a reference to the family's
    # link, never the link itself: the sender makes it (services/message_links.py).
    assert notes == [
        ("cancellation", "sms", "+358401234567", ("link_ref", "location", "start")),
        ("confirmation", "sms", "+358401234567", ("link_ref", "location", "start")),
    ]


def test_a_booking_sets_the_reminder_timer_and_a_cancel_clears_it(client, family):
    from chalicelib.store.appointments import appointment_key
    from chalicelib.store.tx import batch_get

    booked = book(client, family, at(TUESDAY, 10))[1]
    item = batch_get([appointment_key(booked["id"])])[appointment_key(booked["id"])]
    assert item["due_at"] == "2026-11-30T08:00:00+00:00"  # 24 h before
    call(client, "POST", f"{family.base}/appointments/{booked['id']}/cancel", {})
    item = batch_get([appointment_key(booked["id"])])[appointment_key(booked["id"])]
    assert "due_at" not in item and item["status"] == "cancelled" and item["sequence"] == 1


def test_a_transaction_conflict_is_retried_and_then_books(client, family, monkeypatch):
    from chalicelib.domain.errors import Unavailable
    from chalicelib.store.tx import Transaction

    original, conflicts = Transaction.commit, []

    def conflicting_once(self, token=None):
        if not conflicts:
            conflicts.append(1)
            raise Unavailable("busy")
        return original(self, token)

    monkeypatch.setattr(Transaction, "commit", conflicting_once)
    status, body = book(client, family, at(TUESDAY, 10))
    assert status == 201 and conflicts == [1]
    assert len(call(client, "GET", f"{family.base}/appointments", {})[1]["appointments"]) == 1


def test_lasting_conflicts_answer_503_with_retry_after(client, family, monkeypatch):
    from chalicelib.domain.errors import Unavailable
    from chalicelib.store.tx import Transaction

    def always_busy(self, token=None):
        raise Unavailable("busy")

    monkeypatch.setattr(Transaction, "commit", always_busy)
    response = client.http.post(f"{family.base}/appointments", headers=JSON,
                                body='{"start": "%s", "location": "home"}' % at(TUESDAY, 10))
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
