"""Support tickets as plain values: the ticket, its transcript, its pending deliveries.

Pure: no botbuilder and no database. ``bot.tickets.store`` keeps these values durable; the
dialogs, the delivery worker and ``python -m bot tickets`` read and show them.

A ticket is identified by a short readable id, ``SUP-0042``, made from its number (4 digits at
least, more when needed). Deliveries (the post in the support channel, the e-mail to the contact,
the note back to the user) are retried with ``backoff`` until they succeed.

The user's description is stored as typed; every place that shows it escapes it for its medium:
``printable`` for a terminal, ``write_csv`` against spreadsheet formulas (cards and mail escape
their own way).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TextIO

from bot.core.text import spreadsheet_cell

ID_PREFIX = "SUP"
KINDS = ("channel", "email", "notify")
WHO = ("user", "bot")
BACKOFF_BASE = dt.timedelta(seconds=5)
BACKOFF_CAP = dt.timedelta(minutes=15)
DESCRIPTION_LIMIT = 4000  # characters of a description a ticket keeps (and mails)

_ID = re.compile(r"^\s*(?:sup\s*[-_#:\u2010-\u2015]?\s*|#\s*)?0*([0-9]+)\s*$", re.IGNORECASE)
MAX_NUMBER = 10**12 - 1  # a ticket number has 12 digits at most (SQLite's integers hold 18)
# Bidirectional overrides and isolates: they can make a terminal show text in another order.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


class Status(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"


# --------------------------------------------------------------------------- ids


def format_id(number: int) -> str:
    """``42`` -> ``"SUP-0042"`` (4 digits at least, more when needed)."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"a ticket number is a whole number from 1, not {number!r}")
    return f"{ID_PREFIX}-{number:04d}"


def parse_id(text: object) -> int | None:
    """The number in a ticket id, or None: ``"SUP-0042"``, ``"sup 42"``, ``"sup42"``,
    ``"SUP_42"``, ``"#42"`` and ``"42"`` all give 42 (case and surrounding space ignored);
    a number past ``MAX_NUMBER`` is no ticket's."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 1 <= text <= MAX_NUMBER else None
    if not isinstance(text, str):
        return None
    match = _ID.match(text)
    if not match or len(match.group(1)) > len(str(MAX_NUMBER)):
        return None
    number = int(match.group(1))
    return number if number >= 1 else None


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Turn:
    """One line of the conversation before the escalation, kept for context."""

    who: str  # "user" or "bot"
    text: str
    time: str  # ISO 8601

    def __post_init__(self) -> None:
        if self.who not in WHO:
            raise ValueError(f"Turn.who must be 'user' or 'bot', not {self.who!r}")

    def to_json(self) -> dict[str, str]:
        return {"who": self.who, "text": self.text, "time": self.time}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Turn:
        return cls(who=str(data["who"]), text=str(data["text"]), time=str(data["time"]))


@dataclass(frozen=True)
class Ticket:
    id: str  # "SUP-0042"
    number: int
    route: str  # the contact's id in the catalogue, e.g. "tech-support"
    contact_email: str
    description: str  # as the user typed it: escape it where it is shown
    user_name: str
    user_aad_id: str
    user_email: str  # e-mail or UPN
    transcript: tuple[Turn, ...]
    created_at: dt.datetime
    updated_at: dt.datetime
    status: Status
    assignee: str
    conversation_reference: dict[str, Any] = field(hash=False)  # JSON-compatible
    channel_activity_id: str | None
    version: int  # bumped when the status or the assignee change (optimistic concurrency)
    # When its personal data was erased (the user's request, or the retention period): the
    # description then holds a note saying so, and nothing about the ticket is sent any more.
    erased_at: dt.datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """Everything, as JSON-compatible values (times in ISO 8601)."""
        return {
            "id": self.id,
            "number": self.number,
            "status": str(self.status),
            "route": self.route,
            "contact_email": self.contact_email,
            "description": self.description,
            "user_name": self.user_name,
            "user_aad_id": self.user_aad_id,
            "user_email": self.user_email,
            "assignee": self.assignee,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "transcript": [t.to_json() for t in self.transcript],
            "conversation_reference": self.conversation_reference,
            "channel_activity_id": self.channel_activity_id,
            "version": self.version,
            "erased_at": self.erased_at.isoformat() if self.erased_at else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ticket:
        number = int(data["number"])
        return cls(
            id=format_id(number),
            number=number,
            route=str(data["route"]),
            contact_email=str(data["contact_email"]),
            description=str(data["description"]),
            user_name=str(data["user_name"]),
            user_aad_id=str(data["user_aad_id"]),
            user_email=str(data["user_email"]),
            transcript=tuple(Turn.from_json(t) for t in data["transcript"]),
            created_at=dt.datetime.fromisoformat(str(data["created_at"])),
            updated_at=dt.datetime.fromisoformat(str(data["updated_at"])),
            status=Status(data["status"]),
            assignee=str(data.get("assignee") or ""),
            conversation_reference=dict(data["conversation_reference"]),
            channel_activity_id=data.get("channel_activity_id"),
            version=int(data["version"]),
            erased_at=(
                dt.datetime.fromisoformat(str(data["erased_at"])) if data.get("erased_at") else None
            ),
        )


@dataclass(frozen=True)
class Delivery:
    """One thing to send for a ticket, retried with ``backoff`` until it is done."""

    id: int
    ticket_id: str  # "SUP-0042"
    kind: str  # "channel" | "email" | "notify"
    payload: dict[str, Any] = field(hash=False)
    attempts: int  # failed attempts so far
    next_attempt_at: dt.datetime
    done_at: dt.datetime | None
    last_error: str
    lease_owner: str | None = None  # the worker that claimed it, while its lease runs
    lease_until: dt.datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class Reach:
    """What takes a new ticket to Interact by itself, as configured now: a support channel
    (staff take the ticket there, and the user is told in their chat when they do) and e-mail
    (SMTP). With neither, the user has to send the e-mail themselves."""

    channel: bool = False
    email: bool = False

    @property
    def automatic(self) -> bool:
        return self.channel or self.email


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after ``attempts`` failed attempts: 0 before any, then 5 s, 10 s, 20 s,
    40 s ... doubling up to 15 minutes. No jitter: the same input always gives the same wait."""
    if attempts <= 0:
        return dt.timedelta(0)
    if attempts > 20:  # 5 s * 2**19 is far past the cap already
        return BACKOFF_CAP
    return min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_CAP)


