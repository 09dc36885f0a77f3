"""Buttons over HTTP: plain-data clicks and the ticket card's Action.Submit fallback, for clients
without ``msteams`` messageBack (the Agents Playground) or without universal actions."""

from __future__ import annotations

from app import DESK
from tests.support.cards import actions
from tests.support.http import CHANNEL, activity, open_ticket, posted_to, say, wait_for


async def test_the_ticket_card_fallback_assigns_like_the_invoke(client, connector) -> None:
    await say(client, connector, "use this channel for support", conversation=CHANNEL)
    await open_ticket(client, connector)
    card = posted_to(connector, "19:support@thread.tacv2")[-1]["attachments"][0]["content"]
    execute = next(a for a in actions(card) if a.get("verb") == "ticket.assign")
    fallback = execute["fallback"]
    assert fallback["type"] == "Action.Submit"

    click = activity(  # what a client without universal actions sends: a message with the data
        connector,
        None,
        value=fallback["data"],
        conversation=CHANNEL,
        replyToId="sent-2",
        **{"from": {"id": "29:agent", "name": "Sam Support", "aadObjectId": "aad-sam"}},
    )
    resp = await client.post("/api/messages", json=click)
    assert resp.status in (200, 201), await resp.text()
    ticket = client.server.app[DESK].store.get_ticket("SUP-0001")
    assert ticket.status == "assigned" and ticket.assignee == "Sam Support"
    assert connector.updated and connector.updated[-1]["_path"].endswith("/activities/sent-2")
    await wait_for(lambda: any("was taken by" in (s.get("text") or "") for s in connector.sent))


async def test_a_stale_ticket_button_gets_a_clear_answer(client, connector) -> None:
    data = {"action": "ticket", "verb": "ticket.assign", "ticket": "SUP-0404", "version": 1}
    click = activity(connector, None, value=data, conversation=CHANNEL)
    resp = await client.post("/api/messages", json=click)
    assert resp.status in (200, 201)
    assert "did not understand that button" in connector.sent[-1]["text"]


async def test_a_plain_click_asks_as_if_typed(client, connector) -> None:
    click = activity(connector, None, value={"ask": "list all teams"})
    resp = await client.post("/api/messages", json=click)
    assert resp.status in (200, 201)
    assert "Programme and project management" in str(connector.sent[-1])
