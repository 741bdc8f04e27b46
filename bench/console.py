"""The staff console's pages in the bench: the home and the case list of a 200-case team,
and the team grid of an office of 30 workers over two weeks.

Requests carry a console session cookie made with the stage's page key, as the callback
makes one after a sign-in (the bench has no identity provider; sign-in is not measured).
"""

from __future__ import annotations

CASES = 200
PAIRS = 10  # 20 instructors, 10 cases each
GRID_WORKERS = 30
TEAM_GRID = f"GET /staff/team ({GRID_WORKERS} workers × 14 days)"
GRID_WEEK = "2026-W48"  # the bench's clock stands on Friday 20 November 2026


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


def team_grid(bench) -> None:
    """``bench.timed`` rows for ``/staff/team`` of an office of ``GRID_WORKERS`` workers,
    each with meetings, an absence and extra hours in the two weeks shown."""
    from datetime import date, timedelta

    from chalicelib.domain.workdays import at_local
    from harness.api import case_payload, make_office, make_worker
    from harness.console import console_cookie

    office = make_office(bench.client, bench.coord, rooms=GRID_WORKERS)
    workers = [make_worker(bench.client, bench.coord, office=office)
               for _ in range(GRID_WORKERS)]
    monday = date(2026, 11, 23)
    for n, worker in enumerate(workers):
        day = monday + timedelta(days=7 + n % 5)
        for path, span in ((f"/workers/{worker}/absences", (at_local(day, 7), at_local(day, 12))),
                           (f"/workers/{worker}/extra-hours", (at_local(day, 20),
                                                               at_local(day, 22)))):
            status, body = bench.request("POST", path, bench.coord, {
                "start": span[0].isoformat(), "end": span[1].isoformat()})
            assert status == 201, body
    for n in range(0, GRID_WORKERS, 2):
        status, case = bench.request("POST", "/cases", bench.coord, case_payload(
            workers[n:n + 2], ("home", office), meetings_per_week=3))
        assert status == 201, case
        for offset in (0, 2, 4):
            start = at_local(monday + timedelta(days=offset + 7), 13)
            status, body = bench.request("POST", "/appointments", bench.coord, {
                "case": case["id"], "start": start.isoformat(), "location": office})
            assert status == 201, body
    coordinator = console_cookie("coordinator")
    for _ in range(bench.runs):
        bench.timed(TEAM_GRID, "GET", f"/staff/team?office={office}&week={GRID_WEEK}",
                    coordinator)
