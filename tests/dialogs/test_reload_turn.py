"""A content reload in the middle of a turn: the turn finishes on the assistant it took at its
start (one catalogue per turn, the support desk's texts included); the next turn takes the new
one (issue 12, 5)."""

from __future__ import annotations

import dataclasses

import pytest
from botbuilder.core import MemoryStorage

from app import Components, build_bot
from bot.assistant import Assistant
from bot.core.catalogue import Catalogue
from bot.core.texts import TextBook
from bot.settings import Settings
from tests.support.chat import Chat, all_text

NEW = "[new]"


def marked(catalogue: Catalogue) -> Catalogue:
    """The catalogue with every English text marked, as an edit of data/texts would change them:
    a reply tells which of the two catalogues wrote it."""
    english = {key: f"{NEW} {text}" for key, text in catalogue.texts.languages["en"].items()}
    return dataclasses.replace(
        catalogue, texts=TextBook({**catalogue.texts.languages, "en": english})
    )


class SwapMidTurn:
    """A language detector that, armed, puts the new assistant in force the first time a turn
    asks it (after the turn started, before it answers): a reload landing mid-turn."""

    def __init__(self) -> None:
        self.components: Components | None = None
        self.new: Assistant | None = None

    def __call__(self, text: str) -> str:
        if self.components is not None and self.new is not None:
            self.components.content.swap(self.new)
            self.new = None
        return "en"


@pytest.fixture
def swap() -> SwapMidTurn:
    return SwapMidTurn()


@pytest.fixture
def components(settings: Settings, catalogue: Catalogue, swap: SwapMidTurn) -> Components:
    components = build_bot(settings, MemoryStorage(), catalogue=catalogue, detect=swap)
    swap.components = components
    return components


def said(replies: list) -> str:
    return "\n".join(all_text(r) for r in replies)


async def test_a_turn_answers_from_the_catalogue_it_started_with(
    components: Components, swap: SwapMidTurn, catalogue: Catalogue
) -> None:
    chat = Chat(components)
    swap.new = Assistant(marked(catalogue), lambda _text: "en")
    first = said(await chat.say("thanks"))
    assert swap.new is None  # the reload happened mid-turn
    assert "You're welcome" in first and NEW not in first  # one catalogue: the old one
    second = said(await chat.say("thanks"))
    assert f"{NEW} You're welcome" in second  # the next turn takes the new one


async def test_the_support_desk_speaks_from_the_turns_catalogue(
    components: Components, swap: SwapMidTurn, catalogue: Catalogue
) -> None:
    chat = Chat(components)  # a personal chat: "use this channel" is refused with a text
    swap.new = Assistant(marked(catalogue), lambda _text: "en")
    first = said(await chat.say("use this channel for support"))
    assert "team channel" in first and NEW not in first
    second = said(await chat.say("use this channel for support"))
    assert f"{NEW} Please type this in the team channel" in second  # reloaded, not frozen
