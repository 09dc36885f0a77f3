"""Benchmark: does a ticket receipt on the Blob store get slower as tickets pile up?

    .venv/bin/python bench/blob_receipts.py                       # 0 and 1,000 earlier tickets
    .venv/bin/python bench/blob_receipts.py --history 0,1000,3000 --receipts 30

Starts Azurite (tools/azurite/emulator.py, as the tests do: in memory, on a free loopback
port), and for each level of history H, in a fresh container: opens H earlier tickets with two
deliveries each (support channel and e-mail) and marks every delivery done, as a store that has
served H tickets looks; then, after a few receipts to warm up, times --receipts receipts one
after the other. A receipt is what a user's turn waits for on the store before it can tell the
ticket id and where it went: open the ticket with its deliveries (``create_ticket``), claim
what is due and mark it sent
(``claim_due``, ``complete``: the senders themselves are not measured), then read which of the
ticket's deliveries are still pending and which arrived (``pending``, ``deliveries``). Also
timed: a worker's poll that finds nothing due (``claim_due``), which every instance makes once a
second. Prints, per level, p50 and p95 in milliseconds, the requests a receipt makes and the
blobs the service lists to it (and to a poll), and, as a control, p50 of one blob read.

Azurite itself slows down as a container fills (it scans its in-memory tables: at 5,000 blobs
one read takes about 3x as long as in an empty container), which Azure Storage does not; the
control column shows it. What the store's layout decides is how many requests a receipt makes
and how many blobs it lists. Target: both the same at every level (the cost of a turn does not
grow with history). The exit status is 1 when it is missed. A benchmark, not a test: pytest
does not run it (tests/blob/test_history.py counts listed blobs on a small history).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.tickets.model import Turn  # noqa: E402
from bot.tickets.store.blob import BlobStore  # noqa: E402
from bot.tickets.store.config import BlobConfig  # noqa: E402
from bot.tickets.store.contract import NewTicket  # noqa: E402
from tools.azurite import emulator  # noqa: E402

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=1)
FILL_THREADS = 8
CREATE_THREADS = 3
WARM_UP = 5  # receipts before the timed ones, in each container (connections, counters)


def new_ticket(n: int) -> NewTicket:
    return NewTicket(
        route="tech-support",
        contact_email="tech.support@interact.example",
        description=f"Benchmark ticket {n}: the join link of my community fails",
        user_name="Bench User",
        user_aad_id=f"aad-{n}",
        user_email=f"user{n}@example.org",
        transcript=[Turn("user", "the join link fails", "2026-11-24T09:59:00+00:00")],
        conversation_reference={"conversation": {"id": f"a:bench-{n}"}},
        deliveries=[("channel", {}), ("email", {})],
    )


@dataclass
class Counts:
    """Requests sent to the service (one log record of azure-core's HTTP logging policy each)
    and blobs it listed."""

    requests: int = 0
    listed: int = 0


class _CountRequests(logging.Handler):
    def __init__(self, counts: Counts) -> None:
        super().__init__()
        self.counts = counts

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Request URL:"):
            self.counts.requests += 1


def counting(store: BlobStore) -> Counts:
    counts = Counts()
    http_log = logging.getLogger("azure.core.pipeline.policies.http_logging_policy")
    http_log.setLevel(logging.INFO)
    http_log.propagate = False
    http_log.handlers[:] = [_CountRequests(counts)]
    client = store._container()
    real = client.list_blobs

    def list_blobs(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for blob in real(*args, **kwargs):
            counts.listed += 1
            yield blob

    client.list_blobs = list_blobs  # type: ignore[method-assign]
    return counts


def fill(store: BlobStore, history: int) -> None:
    """``history`` tickets, every delivery done (their ids are 1 .. 2 x history). Tickets are
    opened a few at a time (more would only contend for the counters)."""
    with ThreadPoolExecutor(CREATE_THREADS) as pool:
        list(pool.map(lambda n: store.create_ticket(new_ticket(n), NOW), range(history)))
    with ThreadPoolExecutor(FILL_THREADS) as pool:
        list(pool.map(lambda i: store.complete(i, NOW), range(1, 2 * history + 1)))


def receipt(store: BlobStore, n: int) -> None:
    ticket = store.create_ticket(new_ticket(n), NOW)
    for delivery in store.claim_due(NOW, "bench-worker", LEASE):
        store.complete(delivery.id, NOW)
    store.pending(ticket.id)
    store.deliveries(ticket.id)


def timed(work: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


@dataclass
class Level:
    history: int
    receipts: list[float]  # ms
    polls: list[float]  # ms
    reads: list[float]  # ms: one blob read, the control
    receipt_requests: float
    receipt_listed: float
    poll_listed: float


def measure(connection: str, history: int, runs: int) -> Level:
    """Receipts and idle polls in a fresh container with ``history`` earlier tickets."""
    store = BlobStore(BlobConfig(connection, f"bench-{uuid.uuid4().hex[:16]}"))
    try:
        started = time.perf_counter()
        fill(store, history)
        print(
            f"history {history:,}: filled in {time.perf_counter() - started:.1f} s", file=sys.stderr
        )
        numbers = iter(range(history, history + WARM_UP + runs))
        timed(lambda: receipt(store, next(numbers)), WARM_UP)  # not measured
        counts = counting(store)
        receipts = timed(lambda: receipt(store, next(numbers)), runs)
        receipt_requests, receipt_listed = counts.requests / runs, counts.listed / runs
        counts.listed = 0
        polls = timed(lambda: store.claim_due(NOW, "bench-worker", LEASE), runs)
        poll_listed = counts.listed / runs
        store.set_setting("bench", {"probe": True})
        reads = timed(lambda: store.get_setting("bench"), runs)
    finally:
        store.close()
    return Level(history, receipts, polls, reads, receipt_requests, receipt_listed, poll_listed)


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--history", default="0,1000", help="earlier tickets, e.g. 0,1000,3000")
    ap.add_argument("--receipts", type=int, default=20, help="receipts timed per level")
    args = ap.parse_args()
    levels = [int(h) for h in args.history.split(",")]
    try:
        with emulator.running() as connection:
            measure(connection, 0, WARM_UP * 4)  # a fresh Azurite is slow at first: unreported
            rows = [measure(connection, h, args.receipts) for h in levels]
    except emulator.AzuriteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        "| earlier tickets | receipt p50 ms | p95 ms | requests | blobs listed "
        "| idle poll p50 ms | blobs listed | one read p50 ms (control) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row.history:,} | {statistics.median(row.receipts):.0f} | {p95(row.receipts):.0f} "
            f"| {row.receipt_requests:.1f} | {row.receipt_listed:.1f} "
            f"| {statistics.median(row.polls):.1f} | {row.poll_listed:.1f} "
            f"| {statistics.median(row.reads):.1f} |"
        )
    ok = all(
        (r.receipt_requests, r.receipt_listed, r.poll_listed)
        == (rows[0].receipt_requests, rows[0].receipt_listed, rows[0].poll_listed)
        for r in rows
    )
    print(
        "\nrequests and blobs listed per receipt and per poll the same at every level: "
        + ("met" if ok else "MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
