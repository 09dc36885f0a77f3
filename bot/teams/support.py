"""The support desk at the Teams edge: tickets in, the support channel and the user kept informed.

- ``open_ticket``: store the ticket with its deliveries in one transaction, try them at once,
  and tell the caller the truth about what arrived;
- the senders the delivery worker runs: post the ticket card to the support channel, e-mail it,
  notify the user proactively in their own chat;
- ``on_action``: "Assign to me" / "Resolve" pressed on a ticket card (Action.Execute).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity, ConversationReference

from bot.core.catalogue import Contact
from bot.core.texts import Texts
from bot.tickets.delivery import DeliveryWorker, Sender
from bot.tickets.mail import SmtpConfig, email_sender
from bot.tickets.model import Delivery, Status, Ticket, Turn
from bot.tickets.store.contract import ConflictError, NewTicket, TicketStore
from cards.tickets import ticket_card, ticket_update_text
from dialogs.conversation import card_activity

log = logging.getLogger("interact.support")

SUPPORT_CHANNEL = "support_channel"  # store setting: the channel's conversation reference
VERB_ASSIGN = "ticket.assign"
VERB_RESOLVE = "ticket.resolve"
WHERE = {"channel": "support.where_channel", "email": "support.where_email"}  # text ids


class SupportDesk:
    def __init__(
        self,
        store: TicketStore,
        smtp: SmtpConfig | None,
        app_id: str,
        now: Callable[[], dt.datetime],
        texts: Texts,
        admins: frozenset[str] = frozenset(),
    ) -> None:
        self.store = store
        self.texts = texts  # the support channel's and the notices' language
        self.smtp = smtp
        self.app_id = app_id
        self.now = now
        self.admins = admins
        self.adapter: BotAdapter | None = None  # attached by the composition root
        senders: dict[str, Sender] = {"channel": self.post_to_channel, "notify": self.notify}
        if smtp:
            senders["email"] = email_sender(smtp)
        self.worker = DeliveryWorker(store, senders, owner=f"desk-{uuid.uuid4().hex[:8]}", now=now)

    def attach(self, adapter: BotAdapter) -> None:
        self.adapter = adapter

    # ------------------------------------------------------------------ tickets

    async def open_ticket(
        self,
        turn_context: TurnContext,
        contact: Contact,
        description: str,
        transcript: list[Turn],
    ) -> tuple[Ticket, list[str], list[str]]:
        """Store a ticket and try its deliveries now: (ticket, delivered to, still pending)."""
        activity = turn_context.activity
        user = activity.from_property
        email = await self._user_email(turn_context)
        reference = TurnContext.get_conversation_reference(activity).serialize()
        deliveries: list[tuple[str, dict[str, Any]]] = [("channel", {})]
        if self.smtp:
            deliveries.append(("email", {}))
        new = NewTicket(
            route=contact.id,
            contact_email=contact.email,
            description=description,
            user_name=(user.name or "") if user else "",
            user_aad_id=(user.aad_object_id or "") if user else "",
            user_email=email,
            transcript=transcript,
            conversation_reference=reference,
            deliveries=deliveries,
        )
        ticket = await asyncio.to_thread(self.store.create_ticket, new, self.now())
        log.info("ticket %s opened (route %s)", ticket.id, ticket.route)
        arrived = await self.worker.deliver_ticket(ticket.id)
        where = {k: self.texts.get(WHERE[k], email=contact.email) for k in arrived}
        delivered = [where[k] for k, ok in arrived.items() if ok]
        pending = [where[k] for k, ok in arrived.items() if not ok]
        return ticket, delivered, pending

    async def _user_email(self, turn_context: TurnContext) -> str:
        """The user's e-mail or UPN from the Teams roster, when Teams can tell."""
        user = turn_context.activity.from_property
        if turn_context.activity.channel_id != "msteams" or not user or not user.id:
            return ""
        try:
            member = await asyncio.wait_for(TeamsInfo.get_member(turn_context, user.id), 5)
        except Exception:  # a roster that is unreachable costs the e-mail, not the ticket
            log.info("no roster entry for the user: the ticket goes without e-mail")
            return ""
        return str(getattr(member, "email", "") or getattr(member, "user_principal_name", "") or "")

    # ------------------------------------------------------------------ senders

    async def _proactive(
        self, reference: dict[str, Any], logic: Callable[[TurnContext], Awaitable[None]]
    ) -> None:
        if self.adapter is None:
            raise RuntimeError("no adapter attached for proactive messages")
        ref = ConversationReference().deserialize(reference)
        errors: list[Exception] = []

        async def guarded(turn_context: TurnContext) -> None:
            # A failure here is the delivery's (retried later), not a turn error: the adapter's
            # error handler would post an apology into the support channel.
            try:
                await logic(turn_context)
            except Exception as exc:
                errors.append(exc)

        await self.adapter.continue_conversation(ref, guarded, self.app_id)
        if errors:
            raise errors[0]

    async def post_to_channel(self, delivery: Delivery, ticket: Ticket) -> None:
        channel = await asyncio.to_thread(self.store.get_setting, SUPPORT_CHANNEL)
        if not channel:
            raise LookupError(
                "no support channel yet: type “use this channel for support” in a team channel"
            )
        posted: list[str] = []

        async def post(turn_context: TurnContext) -> None:
            response = await turn_context.send_activity(
                card_activity(ticket_card(ticket, self.texts))
            )
            posted.append(response.id if response and response.id else "")

        await self._proactive(channel, post)
        await asyncio.to_thread(
            lambda: self.store.update_ticket(
                ticket.id, now=self.now(), channel_activity_id=(posted or [""])[0] or None
            )
        )

    async def notify(self, delivery: Delivery, ticket: Ticket) -> None:
        text = str(delivery.payload.get("text") or ticket_update_text(ticket, self.texts))

        async def say(turn_context: TurnContext) -> None:
            # Plain text: names in it come from Teams and must not be read as markdown.
            await turn_context.send_activity(
                Activity(type="message", text=text, text_format="plain")
            )

        await self._proactive(ticket.conversation_reference, say)

    # ------------------------------------------------------------------ the support channel

    async def use_channel(self, turn_context: TurnContext) -> str:
        """An admin's "use this channel for support": remember this channel for new tickets."""
        activity = turn_context.activity
        if (activity.conversation.conversation_type or "") != "channel":
            return self.texts.get("support.channel_only")
        user = activity.from_property
        if self.admins and (not user or (user.aad_object_id or "") not in self.admins):
            return self.texts.get("support.admins_only")
        reference = TurnContext.get_conversation_reference(activity).serialize()
        # Post new tickets as new messages in the channel, not as replies in this thread.
        conversation = dict(reference.get("conversation") or {})
        conversation["id"] = str(conversation.get("id", "")).split(";messageid=")[0]
        reference["conversation"] = conversation
        reference.pop("activityId", None)
        await asyncio.to_thread(self.store.set_setting, SUPPORT_CHANNEL, reference)
        waiting = len(await asyncio.to_thread(self.store.pending))
        self.worker.wake()
        done = self.texts.get("support.channel_set")
        if not waiting:
            return done
        return f"{done} {self.texts.get('support.channel_waiting', count=waiting)}"

    # ------------------------------------------------------------------ card actions

    async def on_action(
        self, turn_context: TurnContext, verb: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Assign or resolve; return the ticket's card as it is now (for everyone)."""
        ticket_id = str(data.get("ticket") or "")
        version = data.get("version")
        user = turn_context.activity.from_property
        who = (user.name if user else "") or "a support agent"
        status = {VERB_ASSIGN: Status.ASSIGNED, VERB_RESOLVE: Status.RESOLVED}.get(verb)
        current = await asyncio.to_thread(self.store.get_ticket, ticket_id)
        if current is None or status is None:
            raise LookupError(f"unknown ticket or action: {ticket_id!r} {verb!r}")
        try:
            ticket = await asyncio.to_thread(
                lambda: self.store.update_ticket(
                    ticket_id,
                    now=self.now(),
                    expected_version=int(version) if version is not None else None,
                    status=status,
                    assignee=who,
                )
            )
        except ConflictError:
            # Someone else pressed first: show them the card as it is now, change nothing.
            ticket = current
        else:
            await asyncio.to_thread(
                lambda: self.store.enqueue(
                    ticket.id,
                    "notify",
                    {"text": ticket_update_text(ticket, self.texts)},
                    self.now(),
                )
            )
            self.worker.wake()
        card = ticket_card(ticket, self.texts)
        reply_to = turn_context.activity.reply_to_id
        if reply_to:  # the invoke response updates the presser's view; this updates everyone's
            update = card_activity(card)
            update.id = reply_to
            try:
                await turn_context.update_activity(update)
            except Exception:
                log.warning("could not update the ticket card %s for everyone", ticket.id)
        return card
