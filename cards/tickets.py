"""Support ticket cards: pure functions from a ``Ticket`` to card dicts and texts (no botbuilder).

- ``ticket_card``: the card in Interact's support channel, with its Universal Actions
  (``Action.Execute``, verbs ``ticket.assign`` / ``ticket.resolve``, data ``ticket`` and
  ``version``: the handler refuses a click on a stale card), and ``read_ticket_action``, which
  checks what such a click sends back before anything looks it up;
- ``ticket_receipt_card``: the user's card after the escalation, telling the truth about where
  the request has arrived so far, with an e-mail button prefilled with the request;
- ``ticket_update_text``: the message the user gets when the ticket is taken, resolved or reopened.

User text is inert everywhere: the description goes line by line into TextBlocks through
``escape`` (so long links still wrap); names, e-mails, the assignee, the transcript and the
delivery places go into TextRuns (never read as markdown) through ``plain``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bot.core.texts import Texts, listed
from bot.tickets.model import Reach, Status, Ticket, Turn, format_id, parse_id
from cards.builders import (
    Card,
    Element,
    card,
    contact_text,
    escape,
    heading,
    labelled,
    mailto,
    open_url,
    plain,
    rich,
    subtle,
    text_block,
)

ASSIGN_VERB = "ticket.assign"
RESOLVE_VERB = "ticket.resolve"
TICKET_ACTION = "ticket"  # the ``action`` of the Action.Submit fallback's data
TRANSCRIPT_TURNS = 6  # the last turns of the conversation a ticket card shows
TURN_LIMIT = 200  # characters of one turn
WORD_LIMIT = 40  # characters of one word in a turn (a TextRun does not break long words)
DESCRIPTION_LIMIT = 1500  # characters of the description a card shows
DESCRIPTION_LINES = 25  # lines of the description a card shows (the rest joins the last one)
MAIL_URL_LIMIT = 1800  # characters of a mailto: URL (Windows and some mail clients cut ~2000)

# How a status looks: its label's text id and its colour (a container style: the Teams host
# configs give these a light background with dark text, readable in the light and the dark theme).
STATUS_LOOK = {
    Status.OPEN: ("ticket.status_open", "attention"),
    Status.ASSIGNED: ("ticket.status_assigned", "accent"),
    Status.RESOLVED: ("ticket.status_resolved", "good"),
}


# --------------------------------------------------------------------------- helpers


def _plain(text: str) -> str:
    """``plain`` for a TextRun, with ``${`` and ``{{`` broken by an invisible word joiner: the
    renderer reads ``{{DATE(…)}}`` in a TextRun too, and a card with ``${`` reads as an Adaptive
    Card template to templating hosts and tools (the validator would skip its checks)."""
    return plain(text).replace("${", "$\u2060{").replace("{{", "{\u2060{")


def mail_subject(ticket: Ticket, texts: Texts) -> str:
    return texts.get("ticket.mail_subject", id=ticket.id)


def when(time: dt.datetime) -> str:
    """``2025-06-03 14:05 UTC``: the same in every language, as in the e-mail and in
    ``bot tickets`` (a naive time is taken as UTC)."""
    if time.tzinfo is None:
        time = time.replace(tzinfo=dt.UTC)
    return f"{time.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _route_name(route: str, texts: Texts) -> str:
    text_id = f"contact.{route}.name"
    if text_id in texts:
        return texts.get(text_id)
    return _plain(route.replace("-", " ")).capitalize() or texts.get("contact.default.team")


def _team(ticket: Ticket, texts: Texts) -> str:
    """Who looks at the ticket, for a TextBlock: "Interact's tech support (tech.support@…)"."""
    team = contact_text(texts, ticket.route, "team")
    email = escape(ticket.contact_email)
    return texts.get("receipt.team_with_email", team=team, email=email) if email else team


def _listed(items: Sequence[str], texts: Texts) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return listed([_plain(i) for i in items if _plain(i)], texts)


def _description(text: str, texts: Texts, **style: object) -> Element:
    """The description as typed, line by line: each line an escaped TextBlock (markdown inert,
    and long words such as links wrap), blank lines kept as gaps."""
    lines = [escape(line) for line in _cut(text.strip(), DESCRIPTION_LIMIT).splitlines()]
    if len(lines) > DESCRIPTION_LINES:
        lines[DESCRIPTION_LINES - 1 :] = [" ".join(lines[DESCRIPTION_LINES - 1 :])]
    items: list[Element] = []
    gap = False
    for line in lines:
        if not line:
            gap = bool(items)
            continue
        items.append(text_block(line, spacing="Small" if gap else "None"))
        gap = False
    if not items:
        items.append(subtle(texts.get("ticket.no_description")))
    return {"type": "Container", "items": items, **style}


def _short_words(text: str, limit: int = WORD_LIMIT) -> str:
    """Words (links ...) longer than ``limit`` cut with an ellipsis: a TextRun never breaks a
    word, so a long one would run out of the card."""
    return " ".join(_cut(word, limit) for word in text.split(" "))


def _turn(turn: Turn, texts: Texts) -> Element:
    who = texts.get("ticket.user" if turn.who == "user" else "ticket.bot")
    return rich(
        (f"{who}: ", {"weight": "Bolder", "size": "Small"}),
        (
            _cut(_short_words(_plain(turn.text)), TURN_LIMIT),
            {"size": "Small", "isSubtle": turn.who == "bot"},
        ),
        spacing="None",
    )


def _transcript(transcript: Sequence[Turn], texts: Texts) -> list[Element]:
    if not transcript:
        return []
    shown = transcript[-TRANSCRIPT_TURNS:]
    title = texts.get("ticket.transcript")
    if len(shown) < len(transcript):
        title = texts.get("ticket.transcript_last", shown=len(shown), total=len(transcript))
    return [
        {
            "type": "Container",
            "spacing": "Medium",
            "separator": True,
            "items": [
                text_block(title, weight="Bolder", size="Small"),
                *(_turn(t, texts) for t in shown),
            ],
        }
    ]


def _status_label(status: Status, texts: Texts) -> Element:
    """A coloured label: a small container in the status's style, centred in its column."""
    label_id, style = STATUS_LOOK[status]
    label = texts.get(label_id)
    return {
        "type": "Column",
        "width": "auto",
        "verticalContentAlignment": "Center",
        "items": [
            {
                "type": "Container",
                "style": style,
                "items": [text_block(label.upper(), weight="Bolder", size="Small")],
            }
        ],
    }


def _execute(title: str, verb: str, ticket: Ticket, *, primary: bool = False) -> Element:
    """A universal action (``Action.Execute``), with an ``Action.Submit`` fallback for clients
    without universal actions: it sends the same verb and data as a message."""
    data = {"ticket": ticket.id, "version": ticket.version}
    action: Element = {"type": "Action.Execute", "title": title, "verb": verb, "data": data}
    fallback: Element = {
        "type": "Action.Submit",
        "title": title,
        "data": {"action": TICKET_ACTION, "verb": verb, **data},
    }
    if primary:
        action["style"] = fallback["style"] = "positive"
    action["fallback"] = fallback
    return action


MAX_VERSION = 2**31 - 1  # a ticket's version counts its changes


@dataclass(frozen=True)
class TicketAction:
    """A ticket card's button as pressed: what to do, to which ticket, seen at which version."""

    status: Status  # the status the button asks for
    ticket_id: str  # "SUP-0042"
    version: int


ACTION_STATUS = {ASSIGN_VERB: Status.ASSIGNED, RESOLVE_VERB: Status.RESOLVED}


def read_ticket_action(verb: object, data: Any) -> TicketAction:
    """The action a ticket card's ``Action.Execute`` sent (``verb``, ``data``), checked: a verb
    of these cards, a ticket id, and the version the card showed (a whole number); else
    ValueError with a message for the caller."""
    status = ACTION_STATUS.get(verb) if isinstance(verb, str) else None
    if status is None:
        raise ValueError(f"unknown action: the verbs are {ASSIGN_VERB} and {RESOLVE_VERB}")
    if not isinstance(data, dict):
        raise ValueError("the action's data must be an object with ticket and version")
    number = parse_id(data.get("ticket")) if isinstance(data.get("ticket"), str) else None
    if number is None:
        raise ValueError("data.ticket must be a ticket id such as SUP-0042")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValueError("data.version must be the whole number the ticket card shows")
    if not 0 <= version <= MAX_VERSION:
        raise ValueError(f"data.version must be between 0 and {MAX_VERSION}")
    return TicketAction(status, format_id(number), version)


def ticket_actions(ticket: Ticket, texts: Texts) -> list[Element]:
    """Open: assign, resolve. Assigned: resolve, take over. Resolved: none."""
    assign, resolve = texts.get("ticket.assign"), texts.get("ticket.resolve")
    if ticket.status == Status.OPEN:
        return [
            _execute(assign, ASSIGN_VERB, ticket, primary=True),
            _execute(resolve, RESOLVE_VERB, ticket),
        ]
    if ticket.status == Status.ASSIGNED:
        return [
            _execute(resolve, RESOLVE_VERB, ticket, primary=True),
            _execute(assign, ASSIGN_VERB, ticket),
        ]
    return []


# --------------------------------------------------------------------------- cards


def ticket_card(ticket: Ticket, texts: Texts) -> Card:
    """The card in Interact's support channel: id and status, who, where to, when, the
    description, the last turns before the request, and the buttons for the ticket's status."""
    name = _plain(ticket.user_name)
    email = _plain(ticket.user_email)
    who = " · ".join(x for x in (name, email) if x) or texts.get("ticket.unknown_user")
    assignee = _plain(ticket.assignee)
    body: list[Element] = [
        {
            "type": "ColumnSet",
            "columns": [
                {
                    "type": "Column",
                    "width": "stretch",
                    "verticalContentAlignment": "Center",
                    "items": [text_block(ticket.id, size="Large", weight="Bolder")],
                },
                _status_label(ticket.status, texts),
            ],
        },
        subtle(texts.get("ticket.from_assistant"), size="Small"),
        labelled(texts.get("ticket.from"), who, spacing="Medium"),
        labelled(
            texts.get("ticket.for"),
            f"{_route_name(ticket.route, texts)} ({_plain(ticket.contact_email)})"
            if ticket.contact_email.strip()
            else _route_name(ticket.route, texts),
            spacing="None",
        ),
        labelled(texts.get("ticket.created"), when(ticket.created_at), spacing="None"),
    ]
    if ticket.status == Status.ASSIGNED:
        body.append(
            labelled(
                texts.get("ticket.assigned_to"),
                assignee or texts.get("ticket.someone"),
                spacing="None",
            )
        )
    body.append(text_block(texts.get("ticket.description"), weight="Bolder", spacing="Medium"))
    body.append(_description(ticket.description, texts, spacing="Small"))
    body.extend(_transcript(ticket.transcript, texts))
    if ticket.status == Status.RESOLVED:
        by = (
            texts.get("ticket.resolved_by", name=assignee)
            if assignee
            else texts.get("ticket.resolved")
        )
        body.append(
            rich(
                (by, {"weight": "Bolder"}),
                (f" · {when(ticket.updated_at)}", {"isSubtle": True}),
                spacing="Medium",
                separator=True,
            )
        )
    return card(body, ticket_actions(ticket, texts))


def ticket_mailto(ticket: Ticket, texts: Texts) -> str:
    """The e-mail to the ticket's contact: subject ``[SUP-0042] Interact Communities request``,
    the body the description (cut to fit ``MAIL_URL_LIMIT``) and the ticket id."""
    description = "\n".join(plain(line) for line in ticket.description.strip().splitlines())
    footer = "\n\n" + texts.get("ticket.mail_footer", id=ticket.id)
    shortened = texts.get("ticket.mail_shortened", id=ticket.id)
    email, subject = ticket.contact_email.strip(), mail_subject(ticket, texts)
    url = mailto(email, subject, description + footer)
    if len(url) <= MAIL_URL_LIMIT:
        return url
    budget = MAIL_URL_LIMIT - len(mailto(email, subject, shortened + footer))
    used = 0
    for end, ch in enumerate(description):
        used += len(quote("\r\n" if ch == "\n" else ch, safe=""))
        if used > budget:
            description = description[:end].rstrip()
            break
    return mailto(email, subject, description + shortened + footer)


WHERE = {"channel": "support.where_channel", "email": "support.where_email"}  # text ids


def _places(kinds: Sequence[str], reach: Reach, ticket: Ticket, texts: Texts) -> str:
    """The configured places among these delivery kinds, named in the reader's language ("a",
    "a and b"); a support channel's delivery that waits for a channel to be chosen is none."""
    configured = {"channel": reach.channel, "email": reach.email}
    names = [
        texts.get(WHERE[k], email=ticket.contact_email) for k in kinds if configured.get(k, False)
    ]
    return _listed(names, texts)


def ticket_receipt_card(
    ticket: Ticket,
    delivered: Sequence[str],
    pending: Sequence[str],
    texts: Texts,
    reach: Reach,
) -> Card:
    """The user's card after the escalation: the ticket id, what happens next as configured
    (``reach``), where the request has arrived and where it is still on its way (``delivered``
    and ``pending``: kinds of delivery, "channel" and "email"), the description, and an e-mail
    button prefilled with the request.

    - A support channel: staff take the ticket there, and the user is told here when they do.
    - E-mail only: it says whether the e-mail went to the contact; nobody takes the ticket in
      Teams, so no message here is promised.
    - Neither: nothing reaches Interact by itself, so it promises nothing (no "I will keep
      trying", no "you will get a message here"); the prefilled e-mail is its main action.
    """
    team = _team(ticket, texts)
    body: list[Element] = [heading(texts.get("receipt.title", id=ticket.id))]
    if not reach.automatic:
        body.append(
            text_block(texts.get("receipt.manual", team=team, id=ticket.id), spacing="Small")
        )
        return _receipt_end(ticket, texts, body)
    if not reach.channel:
        sent = "email" in delivered
        line = texts.get("receipt.emailed" if sent else "receipt.email_waiting", team=team)
        body.append(text_block(line, spacing="Small"))
        return _receipt_end(ticket, texts, body)
    body.append(text_block(texts.get("receipt.next", team=team), spacing="Small"))
    arrived, waiting = (
        _places(delivered, reach, ticket, texts),
        _places(pending, reach, ticket, texts),
    )
    if arrived:
        body.append(
            labelled(
                texts.get("receipt.delivered"),
                texts.get("receipt.places", places=arrived),
                spacing="Medium",
            )
        )
    if waiting:
        body.append(
            labelled(
                texts.get("receipt.not_delivered"),
                texts.get("receipt.keep_trying", places=waiting),
                spacing="Small" if arrived else "Medium",
            )
        )
    if not arrived and not waiting:
        body.append(rich((texts.get("receipt.stored"), {}), spacing="Medium"))
    return _receipt_end(ticket, texts, body)


def _receipt_end(ticket: Ticket, texts: Texts, body: list[Element]) -> Card:
    """The receipt's description and its e-mail to the contact (prefilled with the request)."""
    body.append(
        text_block(texts.get("receipt.your_description"), weight="Bolder", spacing="Medium")
    )
    body.append(_description(ticket.description, texts, spacing="Small"))
    actions = []
    if ticket.contact_email.strip():
        body.append(
            subtle(
                texts.get("receipt.add_more", email=escape(ticket.contact_email), id=ticket.id),
                spacing="Medium",
                size="Small",
            )
        )
        actions.append(
            open_url(
                texts.get("receipt.email_button", email=plain(ticket.contact_email)),
                ticket_mailto(ticket, texts),
                primary=True,
            )
        )
    return card(body, actions)


# --------------------------------------------------------------------------- text


def ticket_update_text(ticket: Ticket, texts: Texts) -> str:
    """The message to the user when their ticket changes (plain text)."""
    who = plain(ticket.assignee) or texts.get("ticket.support_team")
    if ticket.status == Status.ASSIGNED:
        return texts.get("ticket.update_taken", id=ticket.id, name=who)
    if ticket.status == Status.RESOLVED:
        text = texts.get("ticket.update_resolved", id=ticket.id, name=who)
        if ticket.contact_email.strip():
            email = plain(ticket.contact_email)
            text += " " + texts.get("ticket.update_resolved_more", email=email, id=ticket.id)
        return text
    return texts.get("ticket.update_reopened", id=ticket.id)
