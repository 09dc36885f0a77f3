"""Memory that stays private, over HTTP and on the app's own store (issue 11, 4)."""

from __future__ import annotations

from bot.tickets.store.sqlite import SqliteStore
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


async def test_forget_me_over_http_erases_the_other_chats_too(client, connector, settings) -> None:
    told = chat("a:chat-a")
    for text in ("I'm a communication officer", "which team should I join?"):
        resp = await client.post("/api/messages", json=activity(connector, text, conversation=told))
        assert resp.status in (200, 201)
    assert TOLD in replies_text(connector)
    kept = [f"msteams/conversations/{c}/users/29:user-1/" for c in ("a:chat-a", "a:chat-b")]
    with SqliteStore(settings.store_path) as store:  # the app's own store, as it is on disk
        assert kept[0] in store.read_state(kept)

    other = chat("a:chat-b")
    resp = await client.post(
        "/api/messages", json=activity(connector, "delete my data", conversation=other)
    )
    assert resp.status in (200, 201)
    assert "cannot be undone" in replies_text(connector)
    click = activity(connector, None, conversation=other, value={"ask": "yes", "lang": "en"})
    resp = await client.post("/api/messages", json=click)
    assert resp.status in (200, 201)
    assert "I erased" in replies_text(connector)
    with SqliteStore(settings.store_path) as store:
        assert store.read_state([*kept, "msteams/users/29:user-1"]) == {}

    connector.sent.clear()
    question = activity(connector, "which team should I join?", conversation=told)
    resp = await client.post("/api/messages", json=question)
    assert resp.status in (200, 201)
    assert TOLD not in replies_text(connector)  # forgotten in the chat where it was told too
