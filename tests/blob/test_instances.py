"""Two instances of the bot behind one load balancer: two web apps on two ports, one Blob
Storage container (on Azurite), one Bot Connector (the stub). A conversation moves between them
mid-dialog, a ticket opened on one is assigned on the other, and every delivery happens once."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import DESK, create_app
from bot.core.catalogue import Catalogue
from bot.settings import Settings
from tests.support.cards import actions
from tests.support.http import assign_invoke, choose_channel, posted_to, say, wait_for
from tests.support.instances import reload_reaches_every_instance

SUPPORT = "19:support@thread.tacv2"
POLL_SECONDS = 1.0  # DeliveryWorker's default: a second round on both must not repeat anything


@pytest.fixture
async def instances(
    settings: Settings, catalogue: Catalogue, azurite: str, container: str
) -> AsyncIterator[tuple]:
    shared = dataclasses.replace(
        settings,
        store_backend="blob",
        azure_storage_connection_string=azurite,
        azure_storage_container=container,
    )
    clients = [
        TestClient(TestServer(create_app(shared, catalogue=catalogue), host="127.0.0.1"))
        for _ in range(2)
    ]
    for client in clients:
        await client.start_server()
    try:
        yield tuple(clients)
    finally:
        for client in clients:
            await client.close()


def texts(connector, conversation: str = "a:conv-1") -> list[str]:
    return [s.get("text") or "" for s in posted_to(connector, conversation)]


async def test_a_conversation_and_a_ticket_move_between_instances(
    instances, connector, settings
) -> None:
    a, b = instances
    assert a.port != b.port
    await choose_channel(a, connector)

    # The escalation dialog begins on A and goes on on B, then on A again.
    await say(a, connector, "I can't log in")
    assert "Shall I pass your request" in str(connector.sent[-1])
    await say(b, connector, "yes")
    assert "describe the problem" in texts(connector)[-1]
    await say(a, connector, "The activation mail never arrives, even after three tries")
    assert "SUP-0001" in str(posted_to(connector, "a:conv-1")[-1])  # the receipt
    store_a, store_b = a.server.app[DESK].store, b.server.app[DESK].store
    assert not settings.store_path.exists()  # no SQLite file: everything is in the container
    assert store_b.get_ticket("SUP-0001").description.startswith("The activation mail")

    # The ticket card is posted in the support channel once, by one of the two workers.
    await wait_for(lambda: not store_b.pending("SUP-0001"))
    [post] = posted_to(connector, SUPPORT)
    ticket = store_b.get_ticket("SUP-0001")
    assert ticket.channel_activity_id  # noted by whichever instance posted it

    # "Assign to me" on the card, handled by B.
    assign = next(a for a in actions(post["attachments"][0]["content"]) if a.get("verb"))
    assert assign["verb"] == "ticket.assign" and assign["data"]["ticket"] == "SUP-0001"
    invoke = assign_invoke(connector, assign["data"], ticket.channel_activity_id)
    resp = await b.post("/api/messages", json=invoke)
    assert resp.status == 200
    assert "Sam Support" in str((await resp.json())["value"])
    assert store_a.get_ticket("SUP-0001").status == "assigned"

    # The same stale card pressed on A: nothing changes, nobody is told again.
    resp = await a.post("/api/messages", json=invoke)
    assert resp.status == 200

    # The user is told once, by one instance, and nothing is delivered twice.
    def taken() -> list[str]:
        return [t for t in texts(connector) if "was taken by" in t]

    await wait_for(lambda: taken())
    await asyncio.sleep(POLL_SECONDS * 2.5)  # both workers poll again meanwhile
    assert len(taken()) == 1 and "Sam Support" in taken()[0]
    assert len(posted_to(connector, SUPPORT)) == 1
    assert store_a.pending() == []
    deliveries = store_a.deliveries("SUP-0001")
    assert [(d.kind, d.done) for d in deliveries] == [("channel", True), ("notify", True)]


async def test_one_message_on_two_instances_at_once_opens_one_ticket(instances, connector) -> None:
    """The same description reaches both instances at the same moment (a retried delivery, no
    sticky sessions): one ticket, no apology, and the conversation's state is kept."""
    a, b = instances
    await say(a, connector, "I can't log in")
    await say(b, connector, "yes")
    description = "The activation mail never arrives, even after three tries"
    await asyncio.gather(say(a, connector, description), say(b, connector, description))

    store = a.server.app[DESK].store
    assert [t.id for t in store.list_tickets()] == ["SUP-0001"]
    assert not any("went wrong" in t.lower() for t in texts(connector))
    await say(b, connector, "is there a group for controllers?")  # the conversation goes on
    assert "went wrong" not in str(connector.sent[-1]).lower()
    assert [t.id for t in store.list_tickets()] == ["SUP-0001"]


async def test_a_reload_asked_on_one_instance_reaches_the_other(
    settings: Settings, connector, azurite: str, container: str, tmp_path: Path
) -> None:
    """The admin's "reload catalogue" reaches the other instance through the container."""
    shared = dataclasses.replace(
        settings,
        store_backend="blob",
        azure_storage_connection_string=azurite,
        azure_storage_container=container,
        content_reload_poll_seconds=1,
    )
    await reload_reaches_every_instance(shared, connector, tmp_path)
