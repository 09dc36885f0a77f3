"""The support desk at the Teams edge: tickets in, the support channel and the user kept informed.

- ``open_ticket``: store the ticket with its deliveries in one transaction, try them at once,
  and tell the caller the truth about what arrived;
- the senders the delivery worker runs: post the ticket card to the support channel, e-mail it,
  notify the user proactively in their own chat;
- ``use_channel``: a support admin's "use this channel for support" (refused while no admin is
  configured); the channel is remembered with its team and tenant;
- ``on_action``: "Assign to me" / "Resolve" pressed on a ticket card (Action.Execute), taken
  only in the support channel (same conversation, team and tenant) from someone on the staff
  list (admins and agents); anything else is refused without showing the ticket and logged as a
  security event (logger ``interact.security``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity, ConversationReference

from bot.assistant import AssistantHolder, ReloadError, ReloadNotShared
from bot.core.catalogue import Contact
from bot.core.texts import TextBook, Texts
from bot.ops.pools import Pool
from bot.ops.telemetry import Telemetry
from bot.tickets.delivery import DeliveryWorker, Retention, Sender
from bot.tickets.mail import SmtpConfig, email_sender
from bot.tickets.model import Delivery, QuotaExceeded, Reach, Ticket, TicketQuota, Turn
from bot.tickets.store.contract import ConflictError, NewTicket, TicketStore, TicketUpdate
from cards.tickets import TicketAction, ticket_card, ticket_update_text
from dialogs.conversation import card_activity, turn_assistant

log = logging.getLogger("interact.support")
security = logging.getLogger("interact.security")  # refusals an operator should look at

# Store setting: {"reference": the channel's conversation reference, "team_id", "tenant_id"}
# (before: the reference alone, which still reads, without a team).
SUPPORT_CHANNEL = "support_channel"


@dataclass(frozen=True)
class Place:
    """Where an activity comes from: its conversation (a channel's id without the thread's
    ``;messageid=``), team and tenant (lower case; empty when unknown or ambiguous)."""

    conversation_id: str
    team_id: str
    tenant_id: str

    def same(self, other: Place) -> bool:
        """The same channel of the same team in the same tenant, all three known."""
        return all((self.conversation_id, self.team_id, self.tenant_id)) and self == other


def _get(value: object, key: str, attr: str) -> object:
    return value.get(key) if isinstance(value, dict) else getattr(value, attr, None)


def place_of(activity: Activity) -> Place:
    conversation = activity.conversation
    conversation_id = str(getattr(conversation, "id", "") or "").split(";messageid=")[0]
    data = activity.channel_data
    team_id = _get(_get(data, "team", "team"), "id", "id")
    tenants = {
        t.strip().lower()
        for t in (
            _get(_get(data, "tenant", "tenant"), "id", "id"),
            getattr(conversation, "tenant_id", None),  # "tenantID" in the SDK's model ...
            (getattr(conversation, "additional_properties", None) or {}).get("tenantId"),  # Teams'
        )
        if isinstance(t, str) and t.strip()
    }
    return Place(
        conversation_id,
        team_id.strip() if isinstance(team_id, str) else "",
        tenants.pop() if len(tenants) == 1 else "",  # two different tenants: neither
    )


@dataclass(frozen=True)
class SupportChannel:
    reference: dict[str, Any]  # a ConversationReference, serialized: where tickets are posted
    place: Place


def read_channel(value: dict[str, Any] | None) -> SupportChannel | None:
    """The stored support channel setting, in its current or its earlier form."""
    if not value:
        return None
    reference = value.get("reference") if "reference" in value else value
    if not isinstance(reference, dict):
        return None
    conversation = reference.get("conversation") or {}
    conversation_id = str(conversation.get("id") or "").split(";messageid=")[0]
    if "reference" in value:
        place = Place(
            conversation_id, str(value.get("team_id") or ""), str(value.get("tenant_id") or "")
        )
    else:  # chosen before the team was kept: posting works; the buttons wait for a new choice
        place = Place(conversation_id, "", str(conversation.get("tenantId") or "").lower())
    return SupportChannel(reference, place)


class SupportDesk:
    def __init__(
        self,
        store: TicketStore,
        smtp: SmtpConfig | None,
        app_id: str,
        now: Callable[[], dt.datetime],
        content: AssistantHolder,
        admins: frozenset[str] = frozenset(),
        agents: frozenset[str] = frozenset(),
        lease: dt.timedelta = dt.timedelta(seconds=60),
        quota: TicketQuota | None = None,
        *,
        pool: Pool,
        telemetry: Telemetry | None = None,
        retention_days: int | None = None,
    ) -> None:
        """``retention_days``: the worker erases the personal data of tickets resolved that
        long ago (None: kept)."""
        self.store = store
        self.pool = pool  # the store's calls run there (and nothing else does)
        self.content = content  # its texts: reloaded with the content (``book``)
        self.smtp = smtp
        self.app_id = app_id
        self.now = now
        self.admins = frozenset(a.lower() for a in admins)
        self.staff = self.admins | {a.lower() for a in agents}
        self.quota = quota or TicketQuota()
        self.adapter: BotAdapter | None = None  # attached by the composition root
        senders: dict[str, Sender] = {"channel": self.post_to_channel, "notify": self.notify}
        if smtp:
            senders["email"] = email_sender(smtp, self.staff_texts, telemetry)
        owner = f"desk-{uuid.uuid4().hex[:8]}"
        retention = None
        if retention_days is not None:
            retention = Retention(retention_days, partial(self.retention_note, retention_days))
        self.worker = DeliveryWorker(
            store, senders, owner=owner, now=now, pool=pool, lease=lease, retention=retention
        )

    def retention_note(self, days: int, now: dt.datetime) -> str:
        """The note left in a ticket whose personal data the retention erased (for staff)."""
        date = now.astimezone(dt.UTC).date().isoformat()
        return self.staff_texts().get("forget.retention_note", date=date, days=days)

    def attach(self, adapter: BotAdapter) -> None:
        self.adapter = adapter

    def book(self, turn_context: TurnContext | None = None) -> TextBook:
        """The desk's texts: in a turn, those of the turn's assistant (``turn_assistant``, the
        same the dialogs use); outside one (the delivery worker), those in force now. A content
        reload changes them as it changes the answers."""
        if turn_context is None:
            return self.content.current.catalogue.texts
        return turn_assistant(turn_context, self.content).catalogue.texts

    def staff_texts(self, turn_context: TurnContext | None = None) -> Texts:
        """The support channel's and e-mails' language (staff read English)."""
        return self.book(turn_context)()

    def user_texts(self, ticket: Ticket, book: TextBook) -> Texts:
        """The texts of the notices to a ticket's user: in the language the bot spoke to them
        when they asked (``open_ticket`` keeps it as the locale of the conversation reference)."""
        return book(str(ticket.conversation_reference.get("locale") or ""))

    # ------------------------------------------------------------------ tickets

    async def open_ticket(
        self,
        turn_context: TurnContext,
        contact: Contact,
        description: str,
        transcript: list[Turn],
        language: str = "",
        key: str = "",
    ) -> tuple[Ticket, list[str], list[str]]:
        """Store a ticket (or, for a ``key`` seen before, find the one it opened) and try its
        deliveries now: (ticket, the kinds delivered, the kinds still pending: "channel",
        "email"; the receipt names them in the user's language). ``language``: the user's reply
        language, in which the notices about the ticket are written (kept as the locale of the
        reference the bot writes to the user with)."""
        activity = turn_context.activity
        user = activity.from_property
        email = await self._user_email(turn_context)
        reference = TurnContext.get_conversation_reference(activity).serialize()
        if language:
            reference["locale"] = language
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
            key=key,
        )
        counters = self.quota.counters(
            (user.aad_object_id or user.id or "") if user else "",
            place_of(activity).tenant_id,
            self.now().astimezone(dt.UTC).date(),
        )
        if counters and not await self.pool.run(self.store.take_quota, counters, key):
            security.warning(
                "ticket not opened: today's quota is reached (user AAD id %.64r, tenant %.64r)",
                (user.aad_object_id if user else "") or "",
                place_of(activity).tenant_id,
            )
            raise QuotaExceeded(self.quota)
        ticket = await self.pool.run(self.store.create_ticket, new, self.now())
        log.info("ticket %s opened (route %s)", ticket.id, ticket.route)  # or found by its key
        arrived = await self.worker.deliver_ticket(ticket.id)
        delivered = [k for k, ok in arrived.items() if ok]
        pending = [k for k, ok in arrived.items() if not ok]
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

    async def reach(self) -> Reach:
        """What takes a new ticket to Interact by itself now: the support channel, if one is
        chosen, and e-mail, if SMTP is configured."""
        return Reach(channel=await self._channel() is not None, email=self.smtp is not None)

    async def _channel(self) -> SupportChannel | None:
        return read_channel(await self.pool.run(self.store.get_setting, SUPPORT_CHANNEL))

    async def post_to_channel(self, delivery: Delivery, ticket: Ticket) -> None:
        channel = await self._channel()
        if channel is None:
            raise LookupError(
                "no support channel yet: type “use this channel for support” in a team channel"
            )
        posted: list[str] = []
        texts = self.staff_texts()  # taken once: the card is written with one catalogue

        async def post(turn_context: TurnContext) -> None:
            card = card_activity(ticket_card(ticket, texts))
            if ticket.channel_activity_id:  # posted before, its delivery not marked: update it
                card.id = ticket.channel_activity_id
                await turn_context.update_activity(card)
                return
            response = await turn_context.send_activity(card)
            posted.append(response.id if response and response.id else "")

        await self._proactive(channel.reference, post)
        if posted and posted[0]:
            await self.pool.run(
                lambda: self.store.update_ticket(
                    ticket.id, now=self.now(), channel_activity_id=posted[0]
                )
            )

    async def notify(self, delivery: Delivery, ticket: Ticket) -> None:
        text = str(
            delivery.payload.get("text")
            or ticket_update_text(ticket, self.user_texts(ticket, self.book()))
        )

        async def say(turn_context: TurnContext) -> None:
            # Plain text: names in it come from Teams and must not be read as markdown.
            await turn_context.send_activity(
                Activity(type="message", text=text, text_format="plain")
            )

        await self._proactive(ticket.conversation_reference, say)

    # ------------------------------------------------------------------ content

    async def reload_content(
        self, turn_context: TurnContext, reload: Callable[[], Awaitable[str]]
    ) -> str:
        """A support admin's "reload catalogue": take up the edited content (``reload``) and
        say which version is in force, or why the edit was refused (the old one serves on)."""
        texts = self.staff_texts(turn_context)
        user = turn_context.activity.from_property
        aad_id = ((user.aad_object_id if user else "") or "").lower()
        if aad_id not in self.admins:
            security.warning(
                "catalogue not reloaded: the caller (AAD id %.64r) is not a support admin", aad_id
            )
            return texts.get("support.reload_admins_only")
        try:
            version = await reload()
        except ReloadError as exc:
            return texts.get("support.reload_failed", error=str(exc))
        except ReloadNotShared as exc:
            return texts.get("support.reload_not_shared", version=exc.version, error=exc.problem)
        return texts.get("support.reload_done", version=version)

    # ------------------------------------------------------------------ the support channel

    async def use_channel(self, turn_context: TurnContext) -> str:
        """A support admin's "use this channel for support": remember this channel, its team
        and tenant, for new tickets and their buttons; tell the channel it replaces."""
        activity = turn_context.activity
        texts = self.staff_texts(turn_context)
        if (activity.conversation.conversation_type or "") != "channel":
            return texts.get("support.channel_only")
        user = activity.from_property
        aad_id = ((user.aad_object_id if user else "") or "").lower()
        if not self.admins:
            security.warning("support channel not changed: SUPPORT_ADMINS is empty")
            return texts.get("support.no_admins")
        if aad_id not in self.admins:
            security.warning(
                "support channel not changed: the caller (AAD id %.64r) is not a support admin",
                aad_id,
            )
            return texts.get("support.admins_only")
        place = place_of(activity)
        if not place.team_id or not place.tenant_id:
            return texts.get("support.no_team")
        reference = TurnContext.get_conversation_reference(activity).serialize()
        # Post new tickets as new messages in the channel, not as replies in this thread.
        conversation = dict(reference.get("conversation") or {})
        conversation["id"] = place.conversation_id
        reference["conversation"] = conversation
        reference.pop("activityId", None)
        previous = await self._channel()
        setting = {"reference": reference, "team_id": place.team_id, "tenant_id": place.tenant_id}
        await self.pool.run(self.store.set_setting, SUPPORT_CHANNEL, setting)
        security.info(
            "support channel set to %.200r (team %.200r, tenant %.64r) by AAD id %.64r",
            place.conversation_id,
            place.team_id,
            place.tenant_id,
            aad_id,
        )
        if previous is not None and previous.place.conversation_id != place.conversation_id:
            name = (user.name if user else "") or texts.get("support.an_admin")
            await self._tell_replaced(previous, texts.get("support.replaced", name=name))
        waiting = len(await self.pool.run(self.store.pending))
        self.worker.wake()
        done = texts.get("support.channel_set")
        if not waiting:
            return done
        return f"{done} {texts.get('support.channel_waiting', count=waiting)}"

    async def _tell_replaced(self, previous: SupportChannel, text: str) -> None:
        async def say(turn_context: TurnContext) -> None:
            await turn_context.send_activity(
                Activity(type="message", text=text, text_format="plain")
            )

        try:
            await self._proactive(previous.reference, say)
        except Exception as exc:  # the new channel is set; the old one just is not told
            log.warning(
                "could not tell the previous support channel: %s: %s", type(exc).__name__, exc
            )

    # ------------------------------------------------------------------ card actions

    async def _refusal(self, turn_context: TurnContext) -> str | None:
        """Why the caller may not press a ticket card's button, or None."""
        activity = turn_context.activity
        user = activity.from_property
        if ((user.aad_object_id if user else "") or "").lower() not in self.staff:
            return "the caller is not on the staff list (SUPPORT_ADMINS, SUPPORT_AGENTS)"
        channel = await self._channel()
        if channel is None:
            return "no support channel is chosen"
        if not place_of(activity).same(channel.place):
            return "the action does not come from the support channel (conversation, team, tenant)"
        return None

    async def on_action(self, turn_context: TurnContext, action: TicketAction) -> dict[str, Any]:
        """Assign or resolve; return the ticket's card as it is now (for everyone).
        PermissionError: the caller may not (nothing of the ticket is shown); LookupError: no
        such ticket."""
        book = self.book(turn_context)
        refusal = await self._refusal(turn_context)
        if refusal is not None:
            user = turn_context.activity.from_property
            security.warning(
                "ticket action refused: %s on %s by AAD id %.64r: %s",
                action.status,
                action.ticket_id,
                (user.aad_object_id if user else "") or "",
                refusal,
            )
            raise PermissionError(book().get("support.refused"))
        user = turn_context.activity.from_property
        # no name: the assignee stays empty and each reader's card or notice says who in its own
        # language (ticket.someone, ticket.support_team)
        who = str(user.name or "") if user else ""
        current = await self.pool.run(self.store.get_ticket, action.ticket_id)
        if current is None:
            raise LookupError(f"unknown ticket: {action.ticket_id}")
        now = self.now()
        # The user's notice is queued in the same write as the change: both or neither.
        changed = TicketUpdate(status=action.status, assignee=who).apply(current, now=now)
        notice = ("notify", {"text": ticket_update_text(changed, self.user_texts(changed, book))})
        try:
            ticket = await self.pool.run(
                lambda: self.store.update_ticket(
                    action.ticket_id,
                    now=now,
                    expected_version=action.version,
                    status=action.status,
                    assignee=who,
                    deliveries=[notice],
                )
            )
        except ConflictError:
            # Someone else pressed first: show them the card as it is now, change nothing.
            ticket = current
        else:
            self.worker.wake()
        card = ticket_card(ticket, book())
        reply_to = turn_context.activity.reply_to_id
        if reply_to:  # the invoke response updates the presser's view; this updates everyone's
            update = card_activity(card)
            update.id = reply_to
            try:
                await turn_context.update_activity(update)
            except Exception:
                log.warning("could not update the ticket card %s for everyone", ticket.id)
        return card
