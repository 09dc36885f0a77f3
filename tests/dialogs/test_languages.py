"""The reply language at the dialog level: chosen once per turn, from the message (a stand-in
detector here; the real one is the understanding's), Teams' locale for a short message, the
clicked card's language for a click, and carried to the prompts and the receipt."""

from __future__ import annotations

import pytest
from botbuilder.core import MemoryStorage

from app import build_bot
from tests.support.cards import actions
from tests.support.chat import Chat, all_text, card_of

GERMAN = {"welches", "ich", "bin", "für", "kann", "mich", "nicht", "anmelden"}


def detect(text: str) -> str:
    """A stand-in for the language detector: German words -> de, Polish -> other."""
    words = set(text.lower().replace("?", "").split())
    if words & GERMAN:
        return "de"
    if words & {"jestem", "gdzie", "jak"}:
        return "other"
    return "en"


@pytest.fixture
def chat(settings, catalogue) -> Chat:
    return Chat(build_bot(settings, MemoryStorage(), catalogue=catalogue, detect=detect))


def text_of(replies) -> str:
    return "\n".join(all_text(r) for r in replies)


async def test_a_german_question_gets_a_german_answer_card(chat: Chat) -> None:
    replies = await chat.say("Welches Team für Kontrolleure?")
    card = card_of(replies[0])
    assert card is not None
    shown = text_of(replies)
    assert "Controllers network" in shown
    assert "Warum es passt" in shown or "So treten Sie bei" in shown
    assert "War das hilfreich?" in shown and "Was this helpful?" not in shown


async def test_a_short_ok_with_a_french_locale_gets_french(chat: Chat, catalogue) -> None:
    replies = await chat.send(chat.message("ok", locale="fr-FR"))
    shown = text_of(replies)
    assert catalogue.texts("fr").get("small_talk.acknowledge") in shown, shown
    assert "Sorry" not in shown


async def test_polish_gets_english_and_the_languages_the_bot_speaks(chat, catalogue) -> None:
    replies = await chat.send(chat.message("Jestem controller, gdzie?", locale="pl-PL"))
    shown = text_of(replies)
    assert catalogue.texts("en").get("language.other") in shown
    assert "Controllers network" in shown


async def test_a_click_answers_in_the_language_of_its_card(chat: Chat) -> None:
    asked = await chat.send(chat.message("hallo", locale="de-DE"))
    buttons = {
        a["title"]: a["data"] for r in asked for a in actions(card_of(r) or {}) if "data" in a
    }
    assert "Kontrolleur" in buttons, buttons
    replies = await chat.click(buttons["Kontrolleur"])
    shown = text_of(replies)
    assert "Controllers network" in shown and "War das hilfreich?" in shown


async def test_the_escalation_asks_and_confirms_in_german(chat: Chat) -> None:
    asked = await chat.say("Ich möchte mit einer Person sprechen")
    shown = text_of(asked)
    assert "Soll ich eine E-Mail an" in shown, shown  # (no support channel, no SMTP)
    buttons = {
        a["title"]: a["data"] for r in asked for a in actions(card_of(r) or {}) if "data" in a
    }
    described = await chat.click(buttons["Ja"])
    assert "Bitte beschreiben Sie das Problem" in text_of(described)
    replies = await chat.say("Die Anmeldung im Portal klappt bei mir nicht")
    shown = text_of(replies)
    assert "Ihre Anfrage SUP-" in shown, shown
