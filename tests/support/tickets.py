"""Tickets for the store tests: a fixed time, a lease, a conversation reference, a ticket maker."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from bot.tickets.model import Ticket, Turn
from bot.tickets.store.contract import NewTicket, TicketStore

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=1)
REFERENCE = {
    "channelId": "msteams",
    "serviceUrl": "https://smba.example.test/",
    "conversation": {"id": "a:1"},
    "user": {"id": "29:1", "name": "Ana Example", "aadObjectId": "aad-1"},
}


def new_fields(description: str = "I cannot log in", **fields: Any) -> dict[str, Any]:
    """The fields of a ``NewTicket`` (``fields`` replace the defaults)."""
    return {
        "route": "tech-support",
        "contact_email": "tech.support@interact.eu",
        "description": description,
        "user_name": "Ana Example",
        "user_aad_id": "aad-1",
        "user_email": "ana@example.org",
        "transcript": [
            Turn("user", "I can't log in", "2026-11-24T09:59:00+00:00"),
            Turn("bot", "Shall I pass this to tech support?", "2026-11-24T09:59:01+00:00"),
        ],
        "conversation_reference": REFERENCE,
        **fields,
    }


def new_ticket(
    store: TicketStore,
    description: str = "I cannot log in",
    *,
    now: dt.datetime = NOW,
    **fields: Any,
) -> Ticket:
    """Open a ticket in ``store``."""
    return store.create_ticket(NewTicket(**new_fields(description, **fields)), now)


def race(*work: Callable[[], Any]) -> list[Any]:
    """Run each callable in its own thread, released at the same instant; their results (or
    the exception each raised)."""
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work[i]()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