# --------------------------------------------------------------------------- showing


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` safe for a terminal: control characters (escape sequences, carriage returns,
    bells ...) and bidirectional overrides become visible ``\\x1b`` / ``\\u202e`` escapes."""
    out: list[str] = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in _BIDI or unicodedata.category(ch) == "Cc":
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class TicketQuota:
    """How many tickets may be opened a day (UTC): by one user, by one tenant (0: no limit)."""

    per_user: int = 5
    per_tenant: int = 100

    def counters(self, user: str, tenant: str, day: dt.date) -> list[tuple[str, int]]:
        """The store's quota counters (key, limit) a new ticket counts against."""
        wanted = [("user", user, self.per_user), ("tenant", tenant, self.per_tenant)]
        return [(f"{kind}:{who}:{day.isoformat()}", n) for kind, who, n in wanted if who and n]


class QuotaExceeded(Exception):
    """No ticket was opened: the user or their tenant is at today's limit (``quota``)."""

    def __init__(self, quota: TicketQuota) -> None:
        super().__init__(
            f"ticket quota reached ({quota.per_user} a user, {quota.per_tenant} a tenant a day)"
        )
        self.quota = quota


def capped_description(text: str, limit: int = DESCRIPTION_LIMIT) -> tuple[str, bool]:
    """The description a ticket keeps: at most ``limit`` characters, the cut marked with an
    ellipsis; and whether it was cut (the user is then told)."""
    if len(text) <= limit:
        return text, False
    return text[: limit - 1].rstrip() + "…", True


def one_line(text: str, width: int = 60) -> str:
    """A single printable line, cut to ``width`` characters with an ellipsis."""
    line = printable(" ".join(text.split()))
    return line if len(line) <= width else line[: max(width - 1, 0)] + "…"


def transcript_text(transcript: Iterable[Turn]) -> str:
    return "\n".join(f"{t.time} {t.who}: {t.text}" for t in transcript)


CSV_COLUMNS = (
    "id",
    "status",
    "created_at",
    "updated_at",
    "route",
    "contact_email",
    "user_name",
    "user_email",
    "user_aad_id",
    "assignee",
    "description",
    "transcript",
    "channel_activity_id",
    "version",
)


def write_csv(tickets: Iterable[Ticket], out: TextIO) -> int:
    """One row per ticket (``CSV_COLUMNS``); every cell is protected against spreadsheet
    formulas (a leading = + - @ gets a ' prefix) and control characters other than line breaks
    are shown as escapes (``printable``). Returns the number of tickets written."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    n = 0
    for ticket in tickets:
        row = {
            **ticket.to_json(),
            "transcript": transcript_text(ticket.transcript),
            "channel_activity_id": ticket.channel_activity_id or "",
        }
        writer.writerow(
            [spreadsheet_cell(printable(str(row[c]), keep_newlines=True)) for c in CSV_COLUMNS]
        )
        n += 1
    return n


def write_json(tickets: Iterable[Ticket], out: TextIO) -> int:
    """The full tickets as one JSON array (control characters and bidirectional overrides
    escaped as ``\\uXXXX``). Returns the number of tickets written."""
    items = [t.to_json() for t in tickets]
    text = json.dumps(items, ensure_ascii=False, indent=2)
    out.write("".join(f"\\u{ord(ch):04x}" if ch in _BIDI else ch for ch in text) + "\n")
    return len(items)
