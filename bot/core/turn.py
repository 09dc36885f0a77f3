"""What the user sent in one turn, built once at the edge and passed down (pure: no SDK).

A typed message and a click on a button that asks something are the same input: the button's
text stands for what the user would have typed, so every step of every dialog reads one field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from bot.core.texts import ReplyLanguage

_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]{1,200}>")


def clean_text(raw: str | None) -> str:
    """The user's words: @mentions, HTML tags and surrounding space removed."""
    text = _MENTION.sub(" ", raw or "")
    text = unescape(_TAGS.sub(" ", text))
    return " ".join(text.split())


@dataclass(frozen=True)
class TurnInput:
    """One turn's input: ``text`` is the cleaned typed text or, for a click, the clicked
    button's text (``clicked`` is then true); ``command`` the command the text is ("cancel",
    "help", "forget_me", "support_channel", "reload_catalogue"), checked once; ``locale``
    Teams' hint ("" if none);
    ``language`` the language of every reply of the turn, chosen once (a click keeps the language
    of the card clicked)."""

    text: str
    command: str | None = None
    clicked: bool = False
    locale: str = ""
    language: ReplyLanguage = field(default_factory=ReplyLanguage)
