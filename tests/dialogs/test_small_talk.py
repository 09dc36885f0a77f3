"""Small talk: "thanks", "ok", "bye", "great" get a short friendly reply (from data/texts), not
the welcome card and not "Sorry, I can't help", and never count toward offering a person."""

from __future__ import annotations

import pytest

from tests.support.chat import Chat, all_text, card_of

WELCOME = "Tell me what you do"
CANT_HELP = "Sorry, I can't help"
OFFER = "Ask a person at Interact"


@pytest.mark.parametrize(
    ("message", "text_id"),
    [
        ("thanks", "small_talk.thanks"),
        ("Thank you!", "small_talk.thanks"),
        ("ok", "small_talk.acknowledge"),
        ("great", "small_talk.acknowledge"),
        ("bye", "small_talk.bye"),
    ],
)
async def test_small_talk_gets_a_short_friendly_reply(chat: Chat, message: str, text_id: str):
    [reply] = await chat.say(message)
    texts = chat.components.assistant.catalogue.texts()
    assert reply.text == texts.get(text_id)
    assert card_of(reply) is None  # a short text, no card with buttons and feedback
    assert WELCOME not in all_text(reply) and CANT_HELP not in all_text(reply)


async def test_small_talk_never_counts_toward_offering_a_person(chat: Chat) -> None:
    for message in ("thanks", "ok", "bye", "great"):
        await chat.say(message)
    replies = await chat.say("the blue submarine sings loudly")
    assert CANT_HELP in all_text(replies[0])
    assert OFFER not in all_text(replies[0])  # the first fallback: small talk did not count


async def test_a_question_with_an_ok_is_still_answered(chat: Chat) -> None:
    replies = await chat.say("ok, which team for controllers?")
    assert "Controllers network" in all_text(replies[0])
