"""Answer -> the Bot Framework activities the bot sends, as plain dicts (no botbuilder)."""

from __future__ import annotations

from typing import Any

from bot.core.answers import Answer, Kind
from bot.core.catalogue import Catalogue
from cards.builders import CARD_CONTENT_TYPE, answer_card, card_text


def answer_key(answer: Answer) -> str:
    """A stable name for an answer, under which its feedback votes are counted."""
    if answer.kind == Kind.FAQ and answer.faq:
        return f"faq:{answer.faq.id}"
    if answer.kind == Kind.COMMUNITIES:
        return "recommend:" + "+".join(r.community.id for r in answer.recommendations)
    if answer.kind == Kind.CONTACT and answer.contact:
        return f"escalate:{answer.contact.id}"
    return str(answer.intent)


def attachment(card: dict[str, Any]) -> dict[str, Any]:
    return {"contentType": CARD_CONTENT_TYPE, "content": card}


def message(card: dict[str, Any], summary: str = "") -> dict[str, Any]:
    """The message activity (a plain dict) that shows ``card``."""
    out: dict[str, Any] = {"type": "message", "attachments": [attachment(card)]}
    if summary:
        out["summary"] = summary
    return out


def render(answer: Answer, catalogue: Catalogue) -> list[dict[str, Any]]:
    """The message activities for an answer: one Adaptive Card, with the text as its summary
    (small talk is a plain text message)."""
    if answer.kind == Kind.SMALL_TALK:
        return [{"type": "message", "text": answer.text}]
    return [message(answer_card(answer, catalogue, answer_key(answer)), answer.text)]


def activities_text(activities: list[dict[str, Any]]) -> str:
    """Everything a person reads in these activities: message text and all card text."""
    parts: list[str] = []
    for activity in activities:
        if activity.get("text"):
            parts.append(str(activity["text"]))
        for att in activity.get("attachments") or []:
            parts.extend(card_text(att.get("content")))
    return "\n".join(parts)
