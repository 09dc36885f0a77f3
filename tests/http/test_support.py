"""Escalation over HTTP: the support channel, the ticket card's buttons, the user told."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from app import DESK
from tests.helpers import actions
from tests.http.conftest import ConnectorStub, activity
from tests.support.apps import NO_WAIT, start_app

CHANNEL = {"id": "19:support@thread.tacv2;messageid=111", "conversationType": "channel"}


async def say(client, connector, text: str, **kw) -> None:
    resp = await client.post("/api/messages", json=activity(connector, text, **kw))
    assert resp.status in (200, 201), await resp.text()


async def wait_for(predicate, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out waiting")


def posted_to(connector: ConnectorStub, conversation: str) -> list[dict]:
    return [s for s in connector.sent if f"/v3/conversations/{conversation}/" in s["_path"] + "/"]


def assign_invoke(connector: ConnectorStub, data: dict, reply_to: str | None) -> dict:
    """A support agent pressing "Assign to me" on a ticket card in the support channel."""
    return activity(
        connector,
        None,
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "ticket.assign", "data": data}},
        conversation=CHANNEL,
        replyToId=reply_to,
        **{"from": {"id": "29:agent", "name": "Sam Support", "aadObjectId": "aad-sam"}},
    )


async def open_ticket(client, connector) -> None:
    await say(client, connector, "I can't log in")
    await say(client, connector, "yes")
    await say(client, connector, "The activation mail never arrives, even after three tries")


async def test_ticket_goes_to_the_channel_and_assign_notifies_the_user(client, connector) -> None:
    await say(client, connector, "use this channel for support", conversation=CHANNEL)
    assert "new support requests will be posted in this channel" in connector.sent[-1]["text"]
    await open_ticket(client, connector)

    channel_posts = posted_to(connector, "19:support@thread.tacv2")
    card = channel_posts[-1]["attachments"][0]["content"]
    assert card["version"] == "1.4"
    execute = [a for a in actions(card) if a["type"] == "Action.Execute"]
    assign = next(a for a in execute if a["verb"] == "ticket.assign")
    assert assign["data"]["ticket"] == "SUP-0001"
    receipt = connector.sent[-1]
    assert "SUP-0001" in str(receipt) and "support channel" in str(receipt)

    invoke = assign_invoke(connector, assign["data"], "sent-2")
    resp = await client.post("/api/messages", json=invoke)
    assert resp.status == 200
    body = await resp.json()
    assert body["statusCode"] == 200 and "Sam Support" in str(body["value"])
    assert connector.updated and connector.updated[-1]["_path"].endswith("/activities/sent-2")

    await wait_for(lambda: any("was taken by" in (s.get("text") or "") for s in connector.sent))
    note = next(s for s in connector.sent if "was taken by" in (s.get("text") or ""))
    assert note["_path"].startswith("/v3/conversations/a:conv-1/")
    assert "SUP-0001" in note["text"] and "Sam Support" in note["text"]
    ticket = client.server.app[DESK].store.get_ticket("SUP-0001")
    assert ticket.status == "assigned" and ticket.user_email == "ana@example.org"

    # A second press of a stale card changes nothing and notifies nobody again.
    resp = await client.post("/api/messages", json=invoke)
    assert resp.status == 200
    await asyncio.sleep(0.3)
    assert sum("was taken by" in (s.get("text") or "") for s in connector.sent) == 1


@pytest.fixture
async def no_wait_client(settings, catalogue) -> AsyncIterator[TestClient]:
    client = await start_app(settings, catalogue, retrying=NO_WAIT)
    yield client
    await client.close()


async def test_unreachable_channel_keeps_the_ticket_and_retries(no_wait_client, connector) -> None:
    client = no_wait_client
    await say(client, connector, "use this channel for support", conversation=CHANNEL)
    connector.down_for.add("19:support@thread.tacv2")
    await open_ticket(client, connector)
    desk = client.server.app[DESK]
    assert desk.store.get_ticket("SUP-0001") is not None
    pending = desk.store.pending("SUP-0001")
    assert [d.kind for d in pending] == ["channel"] and pending[0].attempts == 1
    assert "keep trying" in str(connector.sent[-1])  # the user is told the truth
    connector.down_for.clear()
    # The worker retries after the backoff: move its clock past it and wake it.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    desk.worker.now = lambda: later
    desk.worker.wake()
    await wait_for(lambda: not desk.store.pending("SUP-0001"))
    assert len(posted_to(connector, "19:support@thread.tacv2")) == 1
