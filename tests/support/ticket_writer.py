"""A process that writes tickets as fast as it can, for the durability tests.

    python -m tests.support.ticket_writer DB [--count N] [--tag T] [--hang-in-commit-after K]

It prints one line per acknowledged write, flushed, only after the store's call returned:
``created SUP-0007 7``, ``assigned SUP-0006 2`` (ticket, version), ``failed 12 1`` (delivery,
attempts), ``done 13``. With ``--hang-in-commit-after K`` it stops inside the commit of the
ticket after the K-th (the transaction is written, not committed), prints ``committing`` and
waits to be killed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence

from bot.tickets.model import Status, Turn
from bot.tickets.store.contract import NewTicket
from bot.tickets.store.sqlite import SqliteStore

PADDING = "x" * 3000  # long enough that a write spans several pages


def description(tag: str, i: int) -> str:
    return f"{tag} problem {i} =cmd|' /C calc'!A0 {PADDING}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--count", type=int, default=0, help="0: until killed")
    parser.add_argument("--tag", default="w")
    parser.add_argument("--hang-in-commit-after", type=int, default=-1)
    args = parser.parse_args(argv)
    store = SqliteStore(args.db)
    print("ready", flush=True)
    i = 0
    while not args.count or i < args.count:
        i += 1
        if i - 1 == args.hang_in_commit_after:

            def hang(conn: object) -> None:
                print("committing", flush=True)
                time.sleep(120)
                raise SystemExit("hung in a commit and was not killed")

            store._commit = hang  # type: ignore[method-assign]
        now = dt.datetime.now(dt.UTC)
        ticket = store.create_ticket(
            NewTicket(
                route="tech-support",
                contact_email="tech.support@interact.eu",
                description=description(args.tag, i),
                user_name=f"User {i}",
                user_aad_id=f"aad-{i}",
                user_email=f"user{i}@example.org",
                transcript=[Turn("user", f"turn {k}", now.isoformat()) for k in range(5)],
                conversation_reference={"conversation": {"id": f"{args.tag}-{i}"}},
                deliveries=[("channel", {"i": i}), ("email", {"i": i})],
            ),
            now,
        )
        print(f"created {ticket.id} {i}", flush=True)
        if i % 3 == 0:
            updated = store.update_ticket(
                ticket.id, now=now, expected_version=1, status=Status.ASSIGNED, assignee="Bob"
            )
            print(f"assigned {ticket.id} {updated.version}", flush=True)
        if i % 4 == 0:
            channel, email = store.pending(ticket.id)
            failed = store.fail(channel.id, "channel unreachable", now)
            print(f"failed {failed.id} {failed.attempts}", flush=True)
            store.complete(email.id, now)
            print(f"done {email.id}", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
