"""What the dialogs need from the rest of the bot, as ports: the composition root (app.py) passes
the implementations (``bot.teams.support.SupportDesk`` for ``TicketDesk``), so the dialogs never
import the Teams edge."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from botbuilder.core import TurnContext

from bot.core.catalogue import Contact
from bot.tickets.model import Reach, Ticket, Turn


class TicketDesk(Protocol):
    async def open_ticket(
        self,
        turn_context: TurnContext,
        contact: Contact,
        description: str,
        transcript: list[Turn],
        language: str = "",
        key: str = "",
    ) -> tuple[Ticket, list[str], list[str]]:
        """Store a ticket and try its deliveries: (ticket, the kinds of delivery done, those
        still pending: "channel", "email");
        ``language``: the user's, for the notices about the ticket. The same ``key`` again
        gives the ticket it opened, not a new one. QuotaExceeded: the user or their tenant has
        opened as many as a day allows; nothing was stored."""
        ...

    async def reach(self) -> Reach:
        """What takes a new ticket to Interact by itself: a support channel (if one is chosen)
        and e-mail (if SMTP is configured). Without either, the user has to send the e-mail."""
        ...


# Save the conversation's state now, in the middle of a turn (before a side effect that must not
# be repeated by a turn that runs again after a crash): bot.teams.storage.save_now.
SaveState = Callable[[TurnContext], Awaitable[None]]


@dataclass(frozen=True)
class Erased:
    """What "forget me" erased: the profile, the private memory of how many chats, the personal
    data of which tickets."""

    profile: bool
    chats: int
    tickets: tuple[str, ...]

    @property
    def anything(self) -> bool:
        return self.profile or self.chats > 0 or bool(self.tickets)


class UserDataEraser(Protocol):
    async def erase(self, turn_context: TurnContext, note: str) -> Erased:
        """Erase everything kept about this turn's user (every chat's private state, profile,
        the personal data of their tickets, replaced by ``note``); what was erased."""
        ...
