"""Adaptive Card builders: pure functions from answers to card dicts (no botbuilder).

Every card declares CARD_VERSION: Teams renders up to 1.5, but 1.5 cards and cards without a
version fail on some mobile clients. Text that came from a user is passed through ``escape``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.answers import Answer, Choice, Link, Recommendation
from bot.catalogue import Catalogue, Community

CARD_VERSION = "1.4"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
FEEDBACK_VERB = "feedback"

Card = dict[str, Any]

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def escape(text: str) -> str:
    """Make user text inert in a TextBlock: no markdown links, emphasis or lists."""
    text = "".join(ch for ch in text if ch >= " " or ch in "\n\t")
    return _MARKDOWN.sub(r"\\\1", text)


def card(body: list[dict[str, Any]], actions: Sequence[dict[str, Any]] = ()) -> Card:
    out: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if actions:
        out["actions"] = list(actions)
    return out


def text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def heading(text: str) -> dict[str, Any]:
    return text_block(text, size="Medium", weight="Bolder")


def open_url(title: str, url: str, *, primary: bool = False) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "Action.OpenUrl", "title": title, "url": url}
    if primary:
        action["style"] = "positive"
    return action


def ask(title: str, text: str) -> dict[str, Any]:
    """A button that sends ``text`` as if the user typed it (messageBack)."""
    return {
        "type": "Action.Submit",
        "title": title,
        "data": {
            "msteams": {"type": "messageBack", "text": text, "displayText": text},
            "ask": text,
        },
    }


def action_set(actions: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "ActionSet", "actions": list(actions)}


def feedback(answer_id: str) -> list[dict[str, Any]]:
    """The "Was this helpful?" row that every answer card carries."""

    def vote(title: str, value: str) -> dict[str, Any]:
        return {
            "type": "Action.Submit",
            "title": title,
            "data": {"action": FEEDBACK_VERB, "vote": value, "answer": answer_id},
        }

    return [
        text_block("Was this helpful?", spacing="Medium", isSubtle=True, size="Small"),
        action_set([vote("👍 Yes", "up"), vote("👎 No", "down")]),
    ]


def _links(links: Iterable[Link]) -> list[dict[str, Any]]:
    return [open_url(link.title, link.url) for link in links]


def _choices(choices: Iterable[Choice]) -> list[dict[str, Any]]:
    return [ask(c.title, c.text) for c in choices]


# --------------------------------------------------------------------------- cards


def recommendation_section(rec: Recommendation, register_url: str) -> list[dict[str, Any]]:
    c = rec.community
    body: list[dict[str, Any]] = [heading(c.name)]
    if rec.parent:
        body.append(
            text_block(
                f"Sub-team of **{rec.parent.name}** · private channel",
                isSubtle=True,
                spacing="None",
            )
        )
    body.append(
        {
            "type": "FactSet",
            "facts": [
                {"title": "Who should join", "value": c.who_should_join},
                *([{"title": "Why", "value": rec.reason}] if rec.reason else []),
            ],
        }
    )
    actions = []
    if rec.parent and rec.parent_join_url:
        body.append(
            text_block(
                f"This sub-team is private: join **{rec.parent.name}** first, then ask to join "
                f"{c.name}. Both are done on the All Communities page of the Interact portal, "
                "with your Interact account.",
            )
        )
        actions.append(open_url(f"1. Join {rec.parent.name}", rec.parent_join_url, primary=True))
        actions.append(open_url(f"2. Join {c.name}", rec.join_url))
    else:
        body.append(
            text_block(
                f"How to join: open the All Communities page of the Interact portal, sign in with "
                f"your Interact account and ask to join {c.name}. You can use it in Teams once "
                "your membership is in place.",
            )
        )
        actions.append(open_url(f"Join {c.name} on the portal", rec.join_url, primary=True))
    actions.append(open_url("I have no account yet", register_url))
    if rec.teams_url:
        actions.append(open_url("Open in Teams (for members)", rec.teams_url))
    body.append(action_set(actions))
    return body


def answer_card(answer: Answer, catalogue: Catalogue, answer_id: str) -> Card:
    """The card for an answer: its text, then what the intent shows, then the feedback row."""
    body: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    for refusal in answer.refusals:
        body.append(text_block(f"⚠️ {refusal.text}", color="Attention", weight="Bolder"))
    if answer.recommendations:
        body.append(text_block(_intro(answer)))
        for i, rec in enumerate(answer.recommendations):
            section = recommendation_section(rec, catalogue.portal.register_url)
            body.append(
                {"type": "Container", "separator": i > 0, "spacing": "Medium", "items": section}
            )
    else:
        body.append(text_block(answer.text))
    if answer.list_all:
        body.extend(communities_list(catalogue))
    if answer.working_groups:
        body.append(
            {
                "type": "FactSet",
                "facts": [
                    {
                        "title": wg.name,
                        "value": f"“{wg.nickname}”" if wg.nickname else "Working Group",
                    }
                    for wg in answer.working_groups
                ],
            }
        )
    if answer.contact:
        body.append(
            {
                "type": "FactSet",
                "facts": [
                    {"title": "Contact", "value": answer.contact.email},
                    {"title": "For", "value": answer.contact.purpose},
                ],
            }
        )
    actions.extend(_links(answer.links))
    if answer.choices:
        body.append(action_set(_choices(answer.choices)))
    if actions:
        body.append(action_set(actions))
    body.extend(feedback(answer_id))
    return card(body)


def _intro(answer: Answer) -> str:
    """The answer's text without the refusal sentences, which the card shows on their own."""
    text = answer.text
    for refusal in answer.refusals:
        text = text.replace(refusal.text, "").strip()
    return text


