"""Admin CLI: create tables, seed demo data, mint a local staff token.

    python -m chalicelib.cli create-tables
    python -m chalicelib.cli seed
    python -m chalicelib.cli sync-office-names
    python -m chalicelib.cli reshard-timers
    python -m chalicelib.cli index-lists
    python -m chalicelib.cli token --role coordinator [--worker ID]
    python -m chalicelib.cli sms-reply --from +358401234567 OK

``token`` and ``sms-reply`` use the stack `make run` started on ``${PORT:-8000}``
(``.local/<PORT>/``: its signing key, its inbound SMS spool), or ``TAPAAMO_LOCAL_DIR`` when set.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from chalicelib import bootstrap
from chalicelib.auth import mint_local_token
from chalicelib.config import load_settings

PROJECT_DIR = Path(__file__).resolve().parents[1]


def dynamodb_client(settings):
    import boto3

    from chalicelib.store.table import client_config

    return boto3.client("dynamodb", region_name=settings.region,
                        endpoint_url=settings.ddb_endpoint,
                        config=client_config(settings.ddb_read_timeout, settings.ddb_attempts))


def create_tables() -> None:
    from chalicelib.store.table import create_table

    settings = load_settings()
    created = create_table(dynamodb_client(settings), settings.table)
    print(f"table {settings.table}: {'created' if created else 'exists'}")


def seed() -> None:
    from chalicelib.local.demo import seed_demo

    for line in seed_demo(bootstrap.wiring(), bootstrap.now()):
        print(line)


def reshard_timers() -> None:
    from chalicelib.store import (busy, escalations, outbox, reminders, review_rules, reviews,
                                  timers)

    bootstrap.wiring()  # points the store at the configured table
    kinds = (outbox.DUE_KIND, reminders.DUE_KIND, reminders.WORKER_DUE_KIND, reviews.DUE_KIND,
             review_rules.JOB_KIND, escalations.DUE_KIND, busy.KIND)
    print(f"timers moved: {timers.reshard(kinds, bootstrap.now())}")


def index_lists() -> None:
    from chalicelib.store.directory_lists import listed_ids

    workers, cases = listed_ids()
    bootstrap.wiring().directory.index_lists(workers, cases)
    print(f"lists: {len(workers)} workers, {len(cases)} cases indexed")


def signing_dir() -> Path:
    """Where the local signing key is: ``TAPAAMO_LOCAL_DIR``, else the running stack's folder.

    The stack gives its own processes ``TAPAAMO_LOCAL_DIR=.local/<PORT>``; a terminal
    beside it has no such variable, so the folder follows from ``PORT`` as the stack's does.
    """
    if os.environ.get("TAPAAMO_LOCAL_DIR"):
        return load_settings().local_dir
    from chalicelib.local.settings import settings_from_environment

    return settings_from_environment(PROJECT_DIR).stack_dir


def token(role: str, worker: str | None) -> None:
    print(mint_local_token(signing_dir(), role, worker, bootstrap.now()))


def sms_reply(sender: str, words: list[str]) -> None:
    """Spool an SMS reply as two-way SMS would publish it; the local pump hands it on."""
    import json
    import uuid

    from chalicelib.local.queue import LocalQueue

    settings, spool = load_settings(), signing_dir()
    message_id = str(uuid.uuid4())
    payload = {"originationNumber": sender, "destinationNumber": settings.support_phone,
               "messageKeyword": "", "messageBody": " ".join(words),
               "inboundMessageId": message_id, "previousPublishedMessageId": ""}
    LocalQueue(spool).send("inbound-sms", json.dumps(payload))
    print(f"reply {message_id} spooled under {spool}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("create-tables", help="create the DynamoDB table if missing")
    commands.add_parser("seed", help="add the demo offices, workers and cases (idempotent)")
    commands.add_parser("sync-office-names", help="write the office names item feeds read "
                        "(once, for a table with offices from before it)")
    commands.add_parser("reshard-timers", help="move pending timers from the old per-day "
                        "index partitions to one per kind (once, after upgrading)")
    commands.add_parser("index-lists", help="put stored workers and cases on the staff lists "
                        "(once, for a table from before them; one Scan)")
    tok = commands.add_parser("token", help="print a local staff token")
    tok.add_argument("--role", choices=("coordinator", "worker"), required=True)
    tok.add_argument("--worker")
    reply = commands.add_parser("sms-reply", help="reply to a page by SMS (local stack)")
    reply.add_argument("--from", dest="sender", required=True, help="the worker's number")
    reply.add_argument("text", nargs="+", help="e.g. OK, KUITTAA, LOPETA or a short code")
    args = parser.parse_args(argv)
    if args.command == "create-tables":
        create_tables()
    elif args.command == "seed":
        seed()
    elif args.command == "sync-office-names":
        bootstrap.wiring().directory.sync_office_names()
    elif args.command == "sms-reply":
        sms_reply(args.sender, args.text)
    elif args.command == "reshard-timers":
        reshard_timers()
    elif args.command == "index-lists":
        index_lists()
    else:
        token(args.role, args.worker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
