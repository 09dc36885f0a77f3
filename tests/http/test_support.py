"""Escalation over HTTP: the support channel, the ticket card's buttons, the user told."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from app import DESK
from bot.settings import Settings
from tests.support.cards import actions
from tests.support.http import (
    ADMIN,
    AGENT,
    CHANNEL,
    IN_CHANNEL,
    NO_WAIT,
    TEAM_DATA,
    assign_invoke,
    choose_channel,
    open_ticket,
    posted_to,
    say,
    start_app,
    wait_for,
)


async def test_ticket_goes_to_the_channel_and_assign_notifies_the_user(client, connector) -> None:
    await choose_channel(client, connector)
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
    await choose_channel(client, connector)
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


async def ticket_in_channel(client, connector) -> dict:
    """Choose the support channel, open SUP-0001; the data of its card's "Assign to me"."""
    await choose_channel(client, connector)
    await open_ticket(client, connector)
    card = posted_to(connector, "19:support@thread.tacv2")[-1]["attachments"][0]["content"]
    return next(a for a in actions(card) if a.get("verb") == "ticket.assign")["data"]


OTHER_TEAM = {**TEAM_DATA, "team": {"id": "19:other-team@thread.tacv2"}}
OUTSIDERS = {
    "a user not on the staff list": {"from": {"id": "29:user-1", "aadObjectId": "aad-1"}},
    "a caller without an AAD id": {"from": {"id": "29:agent", "name": "Sam Support"}},
    "staff, in a personal chat": {
        "conversation": {"id": "a:conv-9", "conversationType": "personal", "tenantId": "t-1"}
    },
    "staff, in another channel": {
        "conversation": {"id": "19:other@thread.tacv2", "conversationType": "channel"}
    },
    "staff, in another team": {"channelData": OTHER_TEAM},
    "staff, in another tenant": {"channelData": {**TEAM_DATA, "tenant": {"id": "t-2"}}},
    "staff, naming two tenants": {
        "conversation": {**CHANNEL, "tenantId": "t-2"},
    },
}


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_ticket_actions_are_refused_outside_the_channel_and_staff(
    client, connector, caplog, who
) -> None:
    data = await ticket_in_channel(client, connector)
    caplog.set_level(logging.INFO, "interact.security")
    for version in (data["version"], data["version"] + 7):  # a current and a stale card
        resp = await client.post(
            "/api/messages",
            json=assign_invoke(connector, {**data, "version": version}, "sent-2", **OUTSIDERS[who]),
        )
        assert resp.status == 200
        body = await resp.json()
        assert body["statusCode"] == 403 and body["value"]["code"] == "Forbidden"
        assert "activation mail" not in str(body) and "Ana" not in str(body)  # no card
    ticket = client.server.app[DESK].store.get_ticket("SUP-0001")
    assert ticket.status == "open" and ticket.version == data["version"] and not ticket.assignee
    assert not connector.updated
    await asyncio.sleep(0.2)
    assert not any("was taken by" in (s.get("text") or "") for s in connector.sent)
    refusals = [
        r for r in caplog.records if r.name == "interact.security" and "refused" in r.getMessage()
    ]
    assert len(refusals) == 2 and all(r.levelno == logging.WARNING for r in refusals)
    aad = OUTSIDERS[who].get("from", AGENT).get("aadObjectId", "")
    assert all("SUP-0001" in r.getMessage() and aad in r.getMessage() for r in refusals)


BAD_DATA = {
    "no version": {"ticket": "SUP-0001"},
    "a version in words": {"ticket": "SUP-0001", "version": "abc"},
    "a list as version": {"ticket": "SUP-0001", "version": []},
    "a fractional version": {"ticket": "SUP-0001", "version": 1.5},
    "true as version": {"ticket": "SUP-0001", "version": True},
    "a ticket past SQLite's integers": {"ticket": "SUP-99999999999999999999999", "version": 1},
    "a ticket of 5,000 digits": {"ticket": "SUP-" + "9" * 5000, "version": 1},
    "a number as ticket": {"ticket": 1, "version": 1},
    "no data": None,
    "a list as data": [],
}


