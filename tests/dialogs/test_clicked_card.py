"""What the user clicked stays visible without wiping the card they were reading: a clicked
question button leaves its card on screen as it was, with the chosen button marked, and the
answer comes below (a card that cannot be shown again becomes "You asked: …")."""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity

from tests.support.cards import actions
from tests.support.chat import Chat, all_text, card_of

RELATED = "Finding the communities and joining them"  # the register FAQ's related question


def buttons(replies: list[Activity]) -> dict[str, dict[str, Any]]:
    """The question buttons of these replies' cards: title -> the data a click sends."""
    return {
        a["title"]: a["data"]
        for r in replies
        for a in actions(card_of(r) or {})
        if isinstance(a.get("data"), dict) and "ask" in a["data"]
    }


async def test_a_related_question_keeps_the_answer_on_screen(chat: Chat) -> None:
    shown = await chat.say("how can I sign up for an account?")
    answer = all_text(shown[0])
    assert "register for an account" in answer and RELATED in answer
    replies = await chat.click(buttons(shown)[RELATED])

    [kept] = chat.adapter.updated_activities
    assert kept.id == "card-1"  # the clicked card, in place
    text = all_text(kept)
    assert "register for an account" in text, text  # the answer the user was reading
    assert f"✓ {RELATED}" in text, text  # and what they clicked
    assert "You asked" not in text, text
    assert all_text(replies[0]) != answer  # the related question's own answer comes below


async def test_a_role_button_keeps_the_welcome_with_the_choice_marked(chat: Chat) -> None:
    [welcome] = await chat.send(Activity(type="installationUpdate", action="add"))
    replies = await chat.click(buttons([welcome])["Controller"])
    assert "Controllers network" in "\n".join(all_text(r) for r in replies)

    [kept] = chat.adapter.updated_activities
    text = all_text(kept)
    assert "Welcome to the Interact Communities assistant" in text, text
    assert "✓ Controller" in text and "✓ Auditor" not in text, text


async def test_a_german_card_is_kept_in_german(chat: Chat) -> None:
    shown = await chat.send(chat.message("hallo", locale="de-DE"))
    await chat.click(buttons(shown)["Kontrolleur"])
    [kept] = chat.adapter.updated_activities
    assert all_text(kept) == all_text(shown[0]).replace("Kontrolleur", "✓ Kontrolleur", 1)


async def test_a_button_whose_card_cannot_be_shown_again_says_what_was_asked(chat: Chat) -> None:
    await chat.click({"ask": "working groups"})  # no source: a card built elsewhere
    [kept] = chat.adapter.updated_activities
    assert "You asked" in all_text(kept) and "working groups" in all_text(kept)


async def test_the_escalations_question_stays_with_the_answer_marked(chat: Chat) -> None:
    asked = await chat.say("put me through to your support people")
    question = next(r for r in asked if "Yes" in buttons([r]))
    await chat.click(buttons([question])["Yes"])
    [kept] = chat.adapter.updated_activities
    text = all_text(kept)
    assert "Shall I prepare an e-mail to tech.support@interact.eu" in text, text
    assert "✓ Yes" in text and "✓ No" not in text and "You asked" not in text, text


async def test_a_confirmation_naming_an_unknown_contact_says_what_was_asked(chat: Chat) -> None:
    await chat.click({"ask": "yes", "card": "confirm", "contact": "nobody"})
    [kept] = chat.adapter.updated_activities
    assert "You asked" in all_text(kept)


async def test_the_offer_of_a_person_after_a_thumbs_down_stays(chat: Chat) -> None:
    vote = {
        "action": "feedback",
        "vote": "down",
        "answer": "faq:register",
        "q": "how can I sign up for an account?",
    }
    [offer] = await chat.click(vote)
    title, data = next(iter(buttons([offer]).items()))
    chat.adapter.updated_activities.clear()  # the vote's own update (the answer, thanked)
    await chat.click(data)
    [kept] = chat.adapter.updated_activities
    text = all_text(kept)
    assert "Would you like a person at Interact to help you?" in text, text
    assert f"✓ {title}" in text and "You asked" not in text, text


async def test_the_forget_me_question_stays_with_the_answer_marked(chat: Chat) -> None:
    asked = await chat.say("please erase all my data")
    question = next(r for r in asked if "No" in buttons([r]))
    await chat.click(buttons([question])["No"])
    [kept] = chat.adapter.updated_activities
    text = all_text(kept)
    assert "Shall I erase everything I keep about you?" in text, text
    assert "✓ No" in text and "✓ Yes" not in text and "You asked" not in text, text
