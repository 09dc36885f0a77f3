"""The hand-over card: the user's description, ready to send to the right contact."""

from __future__ import annotations

from urllib.parse import quote

from bot.catalogue import Contact
from cards.builders import Card, card, escape, open_url, text_block

SUBJECT = "Interact Communities: help needed"


def mailto(contact: Contact, subject: str, body: str = "") -> str:
    url = f"{contact.mailto}?subject={quote(subject)}"
    return url + (f"&body={quote(body[:1500])}" if body else "")


def handover_card(contact: Contact, description: str, user_name: str = "") -> Card:
    """What happens next, the description as the user wrote it (escaped), and a mailto button."""
    body_lines = [description.strip()]
    if user_name:
        body_lines.append(
            f"\n\n— {user_name} (sent from the Interact Communities assistant in Teams)"
        )
    return card(
        [
            text_block("Your message is ready", size="Medium", weight="Bolder"),
            text_block(
                f"Press the button to send it to {contact.email} from your own e-mail: Interact "
                "replies to you by e-mail. Add anything that helps (screenshots, the e-mail "
                "address of your Interact account)."
            ),
            text_block("Your description:", weight="Bolder", spacing="Medium"),
            text_block(escape(description.strip()) or "(none)", isSubtle=True),
        ],
        actions=[
            open_url(f"Send to {contact.email}", mailto(contact, SUBJECT, "".join(body_lines)))
        ],
    )
