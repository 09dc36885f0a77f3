"""Escalation over HTTP: the support channel, the ticket card's buttons, the user told."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from app import DESK
from tests.support.cards import actions
from tests.support.http import (
    CHANNEL,
    NO_WAIT,
    assign_invoke,
    open_ticket,
    posted_to,
    say,
    start_app,
    wait_for,
)


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