@pytest.mark.parametrize("case", [*BAD_DATA, "an infinite version"])
async def test_ticket_actions_with_bad_data_are_refused_at_the_edge(
    client, connector, caplog, case
) -> None:
    data = await ticket_in_channel(client, connector)
    if case == "an infinite version":  # JSON's 1e400: a float Python reads as infinity
        raw = json.dumps(assign_invoke(connector, {**data, "version": 123456789}, "sent-2"))
        resp = await client.post(
            "/api/messages",
            data=raw.replace("123456789", "1e400"),
            headers={"Content-Type": "application/json"},
        )
    else:
        resp = await client.post(
            "/api/messages", json=assign_invoke(connector, BAD_DATA[case], "sent-2")
        )
    assert resp.status == 400, await resp.text()
    assert (await resp.json())["value"]["code"] == "BadRequest"
    assert "turn failed" not in caplog.text
    assert not any("something went wrong" in str(s) for s in connector.sent)
    ticket = client.server.app[DESK].store.get_ticket("SUP-0001")
    assert ticket.status == "open" and ticket.version == data["version"]


async def test_the_support_channel_cannot_be_chosen_without_admins(
    settings, catalogue, connector
) -> None:
    no_admins = dataclasses.replace(settings, support_admins=frozenset())
    async with await start_app(no_admins, catalogue) as client:
        await say(
            client, connector, "use this channel for support", **IN_CHANNEL, **{"from": ADMIN}
        )
        answer = connector.sent[-1]["text"]
        assert "SUPPORT_ADMINS" in answer
        assert client.server.app[DESK].store.get_setting("support_channel") is None


async def test_only_admins_choose_the_channel_and_the_old_one_is_told(client, connector) -> None:
    await say(client, connector, "use this channel for support", **IN_CHANNEL, **{"from": AGENT})
    assert "only the support admins" in connector.sent[-1]["text"]
    data = await ticket_in_channel(client, connector)

    moved = {"conversation": {"id": "19:new@thread.tacv2", "conversationType": "channel"}}
    await say(
        client, connector, "use this channel for support", **{**IN_CHANNEL, **moved, "from": ADMIN}
    )
    assert "will be posted in this channel" in connector.sent[-1]["text"]
    [told] = [s for s in posted_to(connector, "19:support@thread.tacv2") if s.get("text")]
    assert "another channel" in told["text"] and "Ada Admin" in told["text"]

    # The old channel's cards no longer work; the new channel's do.
    resp = await client.post("/api/messages", json=assign_invoke(connector, data, "sent-2"))
    assert (await resp.json())["statusCode"] == 403
    resp = await client.post(
        "/api/messages",
        json=assign_invoke(connector, data, None, conversation=moved["conversation"]),
    )
    assert (await resp.json())["statusCode"] == 200


def test_staff_lists_come_from_the_environment() -> None:
    settings = Settings.from_env({"SUPPORT_ADMINS": " AAD-A , ", "SUPPORT_AGENTS": "b,c"})
    assert settings.support_admins == {"aad-a"} and settings.support_agents == {"b", "c"}
    assert Settings.from_env({}).support_admins == frozenset()


class CrashOnEnqueue:
    """The store, as seen by a process that dies if it writes a delivery on its own."""

    def __init__(self, store) -> None:
        self.store = store

    def enqueue(self, *args, **kw):
        raise RuntimeError("killed between two writes")

    def __getattr__(self, name):
        return getattr(self.store, name)


async def test_assign_and_the_users_notice_are_one_write(client, connector) -> None:
    """A process dying right after the assignment is written must not lose the user's notice
    (a retried press is refused as stale, so a notice lost then is lost for good)."""
    data = await ticket_in_channel(client, connector)
    desk = client.server.app[DESK]
    desk.store = CrashOnEnqueue(desk.store)
    await client.post("/api/messages", json=assign_invoke(connector, data, None))
    store = desk.store.store
    assert store.get_ticket("SUP-0001").status == "assigned"
    assert [d.kind for d in store.deliveries("SUP-0001")][-1] == "notify"


async def test_a_channel_post_sent_again_updates_the_card_in_place(client, connector) -> None:
    """Delivery is at least once: a channel post sent again (its mark as done was lost) updates
    the card already in the channel instead of posting a second one."""
    await ticket_in_channel(client, connector)
    desk = client.server.app[DESK]
    assert len(posted_to(connector, "19:support@thread.tacv2")) == 1
    ticket = desk.store.get_ticket("SUP-0001")
    assert ticket.channel_activity_id
    desk.store.enqueue(ticket.id, "channel", {}, dt.datetime.now(dt.UTC))  # the lost mark
    desk.worker.wake()
    await wait_for(lambda: not desk.store.pending(ticket.id))
    assert len(posted_to(connector, "19:support@thread.tacv2")) == 1
    assert connector.updated[-1]["_path"].endswith(f"/activities/{ticket.channel_activity_id}")
