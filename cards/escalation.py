"""Cards around escalation that the ticket cards do not cover."""

from __future__ import annotations

from cards.builders import Card, ask, card, text_block


def offer_person_card() -> Card:
    """After a 👎: offer to reach a person (the button goes through the normal pipeline)."""
    return card(
        [text_block("Would you like a person at Interact to help you?")],
        actions=[ask("Yes, contact Interact", "talk to a person")],
    )
