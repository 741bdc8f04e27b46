"""The staff console's pages in the bench: the home and the case list of a 200-case team.

Requests carry a console session cookie made with the stage's page key, as the callback
makes one after a sign-in (the bench has no identity provider; sign-in is not measured).
"""

from __future__ import annotations

CASES = 200
PAIRS = 10  # 20 instructors, 10 cases each


def console_pages(bench) -> None:
    """``bench.timed`` rows for the console over ``CASES`` cases of ``PAIRS`` pairs."""
    from harness.api import case_payload, make_worker
    from harness.console import console_cookie

    office = bench.family.office
    pairs = [(make_worker(bench.client, bench.coord), make_worker(bench.client, bench.coord))
             for _ in range(PAIRS)]
    for n in range(CASES):
        status, body = bench.request("POST", "/cases", bench.coord,
                                     case_payload(pairs[n % PAIRS], ("home", office)))
        assert status == 201, body
    coordinator, worker = console_cookie("coordinator"), console_cookie("worker", pairs[0][0])
    for _ in range(bench.runs):
        bench.timed("GET /staff (coordinator)", "GET", "/staff", coordinator)
        bench.timed("GET /staff (worker)", "GET", "/staff", worker)
        bench.timed(f"GET /staff/cases ({CASES}+)", "GET", "/staff/cases", coordinator)
        bench.timed("GET /staff/cases (worker)", "GET", "/staff/cases", worker)
