"""Memory that stays private (issue 11, 4): what a user tells the bot stays in the conversation
where it was told, is never repeated in a team channel or group chat, and "start over" forgets
it and says so."""

from __future__ import annotations

import pytest
from botbuilder.core import MemoryStorage
from botbuilder.schema import Activity

from app import Components, build_bot
from tests.support.cards import actions
from tests.support.chat import Chat, all_text, card_of

ASKS_ROLE = "describes your work best"
TOLD = "you told me"


def texts(replies: list[Activity]) -> str:
    return "\n".join(all_text(r) for r in replies)


async def test_a_role_told_in_one_chat_is_not_used_in_another(components: Components) -> None:
    first = Chat(components, conversation_id="chat-a")
    await first.say("I'm a communication officer")
    replies = await first.say("which team should I join?")
    assert TOLD in texts(replies)  # in the chat where it was said, it is remembered

    other = Chat(components, conversation_id="chat-b")  # the same user, another chat
    replies = await other.say("which team should I join?")
    assert TOLD not in texts(replies)
    assert ASKS_ROLE in texts(replies)  # asked afresh, as if never told


@pytest.mark.parametrize("kind", ["channel", "groupChat"])
async def test_a_role_is_never_repeated_in_front_of_colleagues(
    components: Components, kind: str
) -> None:
    personal = Chat(components, conversation_id="personal")
    await personal.say("I'm a communication officer")

    shared = Chat(components, conversation_type=kind, conversation_id=f"shared-{kind}")
    await shared.say("I'm a communication officer")  # said here too, once, to answer it
    replies = await shared.say("which team should I join?")
    assert TOLD not in texts(replies)


async def test_start_over_says_it_forgot_the_roles_and_does(chat: Chat) -> None:
    await chat.say("I work as an auditor")
    replies = await chat.say("start over")
    assert "I forgot the roles" in texts(replies)
    replies = await chat.say("which team should I join?")
    assert ASKS_ROLE in texts(replies)
    assert TOLD not in texts(replies)


async def test_start_over_with_nothing_told_only_stops(chat: Chat) -> None:
    replies = await chat.say("start over")
    assert "I stopped that" in texts(replies)
    assert "I forgot" not in texts(replies)


async def test_start_over_in_the_middle_of_a_question_forgets_too(chat: Chat) -> None:
    await chat.say("I work as an auditor")
    await chat.say("I can't log in")  # asks whether to pass it on
    replies = await chat.say("start over")
    assert "I forgot the roles" in texts(replies)


async def test_help_links_to_the_privacy_note(settings, catalogue) -> None:
    privacy = "https://privacy.example.test/assistant"
    chat = Chat(
        build_bot(settings, MemoryStorage(), catalogue=catalogue.with_portal(privacy_url=privacy))
    )
    replies = await chat.say("help")
    urls = [a.get("url") for r in replies for a in actions(card_of(r) or {})]
    assert privacy in urls
    assert "How this bot handles your data" in texts(replies)


async def test_help_in_german_links_to_the_privacy_note_in_german(settings, catalogue) -> None:
    privacy = "https://privacy.example.test/assistant"
    chat = Chat(
        build_bot(settings, MemoryStorage(), catalogue=catalogue.with_portal(privacy_url=privacy))
    )
    replies = await chat.send(chat.message("Hilfe", locale="de-DE"))
    assert "Wie dieser Bot mit Ihren Daten umgeht" in texts(replies)
