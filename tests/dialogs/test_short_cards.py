"""What a user reads on the cards, turn by turn: one reason per community in the user's own
words, "How to join" in one line with a "How do I join?" button answered by the FAQ (in every
language), and "Was this helpful?" only under answers."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.core import MemoryStorage
from botbuilder.schema import Activity

from app import build_bot
from bot.core.catalogue import Catalogue
from tests.support.cards import actions
from tests.support.chat import Chat, all_text, card_of

# A role question in each language the bot speaks (own sentences).
ROLE_QUESTIONS = {
    "en": "I work as an auditor",
    "de": "Ich arbeite als Prüfer",
    "fr": "Je travaille comme auditeur",
    "it": "Lavoro come revisore",
    "es": "Trabajo como auditor",
}


def detect(text: str) -> str:
    """A stand-in for the language detector (tests/dialogs/test_languages.py): the questions'."""
    return next((lang for lang, q in ROLE_QUESTIONS.items() if q == text), "en")


@pytest.fixture
def polyglot(settings, catalogue) -> Chat:
    return Chat(build_bot(settings, MemoryStorage(), catalogue=catalogue, detect=detect))


def shown(replies: list[Activity]) -> str:
    return "\n".join(all_text(r) for r in replies)


def buttons(replies: list[Activity]) -> dict[str, dict[str, Any]]:
    """The question buttons by title, with their data."""
    return {
        a["title"]: a["data"]
        for r in replies
        for a in actions(card_of(r) or {})
        if "ask" in (a.get("data") or {})
    }


async def test_the_reason_quotes_what_the_user_typed_once(chat: Chat) -> None:
    replies = await chat.say("Hi, I'm a Comm-Officer!")
    text = shown(replies)
    assert "Communication and visibility" in text
    assert "“Comm-Officer”" in text, text
    assert "“comm officer”" not in text
    reasons = [line for line in text.splitlines() if line.startswith("Why it matched")]
    assert len(reasons) == 1 and reasons[0].count("“") == 1, reasons


@pytest.mark.parametrize("language", sorted(ROLE_QUESTIONS))
async def test_how_do_i_join_is_one_line_and_a_button_the_faq_answers(
    polyglot: Chat, catalogue: Catalogue, language: str
) -> None:
    chat = polyglot
    texts = catalogue.texts(language)
    replies = await chat.say(ROLE_QUESTIONS[language])
    text = shown(replies)
    assert "Auditors network" in text, text
    how = [line for line in text.splitlines() if line.startswith(texts.get("card.how_to_join"))]
    assert len(how) == 1 and len(how[0].split()) <= 25, text
    title = texts.get("choice.join.title")
    assert title in buttons(replies), buttons(replies)
    answer = await chat.click(buttons(replies)[title])
    faq = texts.get("faq.browse.title").rstrip("? ").lower()
    assert faq in shown(answer).lower(), shown(answer)
    assert catalogue.portal.all_communities_url in str(
        [a.get("url") for r in answer for a in actions(card_of(r) or {})]
    )


@pytest.mark.parametrize(
    "message",
    ["hello", "help", "which team should I join?", "what will the weather be tomorrow?"],
)
async def test_no_feedback_under_a_question_help_or_cant_help(chat: Chat, message: str) -> None:
    replies = await chat.say(message)
    assert card_of(replies[-1]) is not None
    assert "Was this helpful?" not in shown(replies), (message, shown(replies))


async def test_feedback_under_an_answer(chat: Chat) -> None:
    for message in ("is there a group for controllers?", "how can I sign up for an account?"):
        assert "Was this helpful?" in shown(await chat.say(message)), message
