"""Memory that stays private, over HTTP and on the app's own store (issue 11, 4)."""

from __future__ import annotations

from tests.support.connector import activity, replies_text

TOLD = "you told me"


def chat(conversation_id: str, kind: str = "personal") -> dict[str, str]:
    return {"id": conversation_id, "conversationType": kind, "tenantId": "t-1"}


async def test_a_role_stays_in_the_chat_where_it_was_told(client, connector) -> None:
    told = chat("a:chat-a")
    for text in ("I'm a communication officer", "which team should I join?"):
        resp = await client.post("/api/messages", json=activity(connector, text, conversation=told))
        assert resp.status in (200, 201)
    assert TOLD in replies_text(connector)  # remembered where it was said

    for other in (chat("a:chat-b"), chat("19:team@thread.tacv2", "channel")):
        connector.sent.clear()
        question = activity(connector, "which team should I join?", conversation=other)
        resp = await client.post("/api/messages", json=question)
        assert resp.status in (200, 201)
        assert TOLD not in replies_text(connector)  # another chat, or in front of colleagues
