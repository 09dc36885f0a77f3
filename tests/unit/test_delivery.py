"""The delivery worker with real parts: SQLite store, a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time

from aiosmtpd.controller import Controller

from bot.ops.pools import Pool
from bot.tickets.delivery import DeliveryWorker
from bot.tickets.mail import email_sender
from bot.tickets.model import Turn
from bot.tickets.store.contract import NewTicket
from bot.tickets.store.sqlite import SqliteStore
from tests.support.catalogues import real_catalogue
from tests.support.smtp import Collector, free_port, start_server

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


def make_ticket(store: SqliteStore, kinds=("email",)):
    return store.create_ticket(
        NewTicket(
            route="tech-support",
            contact_email="tech.support@interact.eu",
            description="The activation mail never arrives\r\nBcc: evil@example.com",
            user_name="Ana Example",
            user_aad_id="aad-1",
            user_email="ana@example.org",
            transcript=[Turn("user", "I can't log in", NOW.isoformat())],
            conversation_reference={"conversation": {"id": "a:1"}},
            deliveries=[(k, {}) for k in kinds],
        ),
        NOW,
    )


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


async def test_mail_is_retried_while_the_server_is_down_and_arrives_exactly_once(tmp_path):
    store = SqliteStore(tmp_path / "db.sqlite3")
    port = free_port()
    server = start_server()
    config = server.config(port=port)
    server.controller.stop()  # the mail server is down
    clock = Clock()
    worker = DeliveryWorker(
        store,
        {"email": email_sender(config, real_catalogue().texts)},
        owner="w1",
        now=clock,
        pool=Pool("store", 2),
    )
    ticket = make_ticket(store)

    assert await worker.run_once() == 0
    [pending] = store.pending(ticket.id)
    assert pending.attempts == 1 and pending.next_attempt_at > NOW
    assert await worker.run_once() == 0  # not due again before the backoff
    assert store.pending(ticket.id)[0].attempts == 1

    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()  # the server is back
    try:
        clock.now = NOW + dt.timedelta(minutes=20)
        assert await worker.run_once() == 1
        assert await worker.run_once() == 0
        clock.now = NOW + dt.timedelta(days=1)
        assert await worker.run_once() == 0
    finally:
        controller.stop()
    assert len(handler.received) == 1
    message = handler.received[0].message
    assert message["Subject"].startswith(f"[{ticket.id}]")
    assert message["Bcc"] is None  # the description could not add a header
    assert store.pending(ticket.id) == []
    store.close()


async def test_two_workers_never_deliver_the_same_ticket_twice(tmp_path):
    store = SqliteStore(tmp_path / "db.sqlite3")
    delivered: list[str] = []

    async def record(delivery, ticket):
        delivered.append(ticket.id)

    clock = Clock()
    one = DeliveryWorker(store, {"email": record}, owner="one", now=clock, pool=Pool("store", 2))
    other_instance = SqliteStore(tmp_path / "db.sqlite3")
    two = DeliveryWorker(
        other_instance, {"email": record}, owner="two", now=clock, pool=Pool("store", 2)
    )
    for _ in range(5):
        make_ticket(store)
    await asyncio.gather(one.run_once(), two.run_once(), one.run_once(), two.run_once())
    assert sorted(delivered) == [f"SUP-000{i}" for i in range(1, 6)]


async def test_a_missing_sender_keeps_the_delivery(tmp_path):
    store = SqliteStore(tmp_path / "db.sqlite3")
    ticket = make_ticket(store, kinds=("channel",))
    worker = DeliveryWorker(store, {}, owner="w", now=Clock(), pool=Pool("store", 2))
    assert await worker.run_once() == 0
    assert "no sender" in store.pending(ticket.id)[0].last_error


class HeldStore:
    """A store whose look for due deliveries is held until the test lets it go."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = threading.Event()
        self.calls = 0

    def claim_due(self, now, owner, lease, ticket_id=None):
        self.calls += 1
        self.loop.call_soon_threadsafe(self.entered.set)
        self.release.wait(5)
        return []

    def purge_quota(self, before):
        return 0


