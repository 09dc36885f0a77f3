"""Cards around escalation that the ticket cards do not cover."""

from __future__ import annotations

from bot.core.answers import choice
from bot.core.texts import Texts
from cards.builders import Card, ask, card, text_block


def offer_person_card(texts: Texts) -> Card:
    """After a 👎: offer to reach a person (the button goes through the normal pipeline)."""
    yes = choice(texts, "contact_yes")
    return card(
        [text_block(texts.get("card.offer_person"))],
        actions=[ask(yes.title, yes.text, yes.language)],
    )
