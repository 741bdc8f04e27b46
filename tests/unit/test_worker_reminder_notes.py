"""Who a workers' reminder goes to, and what it carries (no family details)."""

from datetime import UTC, datetime

from chalicelib.domain.directory import Worker
from chalicelib.domain.reminders import ReminderTimer
from chalicelib.notify.templates import render
from chalicelib.services.reminders import worker_notes

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 10:00 Helsinki
AT = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


def timer(*workers: str) -> ReminderTimer:
    return ReminderTimer("a1", "k7f3a", START, "home", 0, (2.0,), 0, AT, audience="workers",
                         workers=workers)


def worker(worker_id: str, phone: str | None, email: str | None) -> Worker:
    return Worker(worker_id, "Aino Ahonen", email, phone, None, ("instructor",))


def test_each_worker_gets_sms_or_else_email_and_an_unreachable_one_nothing():
    staff = {"anna": worker("anna", "+358401000001", "anna@example.org"),
             "ben": worker("ben", None, "ben@example.org"),
             "cai": worker("cai", None, None)}
    notes = worker_notes(timer("anna", "ben", "cai", "gone"), staff, AT)
    assert [(n.kind, n.channel, n.recipient, n.language) for n in notes] == [
        ("worker-reminder", "sms", "+358401000001", "fi"),
        ("worker-reminder", "email", "ben@example.org", "fi")]
    assert len({n.id for n in notes}) == 2


def test_two_workers_sharing_a_phone_get_one_message():
    staff = {w: worker(w, "+358401000001", None) for w in ("anna", "ben")}
    assert len(worker_notes(timer("anna", "ben"), staff, AT)) == 1


def test_the_text_names_the_case_code_time_and_place_and_no_person():
    [note] = worker_notes(timer("anna"), {"anna": worker("anna", "+358401000001", None)}, AT)
    assert note.params == {"code": "k7f3a", "start": START.isoformat(), "location": "home"}
    body = render(note.kind, note.language, note.params).body
    assert body == "Muistutus: asiakkuus k7f3a, tapaaminen ti 1.12. klo 10.00, kotona."
    assert "Aino" not in body