async def worker_in_its_first_round() -> tuple[DeliveryWorker, HeldStore, asyncio.Task]:
    store = HeldStore()
    store.loop = asyncio.get_running_loop()
    worker = DeliveryWorker(
        store, {}, owner="w1", now=Clock(), pool=Pool("store", 2), poll_seconds=30
    )
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(store.entered.wait(), 5)
    return worker, store, task


async def test_a_stop_during_a_round_ends_the_worker_without_waiting_a_poll() -> None:
    worker, store, task = await worker_in_its_first_round()
    worker.stop()  # while the round is in flight
    store.release.set()
    await asyncio.wait_for(task, 5)  # not the 30 s poll
    assert store.calls == 1


async def test_a_wake_during_a_round_starts_another_round_at_once() -> None:
    worker, store, task = await worker_in_its_first_round()
    store.entered.clear()
    worker.wake()  # a ticket was created while the round was in flight
    store.release.set()
    await asyncio.wait_for(store.entered.wait(), 5)  # not the 30 s poll
    assert store.calls == 2
    worker.stop()
    await asyncio.wait_for(task, 5)


async def test_a_slow_send_is_not_cancelled_and_is_sent_once(tmp_path):
    """A send slower than the turn waits (an SMTP server taking 7 s): the turn stops waiting
    but the send goes on and is marked done, so it is never sent again."""
    store = SqliteStore(tmp_path / "db.sqlite3")
    sent: list[str] = []

    async def slow_mail(delivery, ticket) -> None:
        await asyncio.to_thread(time.sleep, 0.4)  # a send cannot be taken back once started
        sent.append(ticket.id)

    clock = Clock()
    worker = DeliveryWorker(
        store, {"email": slow_mail}, owner="w1", now=clock, pool=Pool("store", 2)
    )
    ticket = make_ticket(store)
    assert await worker.deliver_ticket(ticket.id, timeout=0.05) == {"email": False}
    await worker.settle()
    clock.now = NOW + dt.timedelta(minutes=5)  # past the lease: anything undone is due again
    assert await worker.run_once() == 0
    await asyncio.sleep(0.5)  # (a cancelled send's thread would finish now)
    assert sent == [ticket.id]
    assert store.pending() == []
    store.close()


async def test_a_turn_delivers_only_its_own_ticket(tmp_path):
    store = SqliteStore(tmp_path / "db.sqlite3")
    sent: list[str] = []

    async def mail(delivery, ticket) -> None:
        sent.append(ticket.id)

    worker = DeliveryWorker(store, {"email": mail}, owner="w1", now=Clock(), pool=Pool("store", 2))
    waiting = make_ticket(store)  # another user's ticket, due: the worker's job, not this turn's
    mine = make_ticket(store)
    assert await worker.deliver_ticket(mine.id) == {"email": True}
    assert sent == [mine.id]
    assert [d.ticket_id for d in store.pending()] == [waiting.id]
    store.close()


async def test_the_worker_removes_ended_quota_windows_once_a_day(tmp_path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3")
    for day in ("2026-11-22", "2026-11-23", "2026-11-24"):  # NOW is the 24th
        assert store.take_quota([(f"user:aad-1:{day}", 1)], f"ticket-{day}")
    clock = Clock()
    worker = DeliveryWorker(store, {}, owner="w", now=clock, pool=Pool("store", 2))
    worker.poll_seconds = 0.01
    task = asyncio.create_task(worker.run())
    try:
        # the 22nd has ended before yesterday: gone, so it counts from zero; 23rd and 24th full
        for _ in range(200):
            if store.take_quota([("user:aad-1:2026-11-22", 1)]):
                break
            await asyncio.sleep(0.01)
        assert not store.take_quota([("user:aad-1:2026-11-23", 1)])
        assert not store.take_quota([("user:aad-1:2026-11-24", 1)])
        await asyncio.sleep(0.1)  # more rounds the same day: no second purge
        assert not store.take_quota([("user:aad-1:2026-11-22", 1)])  # taken again above: kept
        clock.now = NOW + dt.timedelta(days=1)  # the 25th: the 23rd has ended too
        for _ in range(200):
            if store.take_quota([("user:aad-1:2026-11-23", 1)]):
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("the 23rd was not purged on the 25th")
    finally:
        worker.stop()
        await asyncio.wait_for(task, 5)
        store.close()
