"""Appointment reminders end to end on moto: once, on time, never after cancel or move."""

from datetime import timedelta

import pytest

from chalicelib.notify.providers import FakeProvider
from tests.support.notify import PUBLIC_URL, TIMER_ATTRIBUTES, appointment, book, cancel, hki, \
    make_case, move, run


@pytest.fixture
def provider(aws):
    from chalicelib import bootstrap

    bootstrap.wiring()  # points the models at the test table
    return FakeProvider()


CHANGE = "Muuta tai peru:"


def bodies(provider):
    """The texts sent, each without its link: everything the link is followed to is
    tests/integration/test_family_messages.py's."""
    texts = [message.body.rsplit(" ", 1) for _, _, message in provider.sent]
    assert all(link.startswith(f"{PUBLIC_URL}/book/") for _, link in texts)
    return [text for text, _ in texts]


def test_a_reminder_is_sent_once_at_the_right_time(provider):
    case = make_case()
    appointment_id = book(case, hki(2026, 12, 2, 9, 0))
    run(provider, hki(2026, 12, 1, 8, 59))
    assert provider.sent == []
    for minute in (0, 1, 2, 30):
        run(provider, hki(2026, 12, 1, 9, minute))
    assert provider.sent[0][:2] == ("sms", "+358401234567")
    assert bodies(provider) == ["Muistutus: tapaaminen ke 2.12. klo 9.00, kotona. " + CHANGE]
    assert not set(TIMER_ATTRIBUTES) & set(appointment(appointment_id))


def test_two_reminders_each_go_out_once(provider):
    case = make_case(reminders=(48, 2))
    book(case, hki(2026, 12, 2, 12, 0), location="kallio")
    for at in (hki(2026, 11, 30, 12, 0), hki(2026, 11, 30, 12, 1), hki(2026, 12, 2, 10, 0),
               hki(2026, 12, 2, 10, 1)):
        run(provider, at)
    assert bodies(provider) == ["Muistutus: tapaaminen ke 2.12. klo 12.00, Kallio. " + CHANGE] * 2


def test_a_24_hour_reminder_for_a_0730_meeting_waits_for_0800(provider):
    case = make_case()
    book(case, hki(2026, 12, 2, 7, 30))
    run(provider, hki(2026, 12, 1, 7, 30))
    assert provider.sent == []
    run(provider, hki(2026, 12, 1, 8, 0))
    assert len(provider.sent) == 1


def test_a_reminder_on_the_spring_dst_night_comes_at_0800_summer_time(provider):
    case = make_case(reminders=(6,))
    book(case, hki(2026, 3, 29, 9, 0), now=hki(2026, 3, 20, 12, 0))
    run(provider, hki(2026, 3, 29, 7, 59))
    assert provider.sent == []
    run(provider, hki(2026, 3, 29, 8, 0))
    assert bodies(provider) == ["Muistutus: tapaaminen su 29.3. klo 9.00, kotona. " + CHANGE]


def test_a_cancelled_appointment_gets_no_reminder_and_its_timer_is_dropped(provider):
    case = make_case()
    appointment_id = book(case, hki(2026, 12, 2, 9, 0))
    cancel(appointment_id)
    run(provider, hki(2026, 12, 1, 9, 0))
    run(provider, hki(2026, 12, 1, 9, 5))
    assert provider.sent == []
    assert not set(TIMER_ATTRIBUTES) & set(appointment(appointment_id))


def test_a_moved_appointment_gets_only_the_new_reminder(provider):
    case = make_case()
    appointment_id = book(case, hki(2026, 12, 2, 9, 0))
    move(appointment_id, case, hki(2026, 12, 4, 14, 0), now=hki(2026, 11, 25, 10, 0))
    for at in (hki(2026, 12, 1, 9, 0), hki(2026, 12, 1, 9, 1), hki(2026, 12, 3, 14, 0)):
        run(provider, at)
    assert bodies(provider) == ["Muistutus: tapaaminen pe 4.12. klo 14.00, kotona. " + CHANGE]


@pytest.mark.parametrize(("language", "text"), [
    ("sv", "Påminnelse: möte ons 2.12. kl. 9.00, hemma. Ändra eller avboka:"),
    ("en", "Reminder: meeting Wed 2 Dec at 09:00, at home. Change or cancel:"),
])
def test_the_reminder_speaks_the_familys_language(provider, language, text):
    book(make_case(language=language), hki(2026, 12, 2, 9, 0))
    run(provider, hki(2026, 12, 1, 9, 0))
    assert bodies(provider) == [text]


def test_a_family_without_a_phone_is_reminded_by_email(provider):
    book(make_case(phone=None, email="perhe@example.org"), hki(2026, 12, 2, 9, 0))
    run(provider, hki(2026, 12, 1, 9, 0) + timedelta(seconds=30))
    assert [(c, r, m.subject) for c, r, m in provider.sent] == [
        ("email", "perhe@example.org", "Muistutus tapaamisesta")]
