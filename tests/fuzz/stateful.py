"""Stateful schemathesis against the real local server: a family's booking by the document's
OpenAPI links (open a case → issue a link → free slots → book → move → cancel), with
generated values at every step, checked as tests/fuzz/schema_fuzz.py checks single calls.

The machine is built from the part of ``GET /openapi.json`` that the chain uses, so each
scenario walks the chain instead of wandering the whole API. Three values are pinned
before the call, because no generator can know them: the workers a case names (they
must exist), a family contact that is a real phone number, and a start date of today
(the server reads the real clock; slots start from it).
"""

from __future__ import annotations

import copy
import json
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, datetime

import schemathesis

from chalicelib.domain.workdays import HELSINKI
from chalicelib.web.openapi import document
from tests.fuzz.schema_fuzz import CHECKS, fuzz_settings

CHAIN = {
    ("POST", "/cases"),
    ("POST", "/cases/{case_id}/booking-links"),
    ("GET", "/book/{token}/slots"),
    ("POST", "/book/{token}/appointments"),
    ("POST", "/book/{token}/appointments/{appointment_id}/move"),
    ("POST", "/book/{token}/appointments/{appointment_id}/cancel"),
}


def chain_document() -> dict:
    """The OpenAPI document with only the operations of the booking chain."""
    doc = copy.deepcopy(document())
    doc["paths"] = {path: kept for path, item in doc["paths"].items()
                    if (kept := {m: op for m, op in item.items() if (m.upper(), path) in CHAIN})}
    return doc


def seed_workers(call) -> list[str]:
    """Two workers a case can name; ``call(method, path, body)`` is a coordinator's request."""
    workers = [f"w-fuzz-{uuid.uuid4().hex[:6]}" for _ in range(2)]
    for worker in workers:
        status = call("PUT", f"/workers/{worker}", {"name": "Fuzz", "phone": "+358401000009"})
        assert status in (200, 201), status
    return workers


def _pin_case(body: dict, workers: list[str]) -> None:
    today = datetime.now(UTC).astimezone(HELSINKI).date().isoformat()
    body.update(workers=workers[:1 + len(body) % 2], locations=["home"], start_date=today,
                contact={"phone": "+358401234567", "language": "fi"})
    # Hours out of range only make POST /cases refuse (422, which the single-call run
    # covers); in range they stay as generated, many decimals and all, down the chain.
    for field, default in (("reminders", [24]), ("worker_reminders", [])):
        hours = body.get(field)
        if isinstance(hours, list) and not all(
                isinstance(h, (int, float)) and 0 < h <= 336 for h in hours):
            body[field] = default


def booking_machine(base_url: str, coordinator_token: str, workers: list[str],
                    answers: Counter, negative: bool = True):
    """The state machine class; run it with ``.run(settings=...)``.

    ``answers`` counts ``(operation, status)`` of every call, so a run can show that it
    walked the chain (a run that never booked proves nothing). ``negative=False`` makes
    only values the document allows, so that a short run gets deep into the chain.
    """
    from schemathesis.generation.modes import GenerationMode

    schema = schemathesis.openapi.from_dict(chain_document())
    # Only the document's own links: inferred ones (any operation with a {token} after a
    # booking link) would spend the scenarios on random appointment ids.
    schema.config.phases.stateful.inference.algorithms = []
    if not negative:
        for generation in (schema.config.generation, schema.config.phases.stateful.generation):
            generation.modes = [GenerationMode.POSITIVE]
    base = schema.as_state_machine()

    class FamilyBooking(base):
        def before_call(self, case) -> None:
            if case.operation.path == "/cases" and isinstance(case.body, dict):
                _pin_case(case.body, workers)
            if case.operation.path == "/book/{token}/slots" and case.query:
                case.query.pop("from", None)  # from today, where the slots are

        def after_call(self, response, case) -> None:
            answers[(f"{case.method.upper()} {case.operation.path}", response.status_code)] += 1

        def get_call_kwargs(self, case) -> dict:
            headers = {}
            if case.operation.definition.raw.get("security"):
                headers["Authorization"] = f"Bearer {coordinator_token}"
            return {"base_url": base_url, "headers": headers, "timeout": 30}

        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    return FamilyBooking


def run_booking_chains(stack, tokens: dict, examples: int, steps: int,
                       negative: bool = True) -> Counter:
    """Run ``examples`` scenarios of up to ``steps`` calls against ``stack``; the answers."""
    def call(method: str, path: str, body: dict) -> int:
        request = urllib.request.Request(
            f"{stack.base_url}{path}", method=method, data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json",
                     "Authorization": f"Bearer {tokens['coordinator']}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    answers: Counter = Counter()
    machine = booking_machine(stack.base_url, tokens["coordinator"], seed_workers(call), answers,
                              negative)
    machine.run(settings=fuzz_settings(examples, stateful_step_count=steps))
    return answers
