"""The web app under test on loopback, and the steps of a conversation with it over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from bot.core.catalogue import Catalogue
from bot.settings import Settings
from bot.teams.connector import Retrying
from tests.support.connector import ConnectorStub, activity

CHANNEL = {"id": "19:support@thread.tacv2;messageid=111", "conversationType": "channel"}
TEAM_DATA = {"tenant": {"id": "t-1"}, "team": {"id": "19:team@thread.tacv2"}}
IN_CHANNEL = {"conversation": CHANNEL, "channelData": TEAM_DATA}  # a message in the channel
# The staff the test settings name (tests/conftest.py): SUPPORT_ADMINS and SUPPORT_AGENTS.
ADMIN = {"id": "29:admin", "name": "Ada Admin", "aadObjectId": "aad-admin"}
AGENT = {"id": "29:agent", "name": "Sam Support", "aadObjectId": "aad-sam"}


# Replies that meet a connector that is down are retried without waiting (the retries' timing
# is tested in tests/http/test_connector.py).
NO_WAIT = Retrying(backoff_factor=0)


async def start_app(settings: Settings, catalogue: Catalogue, **collaborators: Any) -> TestClient:
    """``create_app`` with the session's catalogue, served on loopback (the caller closes it)."""
    app = create_app(settings, catalogue=catalogue, **collaborators)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


async def say(client: TestClient, connector: ConnectorStub, text: str, **kw: Any) -> None:
    resp = await client.post("/api/messages", json=activity(connector, text, **kw))
    assert resp.status in (200, 201), await resp.text()


async def wait_for(predicate: Callable[[], object], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out waiting")


def posted_to(connector: ConnectorStub, conversation: str) -> list[dict[str, Any]]:
    return [s for s in connector.sent if f"/v3/conversations/{conversation}/" in s["_path"] + "/"]


async def choose_channel(client: TestClient, connector: ConnectorStub) -> None:
    """A support admin types "use this channel for support" in the support channel."""
    await say(client, connector, "use this channel for support", **IN_CHANNEL, **{"from": ADMIN})
    assert "new support requests will be posted in this channel" in connector.sent[-1]["text"]


def assign_invoke(
    connector: ConnectorStub, data: object, reply_to: str | None, **kw: Any
) -> dict[str, Any]:
    """A support agent pressing "Assign to me" on a ticket card in the support channel (``kw``:
    another caller, conversation ...)."""
    return activity(
        connector,
        None,
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "ticket.assign", "data": data}},
        replyToId=reply_to,
        **{**IN_CHANNEL, "from": AGENT, **kw},
    )


async def open_ticket(client: TestClient, connector: ConnectorStub) -> None:
    await say(client, connector, "I can't log in")
    await say(client, connector, "yes")
    await say(client, connector, "The activation mail never arrives, even after three tries")
