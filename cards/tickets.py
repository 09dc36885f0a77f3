"""Support ticket cards: pure functions from a ``Ticket`` to card dicts and texts (no botbuilder).

- ``ticket_card``: the card in Interact's support channel, with its Universal Actions
  (``Action.Execute``, verbs ``ticket.assign`` / ``ticket.resolve``, data ``ticket`` and
  ``version``: the handler refuses a click on a stale card);
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
from urllib.parse import quote

from bot.tickets.model import Status, Ticket, Turn
from cards.builders import (
    Card,
    Element,
    card,
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
TRANSCRIPT_TURNS = 6  # the last turns of the conversation a ticket card shows
TURN_LIMIT = 200  # characters of one turn
WORD_LIMIT = 40  # characters of one word in a turn (a TextRun does not break long words)
DESCRIPTION_LIMIT = 1500  # characters of the description a card shows
DESCRIPTION_LINES = 25  # lines of the description a card shows (the rest joins the last one)
MAIL_URL_LIMIT = 1800  # characters of a mailto: URL (Windows and some mail clients cut ~2000)

# How a status looks: the label's text and its colour (a container style: the Teams host configs
# give these a light background with dark text, readable in the light and the dark theme alike).
STATUS_LOOK = {
    Status.OPEN: ("Open", "attention"),
    Status.ASSIGNED: ("Assigned", "accent"),
    Status.RESOLVED: ("Resolved", "good"),
}
# The contact a ticket is routed to (its catalogue id), for the support channel and the user.
ROUTE_NAMES = {"tech-support": "Tech support", "communication": "Communication"}
ROUTE_TEAMS = {
    "tech-support": "Interact's tech support",
    "communication": "Interact's communication team",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --------------------------------------------------------------------------- helpers


def _plain(text: str) -> str:
    """``plain`` for a TextRun, with ``${`` and ``{{`` broken by an invisible word joiner: the
    renderer reads ``{{DATE(…)}}`` in a TextRun too, and a card with ``${`` reads as an Adaptive
    Card template to templating hosts and tools (the validator would skip its checks)."""
    return plain(text).replace("${", "$\u2060{").replace("{{", "{\u2060{")


def mail_subject(ticket: Ticket) -> str:
    return f"[{ticket.id}] Interact Communities request"


def when(time: dt.datetime) -> str:
    """``3 Jun 2025, 14:05 UTC`` (a naive time is taken as UTC)."""
    if time.tzinfo is None:
        time = time.replace(tzinfo=dt.UTC)
    time = time.astimezone(dt.UTC)
    return f"{time.day} {_MONTHS[time.month - 1]} {time.year}, {time:%H:%M} UTC"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _route_name(route: str) -> str:
    return ROUTE_NAMES.get(route) or _plain(route.replace("-", " ")).capitalize() or "Interact"


def _team(ticket: Ticket) -> str:
    """Who looks at the ticket, for a TextBlock: "Interact's tech support (tech.support@…)"."""
    team = ROUTE_TEAMS.get(ticket.route, "Interact")
    email = escape(ticket.contact_email)
    return f"{team} ({email})" if email else team


def _listed(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [_plain(i) for i in items if _plain(i)]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _description(text: str, **style: object) -> Element:
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
        items.append(subtle("(no description)"))
    return {"type": "Container", "items": items, **style}


def _short_words(text: str, limit: int = WORD_LIMIT) -> str:
    """Words (links ...) longer than ``limit`` cut with an ellipsis: a TextRun never breaks a
    word, so a long one would run out of the card."""
    return " ".join(_cut(word, limit) for word in text.split(" "))


def _turn(turn: Turn) -> Element:
    who = "User" if turn.who == "user" else "Bot"
    return rich(
        (f"{who}: ", {"weight": "Bolder", "size": "Small"}),
        (
            _cut(_short_words(_plain(turn.text)), TURN_LIMIT),
            {"size": "Small", "isSubtle": turn.who == "bot"},
        ),
        spacing="None",
    )


def _transcript(transcript: Sequence[Turn]) -> list[Element]:
    if not transcript:
        return []
    shown = transcript[-TRANSCRIPT_TURNS:]
    title = "Conversation before the request"
    if len(shown) < len(transcript):
        title += f" (last {len(shown)} of {len(transcript)} messages)"
    return [
        {
            "type": "Container",
            "spacing": "Medium",
            "separator": True,
            "items": [
                text_block(title, weight="Bolder", size="Small"),
                *(_turn(t) for t in shown),
            ],
        }
    ]


def _status_label(status: Status) -> Element:
    """A coloured label: a small container in the status's style, centred in its column."""
    label, style = STATUS_LOOK[status]
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
    action: Element = {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": {"ticket": ticket.id, "version": ticket.version},
    }
    if primary:
        action["style"] = "positive"
    return action


def ticket_actions(ticket: Ticket) -> list[Element]:
    """Open: assign, resolve. Assigned: resolve, take over. Resolved: none."""
    if ticket.status == Status.OPEN:
        return [
            _execute("Assign to me", ASSIGN_VERB, ticket, primary=True),
            _execute("Resolve", RESOLVE_VERB, ticket),
        ]
    if ticket.status == Status.ASSIGNED:
        return [
            _execute("Resolve", RESOLVE_VERB, ticket, primary=True),
            _execute("Assign to me", ASSIGN_VERB, ticket),
        ]
    return []


# --------------------------------------------------------------------------- cards


def ticket_card(ticket: Ticket) -> Card:
    """The card in Interact's support channel: id and status, who, where to, when, the
    description, the last turns before the request, and the buttons for the ticket's status."""
    name = _plain(ticket.user_name)
    email = _plain(ticket.user_email)
    who = " · ".join(x for x in (name, email) if x) or "unknown user"
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
                _status_label(ticket.status),
            ],
        },
        subtle("Support request from the Interact Communities assistant", size="Small"),
        labelled("From", who, spacing="Medium"),
        labelled(
            "For",
            f"{_route_name(ticket.route)} ({_plain(ticket.contact_email)})"
            if ticket.contact_email.strip()
            else _route_name(ticket.route),
            spacing="None",
        ),
        labelled("Created", when(ticket.created_at), spacing="None"),
    ]
    if ticket.status == Status.ASSIGNED:
        body.append(labelled("Assigned to", assignee or "someone", spacing="None"))
    body.append(text_block("Description", weight="Bolder", spacing="Medium"))
    body.append(_description(ticket.description, spacing="Small"))
    body.extend(_transcript(ticket.transcript))
    if ticket.status == Status.RESOLVED:
        by = f"Resolved by {assignee}" if assignee else "Resolved"
        body.append(
            rich(
                (f"✅ {by}", {"weight": "Bolder"}),
                (f" · {when(ticket.updated_at)}", {"isSubtle": True}),
                spacing="Medium",
                separator=True,
            )
        )
    return card(body, ticket_actions(ticket))


def ticket_mailto(ticket: Ticket) -> str:
    """The e-mail to the ticket's contact: subject ``[SUP-0042] Interact Communities request``,
    the body the description (cut to fit ``MAIL_URL_LIMIT``) and the ticket id."""
    description = "\n".join(plain(line) for line in ticket.description.strip().splitlines())
    footer = f"\n\nRequest {ticket.id}, sent from the Interact Communities assistant in Teams."
    shortened = f"… (shortened: the full text is in request {ticket.id})"
    email, subject = ticket.contact_email.strip(), mail_subject(ticket)
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


def ticket_receipt_card(ticket: Ticket, delivered_to: list[str], pending: list[str]) -> Card:
    """The user's card after the escalation: the ticket id, what happens next, where the request
    has arrived and where it is still on its way, the description, and an e-mail button."""
    body: list[Element] = [
        heading(f"Your request {ticket.id}"),
        text_block(
            f"{_team(ticket)} will look at it. You will get a message here when someone takes "
            "it and when it is resolved.",
            spacing="Small",
        ),
    ]
    delivered, waiting = _listed(delivered_to), _listed(pending)
    if delivered:
        body.append(labelled("✅ Delivered to", f"{delivered}.", spacing="Medium"))
    if waiting:
        body.append(
            labelled(
                "⏳ Not delivered yet",
                f"{waiting}. I will keep trying.",
                spacing="Small" if delivered else "Medium",
            )
        )
    if not delivered and not waiting:
        body.append(
            rich(
                (
                    "⏳ Your request is stored and waiting for delivery to Interact. "
                    "I will keep trying.",
                    {},
                ),
                spacing="Medium",
            )
        )
    body.append(text_block("Your description", weight="Bolder", spacing="Medium"))
    body.append(_description(ticket.description, spacing="Small"))
    actions = []
    if ticket.contact_email.strip():
        body.append(
            subtle(
                "To add something (screenshots, your Interact account's e-mail), write to "
                f"{escape(ticket.contact_email)} and mention {ticket.id}.",
                spacing="Medium",
                size="Small",
            )
        )
        actions.append(
            open_url(f"E-mail {plain(ticket.contact_email)}", ticket_mailto(ticket), primary=True)
        )
    return card(body, actions)


# --------------------------------------------------------------------------- text


def ticket_update_text(ticket: Ticket) -> str:
    """The message to the user when their ticket changes (plain text)."""
    who = plain(ticket.assignee) or "Interact's support team"
    if ticket.status == Status.ASSIGNED:
        return f"Your request {ticket.id} was taken by {who}."
    if ticket.status == Status.RESOLVED:
        text = f"Your request {ticket.id} was resolved by {who}."
        if ticket.contact_email.strip():
            text += (
                f" If something is still not working, write to {plain(ticket.contact_email)} "
                f"and mention {ticket.id}."
            )
        return text
    return f"Your request {ticket.id} is open again."
