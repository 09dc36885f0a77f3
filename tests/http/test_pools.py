"""Each kind of blocking work has its own bounded pool (bot/ops/pools.py): the store, outgoing
HTTP and SMTP. Whatever holds the threads of one kind, the others go on: an unrelated question
is answered at once and /readyz stays 200. Real app on loopback, a connector stub, and a real
(slow) SMTP server."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiosmtpd.controller import Controller

from bot.settings import Settings
from tests.support.connector import ConnectorStub
from tests.support.http import say, start_app
from tests.support.smtp import SENDER, Collector, Server, free_port

QUICK = 2.0  # seconds: an answer that waited for nobody's threads


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at the end of a test: the threads a test holds are let go."""
    event = threading.Event()
    yield event
    event.set()


async def answered_at_once(client: TestClient, connector: ConnectorStub, cid: str) -> None:
    """An unrelated question gets its answer, and /readyz says 200, within ``QUICK`` seconds."""
    started = time.monotonic()
    conversation = {"id": cid, "conversationType": "personal", "tenantId": "t-1"}
    await asyncio.wait_for(say(client, connector, "controllers", conversation=conversation), 10)
    ready = await asyncio.wait_for(client.get("/readyz"), 10)
    assert ready.status == 200, await ready.text()
    assert time.monotonic() - started < QUICK
    assert "Controllers network" in str([s for s in connector.sent if cid in s["_path"]])


async def test_the_store_answers_while_the_default_executor_is_saturated(
    client, connector, release
) -> None:
    """Other work fills every thread of asyncio's default executor: the store (the
    conversation's state, the readiness check) runs in a pool of its own and is not held up."""
    loop = asyncio.get_running_loop()
    busy = [loop.run_in_executor(None, release.wait) for _ in range(40)]  # > min(32, cores + 4)
    await answered_at_once(client, connector, "a:while-default-busy")
    release.set()
    await asyncio.gather(*busy)


class SlowCollector(Collector):
    """An SMTP server that takes ``delay`` seconds to answer each message's DATA."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.started = 0  # messages whose DATA it has begun to take

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.started += 1
        await asyncio.sleep(self.delay)  # the server's own loop (aiosmtpd's thread)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp() -> Iterator[Server]:
    handler, port = SlowCollector(delay=3.0), free_port()
    server = Server(Controller(handler, hostname="127.0.0.1", port=port), handler, port)
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
async def mailing_client(
    settings: Settings, catalogue, slow_smtp: Server
) -> AsyncIterator[TestClient]:
    smtp = {"smtp_host": "127.0.0.1", "smtp_port": slow_smtp.port, "smtp_starttls": False}
    client = await start_app(dataclasses.replace(settings, **smtp, smtp_from=SENDER), catalogue)
    yield client
    await client.close()


async def open_ticket_in(client: TestClient, connector: ConnectorStub, cid: str) -> None:
    conversation = {"id": cid, "conversationType": "personal", "tenantId": "t-1"}
    for text in ("I can't log in", "yes", "The activation mail never arrives, even after 3 tries"):
        await say(client, connector, text, conversation=conversation)


async def test_a_slow_smtp_server_holds_up_nothing_else(
    mailing_client, connector, slow_smtp
) -> None:
    """Three tickets are mailed through an SMTP server that takes 3 s a message: while they are
    being sent, an unrelated question is answered at once and /readyz stays 200."""
    handler = slow_smtp.handler
    assert isinstance(handler, SlowCollector)
    tickets = [
        asyncio.create_task(open_ticket_in(mailing_client, connector, f"a:mailing-{i}"))
        for i in range(3)
    ]
    for _ in range(200):  # the first e-mails are in the server's hands
        if handler.started:
            break
        await asyncio.sleep(0.05)
    assert handler.started and not handler.received

    await answered_at_once(mailing_client, connector, "a:while-mailing")
    assert len(handler.received) < 3  # the mails were still being sent meanwhile

    await asyncio.wait_for(asyncio.gather(*tickets), 20)
    for _ in range(300):
        if len(handler.received) == 3:
            break
        await asyncio.sleep(0.05)
    assert len(handler.received) == 3