def communities_list(catalogue: Catalogue) -> list[dict[str, Any]]:
    """The 10 Teams with their sub-teams, grouped and compact."""
    items: list[dict[str, Any]] = []
    for team in catalogue.teams:
        subs = catalogue.children(team.id)
        lines = [f"**{team.name}**: {team.who_should_join}"]
        items.append(text_block(lines[0], spacing="Small"))
        if subs:
            items.append(
                text_block(
                    "\n".join(f"- {s.name}: {s.who_should_join}" for s in subs),
                    spacing="None",
                    isSubtle=True,
                )
            )
    return [{"type": "Container", "spacing": "Medium", "items": items}]


def community_card(community: Community, catalogue: Catalogue) -> Card:
    """One community with its join buttons, for sharing (e.g. from the messaging extension)."""
    parent = catalogue.parent_of(community)
    rec = Recommendation(
        community=community,
        parent=parent,
        reason="",
        join_url=catalogue.join_url(community),
        parent_join_url=catalogue.join_url(parent) if parent else None,
        teams_url=community.teams_url,
    )
    return card(recommendation_section(rec, catalogue.portal.register_url))


# --------------------------------------------------------------------------- text


def card_text(node: Any) -> list[str]:
    """Everything a person reads on a card: texts, facts, and button titles, in order."""
    out: list[str] = []
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "TextBlock" and isinstance(node.get("text"), str):
            out.append(node["text"])
        elif kind == "FactSet":
            out.extend(f"{f.get('title', '')}: {f.get('value', '')}" for f in node.get("facts", []))
        elif isinstance(kind, str) and kind.startswith("Action.") and node.get("title"):
            out.append(str(node["title"]))
            if kind == "Action.OpenUrl" and str(node.get("url", "")).startswith("mailto:"):
                out.append(str(node["url"])[len("mailto:") :].split("?")[0])
        for key, value in node.items():
            if key not in ("data", "text", "facts", "title", "url") and isinstance(
                value, list | dict
            ):
                out.extend(card_text(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(card_text(item))
    return out
