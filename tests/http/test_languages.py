"""The reply language over HTTP: Teams' locale decides for a message too short to tell."""

from __future__ import annotations

from tests.support.cards import actions
from tests.support.connector import activity, replies_text
from tests.support.http import (
    AGENT,
    assign_invoke,
    choose_channel,
    posted_to,
    say,
    start_app,
    wait_for,
)


async def test_a_short_message_with_a_french_locale_gets_french(client, connector) -> None:
    resp = await client.post("/api/messages", json=activity(connector, "ok", locale="fr-FR"))
    assert resp.status in (200, 201)
    text = replies_text(connector)
    assert "Ravi que cela vous aide" in text, text  # small talk, in French


async def test_a_short_message_with_a_polish_locale_gets_english(client, connector) -> None:
    resp = await client.post("/api/messages", json=activity(connector, "ok", locale="pl-PL"))
    assert resp.status in (200, 201)
    assert "Glad that helps" in replies_text(connector)  # small talk, in English


def french(text: str) -> str:
    """A stand-in for the language detector (the real one is the understanding's)."""
    words = set(text.lower().split())
    return "fr" if words & {"parler", "une", "personne", "je", "oui"} else "en"


async def test_the_notice_about_a_ticket_is_in_the_users_language(
    settings, catalogue, connector
) -> None:
    client = await start_app(settings, catalogue, detect=french)
    try:
        await choose_channel(client, connector)
        await say(client, connector, "Je voudrais parler à une personne", locale="fr-FR")
        await say(client, connector, "oui", locale="fr-FR")
        said = "Je ne trouve pas le groupe de travail sur les indicateurs"
        await say(client, connector, said, locale="fr-FR")
        receipt = replies_text(connector)
        assert "Votre demande SUP-0001" in receipt, receipt
        card = posted_to(connector, "19:support@thread.tacv2")[-1]["attachments"][0]
        assign = next(a for a in actions(card["content"]) if a.get("verb") == "ticket.assign")
        staff_view = str(card["content"])
        assert "Assign to me" in staff_view  # the support channel reads English
        resp = await client.post(
            "/api/messages", json=assign_invoke(connector, assign["data"], "sent-2")
        )
        assert resp.status == 200
        taken = "Votre demande SUP-0001 a été prise en charge par Sam Support."
        await wait_for(lambda: any(taken in (s.get("text") or "") for s in connector.sent))
    finally:
        await client.close()


async def test_an_agent_without_a_name_is_named_in_the_users_language(
    settings, catalogue, connector
) -> None:
    """Teams gave no name for the agent who pressed "Assign to me": the user's notice names
    Interact's support team in the user's language, and the staff's card says "someone"."""
    client = await start_app(settings, catalogue, detect=french)
    try:
        await choose_channel(client, connector)
        await say(client, connector, "Je voudrais parler à une personne")
        await say(client, connector, "oui")
        await say(client, connector, "Je ne trouve pas le groupe de travail sur les indicateurs")
        card = posted_to(connector, "19:support@thread.tacv2")[-1]["attachments"][0]
        assign = next(a for a in actions(card["content"]) if a.get("verb") == "ticket.assign")
        nameless = {k: v for k, v in AGENT.items() if k != "name"}
        resp = await client.post(
            "/api/messages",
            json=assign_invoke(connector, assign["data"], "sent-2", **{"from": nameless}),
        )
        assert resp.status == 200
        assert "Assigned to" in str(await resp.json()) and "someone" in str(await resp.json())
        taken = "Votre demande SUP-0001 a été prise en charge par l'équipe support d'Interact."
        await wait_for(lambda: any(taken in (s.get("text") or "") for s in connector.sent))
    finally:
        await client.close()
