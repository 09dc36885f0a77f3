"""Durability: tickets written by a real process that is SIGKILLed mid-write are all there after a
restart (every acknowledged one, nothing half-written), statuses and pending deliveries carry on,
and processes writing at the same time never share a ticket number.

The writer is ``tests/support/ticket_writer.py``: it prints a line only after the store returned.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.tickets.model import Status
from bot.tickets.store.sqlite import SqliteStore
from tests.support.ticket_writer import description

ROOT = Path(__file__).resolve().parents[2]
LEASE = dt.timedelta(minutes=1)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


@dataclass
class Acknowledged:
    created: dict[str, int] = field(default_factory=dict)  # ticket id -> loop index
    assigned: set[str] = field(default_factory=set)
    failed: dict[int, int] = field(default_factory=dict)  # delivery id -> attempts
    done: set[int] = field(default_factory=set)
    other: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        line = line.strip()
        words = line.split()
        match words:
            case ["created", ticket_id, i]:
                self.created[ticket_id] = int(i)
            case ["assigned", ticket_id, _]:
                self.assigned.add(ticket_id)
            case ["failed", delivery_id, attempts]:
                self.failed[int(delivery_id)] = int(attempts)
            case ["done", delivery_id]:
                self.done.add(int(delivery_id))
            case _:
                self.other.append(line)


def start_writer(db: Path, *args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.ticket_writer", str(db), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    watchdog = threading.Timer(90, proc.kill)  # never let a stuck writer hang the suite
    watchdog.daemon = True
    watchdog.start()
    return proc


def run_until(proc: subprocess.Popen[str], seen: Acknowledged, stop: str, n: int = 1) -> None:
    """Read the writer's lines until ``stop`` has been seen ``n`` times (or it ended)."""
    assert proc.stdout is not None
    count = 0
    while count < n:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"writer ended early: {proc.stderr.read() if proc.stderr else ''}")
        seen.add(line)
        count += line.startswith(stop)


def kill(proc: subprocess.Popen[str], seen: Acknowledged) -> None:
    """SIGKILL, then take the lines it printed before dying: those writes were acknowledged."""
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    assert proc.stdout is not None and proc.stderr is not None
    for line in proc.stdout.read().splitlines():  # through the buffer readline() filled
        seen.add(line)
    proc.stdout.close()
    proc.stderr.close()


def check_database(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def check_acknowledged(store: SqliteStore, seen: Acknowledged, tag: str = "w") -> None:
    tickets = {t.id: t for t in store.list_tickets()}
    numbers = sorted(t.number for t in tickets.values())
    assert numbers == list(range(1, len(numbers) + 1)), "numbers unique and consecutive"
    for ticket_id, i in seen.created.items():
        ticket = tickets[ticket_id]
        assert ticket.description == description(tag, i)
        assert len(ticket.transcript) == 5
        assert ticket.conversation_reference == {"conversation": {"id": f"{tag}-{i}"}}
    for ticket_id in seen.assigned:
        assert tickets[ticket_id].status == Status.ASSIGNED
        assert tickets[ticket_id].assignee == "Bob"
    deliveries = {d.id: d for t in tickets for d in store.deliveries(t)}
    for ticket_id in tickets:  # a ticket and its deliveries are written together, or not at all
        assert [d.kind for d in store.deliveries(ticket_id)] == ["channel", "email"]
    for delivery_id, attempts in seen.failed.items():
        assert deliveries[delivery_id].attempts == attempts
        assert deliveries[delivery_id].last_error == "channel unreachable"
        assert deliveries[delivery_id].done_at is None
    for delivery_id in seen.done:
        assert deliveries[delivery_id].done_at is not None


def test_sigkill_mid_loop_loses_no_acknowledged_ticket(tmp_path):
    db = tmp_path / "var" / "assistant.sqlite3"
    seen = Acknowledged()
    for rounds in range(1, 4):  # kill, restart, kill again: numbering and state carry on
        proc = start_writer(db)
        run_until(proc, seen, "created", n=25)
        kill(proc, seen)
        check_database(db)
        with SqliteStore(db) as store:
            check_acknowledged(store, seen)
            total = len(store.list_tickets())
            assert len(seen.created) <= total <= len(seen.created) + rounds  # +1 in flight
    assert len(seen.created) >= 75
    assert seen.assigned and seen.failed and seen.done
    assert seen.other == ["ready"] * 3

    # Restarted, the next ticket continues the numbering, and pending deliveries are still due
    # (the failed ones after their backoff), for any worker.
    proc = start_writer(db, "--count", "1", "--tag", "after")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    with SqliteStore(db) as store:
        [last] = [t for t in store.list_tickets() if t.description.startswith("after ")]
        assert last.number == total + 1
        pending = store.pending()
        assert {d.id for d in pending} >= set(seen.failed)
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        claimed = store.claim_due(later, "worker", LEASE, limit=10_000)
        assert {d.id for d in claimed} == {d.id for d in pending}


def test_sigkill_inside_a_commit_leaves_no_half_ticket(tmp_path):
    db = tmp_path / "assistant.sqlite3"
    seen = Acknowledged()
    proc = start_writer(db, "--hang-in-commit-after", "10")
    run_until(proc, seen, "committing")
    kill(proc, seen)
    assert len(seen.created) == 10
    check_database(db)
    with SqliteStore(db) as store:
        check_acknowledged(store, seen)
        assert [t.number for t in store.list_tickets()] == list(range(10, 0, -1))
        assert all(d.ticket_id != "SUP-0011" for d in store.pending())
    proc = start_writer(db, "--count", "1", "--tag", "after")
    assert proc.wait(timeout=60) == 0
    with SqliteStore(db) as store:
        assert store.get_ticket("SUP-0011").description.startswith("after ")


def test_two_processes_creating_at_once_get_unique_numbers(tmp_path):
    db = tmp_path / "fresh" / "assistant.sqlite3"  # both create the file and schema too
    procs = {tag: start_writer(db, "--count", "40", "--tag", tag) for tag in ("a", "b")}
    seen = {tag: Acknowledged() for tag in procs}
    for tag, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        for line in out.splitlines():
            seen[tag].add(line)
    assert len(seen["a"].created) == len(seen["b"].created) == 40
    assert set(seen["a"].created).isdisjoint(seen["b"].created)
    check_database(db)
    with SqliteStore(db) as store:
        for tag in procs:
            check_acknowledged(store, seen[tag], tag)
        assert sorted(t.number for t in store.list_tickets()) == list(range(1, 81))
