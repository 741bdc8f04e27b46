"""A whole flow with known names, phones, e-mail and a message text: none of them may
appear in any log record (every logger at DEBUG) or on stdout/stderr (docs/domain.md §5)."""

from __future__ import annotations

import logging

import time_machine

from harness.api import call, make_case, make_office
from harness.booking import NOW, TUESDAY, at, book, issue_link

FAMILY_NAME = "Virtanen-Korhonen"
WORKER_NAME = "Aino Salmiakki"
FAMILY_PHONE, FAMILY_PHONE_E164 = "040 987 6543", "+358409876543"
FAMILY_EMAIL = "virtanen.perhe@example.org"
MESSAGE = "Isä uhkaa lähteä lasten kanssa yöllä"
SECRETS = [FAMILY_NAME, WORKER_NAME, FAMILY_PHONE, FAMILY_PHONE_E164, "409876543",
           FAMILY_EMAIL, MESSAGE]


def run_job(client, name: str) -> None:
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                            detail={}, resources=[])
    client.lambda_.invoke(name, event)


def test_a_whole_flow_leaves_no_names_phones_emails_or_messages_in_the_logs(
        client, token, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        logging.getLogger(name).setLevel(logging.DEBUG)
    with time_machine.travel(NOW, tick=False):
        coord = token("coordinator")
        office = make_office(client, coord)
        workers = []
        for n in range(2):
            worker = f"w-privacy-{n}"
            status, _ = call(client, "PUT", f"/workers/{worker}", coord,
                             {"name": WORKER_NAME, "email": f"{worker}@example.org",
                              "phone": f"040 555 010{n}", "office": office})
            assert status == 201
            workers.append(worker)
        case = make_case(client, coord, workers, locations=("home", office),
                         contact={"phone": FAMILY_PHONE, "email": FAMILY_EMAIL,
                                  "language": "fi"})
        call(client, "PATCH", f"/cases/{case['id']}", coord, {"social_worker": None})
        status, _ = call(client, "POST", "/oncall/rotations", coord,
                         {"id": "r-privacy", "level": "primary", "workers": workers,
                          "start": "2026-11-02T08:00:00+02:00", "shift_hours": 24})
        assert status == 201
        link = issue_link(client, coord, case["id"])
        family = type("F", (), {"base": f"/book/{link}"})
        booked = book(client, family, at(TUESDAY, 10))
        assert booked[0] == 201, booked
        call(client, "GET", f"/cases/{case['id']}", coord)
        for job in ("sweep_notifications", "escalation_sweep"):
            run_job(client, job)
        status, _ = call(client, "POST", f"{family.base}/help",
                         {"Content-Type": "application/json"},
                         {"message": MESSAGE, "callback_phone": FAMILY_PHONE})
        assert status == 201
        # A bad request quoting the secrets must not be echoed into the logs either.
        call(client, "PUT", f"/workers/{workers[0]}", coord, {"name": WORKER_NAME, "phone": MESSAGE})
        status, _ = call(client, "POST", f"{family.base}/appointments/{booked[1]['id']}/cancel", {})
        assert status == 200
    with time_machine.travel(TUESDAY.isoformat() + "T06:00:00+02:00", tick=False):
        for job in ("sweep_notifications", "escalation_sweep", "escalation_sweep"):
            run_job(client, job)
    captured = capsys.readouterr()
    # The local sink prints messages to the terminal by design (it IS the phone locally);
    # its lines are the delivered messages, not logs, and carry the recipient only.
    outputs = [line for line in (captured.out + captured.err).splitlines()
               if not line.startswith("[tapaamo ")]
    logs = [caplog.text, *(r.getMessage() for r in caplog.records), *outputs]
    leaked = {(r.name, s) for r in caplog.records for s in SECRETS
              if s.lower() in r.getMessage().lower()}
    leaked |= {("output", s) for s in SECRETS for line in outputs if s.lower() in line.lower()}
    assert leaked == set(), sorted(leaked)
    assert caplog.records, "the flow should have logged something to check"
