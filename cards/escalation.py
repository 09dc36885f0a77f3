"""Cards around escalation that the ticket cards do not cover."""

from __future__ import annotations

from bot.core.answers import choice
from bot.core.texts import Texts
from cards.builders import Card, ask, card, from_card, text_block

CONFIRM = "confirm"  # the source the confirmation's buttons name: a click shows it again
FORGET = "forget"  # the same, for the question before "forget me" erases
OFFER_PERSON = "offer_person"  # the source the offer's button names


def offer_person_card(texts: Texts) -> Card:
    """After a 👎: offer to reach a person (the button goes through the normal pipeline)."""
    yes = choice(texts, "contact_yes")
    offer = card(
        [text_block(texts.get("card.offer_person"))],
        actions=[ask(yes.title, yes.text, yes.language)],
    )
    return from_card(offer, card=OFFER_PERSON)  # a click shows it again


def confirm_card(texts: Texts, contact_id: str, email: str, *, automatic: bool) -> Card:
    """The question before the hand-over, with Yes and No: pass the request on (``automatic``:
    a support channel or SMTP takes it to Interact), else prepare the e-mail for the user to
    send. Its buttons name it (``card``, ``contact``), so that a click shows it again."""
    text_id = "dialog.confirm_escalation" if automatic else "dialog.confirm_escalation_manual"
    yes, no = choice(texts, "confirm_yes"), choice(texts, "confirm_no")
    buttons = [ask(yes.title, yes.text, yes.language), ask(no.title, no.text, no.language)]
    built = card([text_block(texts.get(text_id, email=email))], buttons)
    return from_card(built, card=CONFIRM, contact=contact_id)


def forget_card(texts: Texts) -> Card:
    """The question before erasing everything about the user, with Yes and No. Its buttons name
    it (``card``), so that a click shows it again with the answer marked."""
    yes, no = choice(texts, "confirm_yes"), choice(texts, "confirm_no")
    buttons = [ask(yes.title, yes.text, yes.language), ask(no.title, no.text, no.language)]
    return from_card(card([text_block(texts.get("forget.confirm"))], buttons), card=FORGET)
