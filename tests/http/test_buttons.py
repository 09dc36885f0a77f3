"""Buttons over HTTP: plain-data clicks and the ticket card's Action.Submit fallback, for clients
without ``msteams`` messageBack (the Agents Playground) or without universal actions."""

from __future__ import annotations

from app import DESK
from tests.support.cards import actions
from tests.support.http import (
    AGENT,
    IN_CHANNEL,
    activity,
    choose_channel,
    open_ticket,
    posted_to,
    wait_for,
)


async def test_the_ticket_card_fallback_assigns_like_the_invoke(client, connector) -> None:
    await choose_channel(client, connector)
    await open_ticket(client, connector)
    card = posted_to(connector, "19:support@thread.tacv2")[-1]["attachments"][0]["content"]
    execute = next(a for a in actions(card) if a.get("verb") == "ticket.assign")
    fallback = execute["fallback"]
    assert fallback["type"] == "Action.Submit"

    click = activity(  # what a client without universal actions sends: a message with the data
        connector,
        None,
        value=fallback["data"],
        replyToId="sent-2",
        **{**IN_CHANNEL, "from": AGENT},
    )
    resp = await client.post("/api/messages", json=click)
    assert resp.status in (200, 201), await resp.text()
    ticket = client.server.app[DESK].store.get_ticket("SUP-0001")
    assert ticket.status == "assigned" and ticket.assignee == "Sam Support"
    assert connector.updated and connector.updated[-1]["_path"].endswith("/activities/sent-2")
    await wait_for(lambda: any("was taken by" in (s.get("text") or "") for s in connector.sent))


async def test_a_stale_ticket_button_gets_a_clear_answer(client, connector) -> None:
    await choose_channel(client, connector)
    data = {"action": "ticket", "verb": "ticket.assign", "ticket": "SUP-0404", "version": 1}
    click = activity(connector, None, value=data, **{**IN_CHANNEL, "from": AGENT})
    resp = await client.post("/api/messages", json=click)
    assert resp.status in (200, 201)
    assert "did not understand that button" in connector.sent[-1]["text"]


async def test_the_fallback_refuses_a_user_who_is_not_staff(client, connector) -> None:
    await choose_channel(client, connector)
    await open_ticket(client, connector)
    data = {"action": "ticket", "verb": "ticket.assign", "ticket": "SUP-0001", "version": 1}
    resp = await client.post("/api/messages", json=activity(connector, None, value=data))
    assert resp.status in (200, 201)
    assert client.server.app[DESK].store.get_ticket("SUP-0001").status == "open"
    assert "support staff" in connector.sent[-1]["text"]


async def test_a_plain_click_asks_as_if_typed(client, connector) -> None:
    click = activity(connector, None, value={"ask": "show me every team"})
    resp = await client.post("/api/messages", json=click)
    assert resp.status in (200, 201)
    assert "Programme and project management" in str(connector.sent[-1])
