"""Admin CLI: create tables, seed demo data, mint a local staff token.

    python -m chalicelib.cli create-tables
    python -m chalicelib.cli seed
    python -m chalicelib.cli sync-office-names
    python -m chalicelib.cli reshard-timers
    python -m chalicelib.cli token --role coordinator [--worker ID]
"""

from __future__ import annotations

import argparse
import sys

from chalicelib import bootstrap
from chalicelib.auth import mint_local_token
from chalicelib.config import load_settings


def dynamodb_client(settings):
    import boto3

    return boto3.client("dynamodb", region_name=settings.region,
                        endpoint_url=settings.ddb_endpoint)


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


def token(role: str, worker: str | None) -> None:
    settings = load_settings()
    print(mint_local_token(settings.local_dir, role, worker, bootstrap.now()))


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
    tok = commands.add_parser("token", help="print a local staff token")
    tok.add_argument("--role", choices=("coordinator", "worker"), required=True)
    tok.add_argument("--worker")
    args = parser.parse_args(argv)
    if args.command == "create-tables":
        create_tables()
    elif args.command == "seed":
        seed()
    elif args.command == "sync-office-names":
        bootstrap.wiring().directory.sync_office_names()
    elif args.command == "reshard-timers":
        reshard_timers()
    else:
        token(args.role, args.worker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
