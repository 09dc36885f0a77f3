"""The reply language over HTTP: Teams' locale decides for a message too short to tell."""

from __future__ import annotations

from tests.support.connector import activity, replies_text


async def test_a_short_message_with_a_french_locale_gets_french(client, connector) -> None:
    resp = await client.post("/api/messages", json=activity(connector, "ok", locale="fr-FR"))
    assert resp.status in (200, 201)
    text = replies_text(connector)
    assert "Cette réponse vous a-t-elle aidé ?" in text or "Essayez" in text, text


async def test_a_short_message_with_a_polish_locale_gets_english(client, connector) -> None:
    resp = await client.post("/api/messages", json=activity(connector, "ok", locale="pl-PL"))
    assert resp.status in (200, 201)
    assert "Try one of these" in replies_text(connector) or "Sorry" in replies_text(connector)
