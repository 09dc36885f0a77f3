"""Small talk: "thanks", "ok", "bye", "great" get a short friendly reply (from data/texts), not
the welcome card and not "Sorry, I can't help", and never count toward offering a person; with
the rules alone and with the trained model the app serves (which must not overrule them)."""

from __future__ import annotations

import pytest
from botbuilder.core import MemoryStorage

from app import build_bot
from bot.core.catalogue import Catalogue
from bot.core.learning import Loaded
from bot.settings import Settings
from tests.support.catalogues import served_understanding
from tests.support.chat import Chat, all_text, card_of

WELCOME = "Tell me what you do"
CANT_HELP = "Sorry, I can't help"
OFFER = "Ask a person at Interact"


SMALL_TALK = [
    ("thanks", "small_talk.thanks"),
    ("Thank you!", "small_talk.thanks"),
    ("thanks a lot for your help", "small_talk.thanks"),
    ("many thanks", "small_talk.thanks"),
    ("ok", "small_talk.acknowledge"),
    ("great", "small_talk.acknowledge"),
    ("alright, understood", "small_talk.acknowledge"),
    ("bye", "small_talk.bye"),
    ("see you", "small_talk.bye"),
    ("take care", "small_talk.bye"),
]


@pytest.fixture(scope="module")
def trained() -> Loaded:
    return served_understanding()


@pytest.fixture(params=["rules", "trained model"])
def any_chat(
    request: pytest.FixtureRequest, settings: Settings, catalogue: Catalogue, trained: Loaded
) -> Chat:
    """A chat understood by the rules alone, and one with the model the app serves."""
    understanding = trained if request.param == "trained model" else None
    return Chat(
        build_bot(settings, MemoryStorage(), catalogue=catalogue, understanding=understanding)
    )


@pytest.mark.parametrize(("message", "text_id"), SMALL_TALK)
async def test_small_talk_gets_a_short_friendly_reply(any_chat: Chat, message: str, text_id: str):
    chat = any_chat
    [reply] = await chat.say(message)
    texts = chat.components.assistant.catalogue.texts()
    assert reply.text == texts.get(text_id)
    assert card_of(reply) is None  # a short text, no card with buttons and feedback
    assert WELCOME not in all_text(reply) and CANT_HELP not in all_text(reply)


async def test_small_talk_never_counts_toward_offering_a_person(any_chat: Chat) -> None:
    chat = any_chat
    for message in ("thanks", "ok", "bye", "great"):
        await chat.say(message)
    replies = await chat.say("the blue submarine sings loudly")
    assert CANT_HELP in all_text(replies[0])
    assert OFFER not in all_text(replies[0])  # the first fallback: small talk did not count


async def test_a_question_with_an_ok_is_still_answered(any_chat: Chat) -> None:
    replies = await any_chat.say("ok, is there a group for controllers?")
    assert "Controllers network" in all_text(replies[0])
