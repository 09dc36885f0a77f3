"""One turn, one way: the edge builds the turn's input once (typed text or the clicked button's),
every dialog step reads it, and a waiting dialog keeps ids and small values, never a card."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botbuilder.core import MemoryStorage
from botbuilder.schema import Activity

from app import build_bot
from bot.core.understanding import Understander
from bot.teams.storage import flatten
from tests.support.cards import actions
from tests.support.chat import Chat, all_text, card_of

STATE_LIMIT = 2000  # bytes of conversation state while a question waits (with a card: 5-9 KB)


def texts(replies: list[Activity]) -> str:
    return "\n".join(all_text(r) for r in replies)


def ask_buttons(replies: list[Activity]) -> dict[str, dict[str, Any]]:
    """The buttons that ask something, by title, with their data."""
    found = {}
    for reply in replies:
        for action in actions(card_of(reply) or {}):
            if action.get("type") == "Action.Submit" and "ask" in (action.get("data") or {}):
                found[action["title"]] = action["data"]
    return found


@pytest.fixture
def storage() -> MemoryStorage:
    return MemoryStorage()


@pytest.fixture
def chat(settings, catalogue, storage) -> Chat:
    return Chat(build_bot(settings, storage, catalogue=catalogue))


def conversation_state(storage: MemoryStorage) -> str:
    """The conversation's state as the app's storage writes it (bot.teams.storage: jsonpickle)."""
    found = {k: flatten(v)[0] for k, v in storage.memory.items() if "/conversations/" in k}
    return json.dumps(found)


async def test_a_clicked_role_button_answers_the_role_question(chat: Chat) -> None:
    asked = await chat.say("which team should I join?")
    buttons = ask_buttons(asked)
    assert "Controller" in buttons
    # A plain Action.Submit (the Playground, Teams without messageBack): a value, no text.
    replies = await chat.click(buttons["Controller"])
    assert "Controllers network" in texts(replies)
    assert "describes your work best" not in texts(replies)


async def test_a_clicked_yes_and_no_reach_the_escalation(chat: Chat) -> None:
    offered = await chat.say("I can't log in")
    buttons = ask_buttons(offered)
    assert {"Yes", "No"} <= buttons.keys()
    replies = await chat.click(buttons["Yes"])
    assert "describe the problem" in texts(replies)
    replies = await chat.say("The activation e-mail never arrives, I tried twice")
    assert "SUP-0001" in texts(replies)

    await chat.say("I can't log in")
    replies = await chat.click(buttons["No"])
    assert "You can write to tech.support@interact.eu at any time" in texts(replies)


async def test_a_word_that_is_neither_yes_nor_no_asks_again(chat: Chat) -> None:
    await chat.say("I can't log in")
    replies = await chat.say("perhaps")
    assert "Shall I prepare an e-mail to tech.support@" in texts(replies)
    replies = await chat.say("yes")
    assert "describe the problem" in texts(replies)


async def test_help_shows_the_waiting_role_question_again(chat: Chat) -> None:
    await chat.say("which team should I join?")
    replies = await chat.say("help")
    assert "I can recommend" in texts(replies)
    assert "describes your work best" in texts(replies)  # rebuilt from the state's values


@pytest.mark.parametrize("message", ["which team should I join?", "I can't log in"])
async def test_a_waiting_question_keeps_no_card_in_state(
    chat: Chat, storage: MemoryStorage, message: str
) -> None:
    await chat.say(message)
    state = conversation_state(storage)
    assert "AdaptiveCard" not in state and "attachments" not in state
    assert len(state.encode()) < STATE_LIMIT, len(state.encode())


async def test_the_command_check_runs_once_a_turn(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = Understander.command

    def counted(self: Understander, text: str) -> str | None:
        calls.append(text)
        return original(self, text)

    monkeypatch.setattr(Understander, "command", counted)
    await chat.say("which team should I join?")  # starts the role dialog
    await chat.say("I work as an auditor")  # continues it
    await chat.say("help")  # a command while nothing waits
    assert calls == ["which team should I join?", "I work as an auditor", "help"]
