"""Demo data for the local stack: Helsinki's six family-work offices, three pairs of
social instructors and three families. Seeding twice adds no data; each run issues a
fresh booking link to print, and prints the demo worker's same feed URL every time, so a
calendar subscribed to it survives a restart (only hashes of tokens are in the table)."""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from chalicelib import tokens
from chalicelib.domain.access import Actor
from chalicelib.domain.directory import Case, Contact, Office, Worker
from chalicelib.domain.escalation import Policy, Step
from chalicelib.domain.oncall import Rotation
from chalicelib.domain.workdays import HELSINKI
from chalicelib.services import directory as use
from chalicelib.services import feeds, links, oncall

SEEDER = Actor(subject="demo-seed", role="coordinator")
DEMO_FAMILY, DEMO_WORKER = "kdemo001", "w-aino"
FEED_KEY_FILE = "demo-feed.key"

OFFICES = (
    Office("kallio", "Kallio", "Toinen linja 4 A, 00530 Helsinki", 3, "Berghäll"),
    Office("itakeskus", "Itäkeskus", "Turunlinnantie 12, 00930 Helsinki", 4, "Östra centrum"),
    Office("vuosaari", "Vuosaari", "Kahvikuja 3, 00980 Helsinki", 2, "Nordsjö"),
    Office("malmi", "Malmi", "Ala-Malmin tori 1, 00700 Helsinki", 3, "Malm"),
    Office("maunula", "Maunula", "Metsäpurontie 4, 00630 Helsinki", 2, "Månsas"),
    Office("lassila", "Lassila", "Kaupintie 11, 00440 Helsinki", 2, "Lassas"),
)

WORKERS = (
    Worker("w-aino", "Aino Demo", "aino.demo@example.org", "+358401000001", "kallio",
           ("instructor", "on-call")),
    Worker("w-eero", "Eero Demo", "eero.demo@example.org", "+358401000002", "kallio",
           ("instructor", "on-call")),
    Worker("w-liisa", "Liisa Demo", "liisa.demo@example.org", "+358401000003", "itakeskus",
           ("instructor", "on-call")),
    Worker("w-mikko", "Mikko Demo", "mikko.demo@example.org", "+358401000004", "itakeskus",
           ("instructor",)),
    Worker("w-sara", "Sara Demo", "sara.demo@example.org", "+358401000005", "malmi",
           ("support-person", "on-call")),
    Worker("w-olli", "Olli Demo", "olli.demo@example.org", "+358401000006", "malmi",
           ("instructor",)),
    Worker("w-kaisa", "Kaisa Demo", "kaisa.demo@example.org", "+358401000007", "kallio",
           ("social-worker",)),
)


def demo_cases(today: date) -> tuple[Case, ...]:
    return (
        Case("kdemo001", "tehostettu-perhetyo", ("w-aino", "w-eero"), today, 90, 2,
             ("home", "kallio"), Contact("+358501000101", "perhe1@example.org", "fi"),
             social_worker="w-kaisa"),
        Case("kdemo002", "perhetyo", ("w-liisa", "w-mikko"), today, 120, 1,
             ("home", "school", "itakeskus"), Contact("+358501000102", None, "sv")),
        Case("kdemo003", "tukihenkilotoiminta", ("w-sara",), today, 90, 1,
             ("home", "malmi"), Contact("+358501000103", None, "en")),
    )


# Short waits so that `make run` shows the pages arriving within a minute or two.
DEMO_POLICY = Policy((Step("primary", 20), Step("secondary", 20)), repeat=1)


def demo_rotations(today: date) -> tuple[Rotation, ...]:
    """Weekly shifts handing off on Monday 08:00, from the Monday of this week."""
    monday = datetime.combine(today - timedelta(days=today.weekday()), time(8), HELSINKI)
    start = monday - timedelta(days=7)  # so that this morning before 08:00 is covered too
    return (Rotation("demo-primary", "primary", ("w-aino", "w-liisa"), start, 168),
            Rotation("demo-secondary", "secondary", ("w-sara", "w-eero"), start, 168))


def seed_oncall(wiring, today: date) -> None:
    """A primary and a secondary rotation and a fast policy, unless a rota exists."""
    rota = wiring.rota.load()
    if not rota.rotations:
        for rotation in demo_rotations(today):
            oncall.put_rotation(wiring.rota, wiring.directory, SEEDER, rotation)
    if rota.policy is None:
        oncall.put_policy(wiring.rota, wiring.directory, SEEDER, DEMO_POLICY)


def seed_demo(wiring, now: datetime) -> list[str]:
    """Write whatever demo data is missing; returns lines for the terminal."""
    repo = wiring.directory
    existing = {o.id: o for o in repo.list_offices()}
    for office in OFFICES:
        stored = existing.get(office.id)
        if stored is None:
            use.put_office(repo, SEEDER, office)
        elif stored.name_sv is None:  # seeded before offices had Swedish names
            use.put_office(repo, SEEDER, replace(stored, name_sv=office.name_sv))
    repo.sync_office_names()  # a table seeded before offices' names had their own item
    known = repo.get_workers([w.id for w in WORKERS])
    for worker in WORKERS:
        if worker.id not in known:
            use.put_worker(repo, SEEDER, worker)
    cases = demo_cases(now.date())
    for case in cases:
        if repo.get_case(case.id) is None:
            repo.save_case(replace(case, created_at=now, updated_at=now))
    # A table seeded before the staff lists: put what was there on them.
    repo.index_lists([w.id for w in WORKERS if w.id in known], [c.id for c in cases])
    seed_oncall(wiring, now.astimezone(HELSINKI).date())
    return [f"demo: {len(OFFICES)} offices, {len(WORKERS)} workers, 3 cases, "
            "an on-call rota (primary/secondary) and a 20 s escalation policy",
            *demo_urls(wiring, now)]


def demo_urls(wiring, now: datetime) -> list[str]:
    """A fresh booking link for the demo family, and the feed URL of its first worker.

    Tokens are stored only as hashes, so an earlier booking link cannot be shown again: each
    start issues a new one (the old ones keep working until they expire). The feed token is
    the same on every start (:func:`demo_feed_token`); if someone replaced it through the
    API, that newer URL is left alone.
    """
    public_url = wiring.settings.public_url
    link = links.issue_link(wiring.directory, SEEDER, DEMO_FAMILY, None, now, public_url)
    feed = feeds.keep_feed_token(wiring.agenda, DEMO_WORKER,
                                 demo_feed_token(wiring.settings.local_dir), public_url, now)
    return [f"booking_url: {link['url']}",
            f"feed_url: {feed}" if feed else
            f"feed_url: (replaced through the API: POST /workers/{DEMO_WORKER}/feed-tokens)"]


def demo_feed_token(local_dir: Path) -> str:
    """The demo worker's feed token: an HMAC of the worker id under a random key kept in
    ``<local dir>/demo-feed.key`` (made on first use, readable by its owner only)."""
    path = Path(local_dir) / FEED_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    key = bytes.fromhex(path.read_text().strip())
    digest = tokens.mac(key, f"feed:{DEMO_WORKER}")
    return f"{DEMO_WORKER}.{base64.urlsafe_b64encode(digest[:feeds.SECRET_BYTES]).decode()}"
