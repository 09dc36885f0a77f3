"""A store whose analytics writes hang (a stuck counter blob, a locked table) delays no reply
and no proactive message: the writes wait in a bounded background queue on two of the store
pool's threads (bot/ops/background.py), the turns and the delivery worker keep the others."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from app import ANALYTICS_THREADS, BACKGROUND, DESK, STORE_THREADS
from bot.core.catalogue import Catalogue
from bot.settings import Settings
from bot.tickets.store.sqlite import SqliteStore
from tests.support import http
from tests.support.cards import actions
from tests.support.connector import ConnectorStub

SUPPORT = "19:support@thread.tacv2"


class HungAnalytics:
    """A SQLite store whose analytics writes hang until ``release`` is set."""

    def __init__(self, store: SqliteStore, release: threading.Event) -> None:
        self.store = store
        self.release = release
        self.hung = 0  # writes waiting in a thread

    def _hang(self, *_args: Any) -> None:
        self.hung += 1
        self.release.wait()

    add_counts = add_fallback = purge_fallbacks = _hang

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
async def client(
    settings: Settings, catalogue: Catalogue, release: threading.Event
) -> AsyncIterator[TestClient]:
    store = HungAnalytics(SqliteStore(settings.store_path), release)
    client = await http.start_app(settings, catalogue, store=store)
    yield client
    release.set()  # the queued writes finish before the app closes the store
    await client.close()


async def test_replies_and_a_ticket_notice_go_out_while_analytics_writes_hang(
    client: TestClient, connector: ConnectorStub
) -> None:
    store = client.server.app[DESK].store
    assert isinstance(store, HungAnalytics)
    await asyncio.wait_for(http.choose_channel(client, connector), 10)
    for n in range(3 * STORE_THREADS):  # more turns, each with a hung write, than store threads
        before = len(connector.sent)
        await asyncio.wait_for(http.say(client, connector, "controllers"), 5)
        assert len(connector.sent) > before, f"turn {n} was not answered"
    assert "Controllers network" in str(connector.sent[-1])
    background = client.server.app[BACKGROUND]
    assert background.waiting >= 3 * STORE_THREADS  # queued, not dropped: the queue has room
    assert store.hung == ANALYTICS_THREADS  # threads held: the store pool's others are free

    await asyncio.wait_for(http.open_ticket(client, connector), 15)  # its turns, its card posted
    await http.wait_for(lambda: "SUP-0001" in str(http.posted_to(connector, SUPPORT)))
    card = http.posted_to(connector, SUPPORT)[-1]["attachments"][0]["content"]
    assign = next(a for a in actions(card) if a.get("verb") == "ticket.assign")
    resp = await client.post(
        "/api/messages", json=http.assign_invoke(connector, assign["data"], "x")
    )
    assert resp.status == 200
    # the notice to the user: a proactive message, sent by the delivery worker
    await http.wait_for(
        lambda: any("was taken by" in (s.get("text") or "") for s in connector.sent)
    )


class SlowAnalytics:
    """A SQLite store whose analytics counters take half a second to write."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    def add_counts(self, *args: Any) -> None:
        time.sleep(0.5)
        self.store.add_counts(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


async def test_a_graceful_shutdown_writes_the_analytics_still_queued(
    settings: Settings, catalogue: Catalogue, connector: ConnectorStub
) -> None:
    client = await http.start_app(
        settings, catalogue, store=SlowAnalytics(SqliteStore(settings.store_path))
    )
    for _ in range(4):
        await http.say(client, connector, "controllers")
    assert client.server.app[BACKGROUND].waiting  # answered: the writes still queued
    await client.close()  # the app's cleanup: the queue is written, then the store closes
    with SqliteStore(settings.store_path) as store:
        days = store.read_counts(dt.date(2000, 1, 1)).values()
    assert sum(n for day in days for key, n in day.items() if key.startswith("intent:")) == 4
