"""Delivering tickets to the humans, with retries: nothing is lost when a channel is down.

Each delivery (post to the support channel, e-mail, notify the user) is a row in the store. The
worker claims due rows with a lease (so that two workers, or two instances, never deliver the
same row at once), runs the sender for its kind, and marks it done, or failed with a backoff
before the next attempt. Plain asyncio: the senders that need botbuilder live at the edge.

Delivery is at least once: a delivery is marked done right after its send returns, and a send
that was started is never cancelled (a send cannot be taken back: cancelling the wait for it
only loses the news that it arrived, and it is sent again). A process killed between a send and
its mark sends it again after the lease; the senders keep such repeats rare and harmless (the
e-mail's Message-ID is the ticket's, the support channel's card is updated in place).

A delivery of a ticket whose personal data was erased (``TicketStore.erase_user_tickets``,
``purge_resolved``) is not sent: it is marked done unsent, except the update of the ticket's card
already posted in the support channel, queued by the erasure (``show_erasure``), which replaces
that card's personal data with the note. Every sender reads the ticket when it
sends, so nothing erased could go out anyway; a withdrawn request is not posted or mailed with a
note in place of its text, and a notice cannot reach a user the ticket no longer names.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.ops.pools import Pool
from bot.tickets.model import Delivery, Ticket
from bot.tickets.store.contract import TicketStore

log = logging.getLogger("interact.delivery")

Sender = Callable[[Delivery, Ticket], Awaitable[None]]
Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class Retention:
    """How long the personal data of a resolved ticket is kept: ``days`` after it was last
    changed (resolved), then erased (``TicketStore.purge_resolved``) leaving ``note(now)`` in
    its place; looked for at most once every ``every``."""

    days: int
    note: Callable[[dt.datetime], str]
    every: dt.timedelta = dt.timedelta(hours=1)


ERASED = "erased"  # a channel delivery's payload flag: it updates the card to show the erasure


def shows_erasure(delivery: Delivery) -> bool:
    """The one delivery sent about an erased ticket: its card in the support channel updated
    in place, so that it shows the note instead of the personal data."""
    return delivery.kind == "channel" and bool(delivery.payload.get(ERASED))


def show_erasure(store: TicketStore, ticket_ids: Sequence[str], now: dt.datetime) -> int:
    """After erasing ``ticket_ids``: queue the update of the support channel's card of each
    one whose card was posted (``shows_erasure``); how many. A separate write from the
    erasure: a crash in between leaves such a card as it was."""
    queued = 0
    for ticket_id in ticket_ids:
        ticket = store.get_ticket(ticket_id)
        if ticket is not None and ticket.erased_at is not None and ticket.channel_activity_id:
            store.enqueue(ticket_id, "channel", {ERASED: True}, now)
            queued += 1
    return queued


class DeliveryWorker:
    def __init__(
        self,
        store: TicketStore,
        senders: Mapping[str, Sender],
        owner: str,
        now: Clock,
        *,
        pool: Pool,
        lease: dt.timedelta = dt.timedelta(seconds=60),
        poll_seconds: float = 1.0,
        retention: Retention | None = None,
    ) -> None:
        """``retention``: the worker also purges the personal data of resolved tickets past
        it (in its rounds over every ticket, never in a user's turn)."""
        self.store = store
        self.pool = pool  # the store's calls run there
        self.senders = senders
        self.owner = owner
        self.now = now
        self.lease = lease
        self.poll_seconds = poll_seconds
        self.retention = retention
        self._purged_at: dt.datetime | None = None  # the last purge of resolved tickets
        self._wake = asyncio.Event()
        self._stopping = False
        self._inflight: set[asyncio.Task[int]] = set()  # rounds a turn stopped waiting for
        self._tidied: dt.date | None = None  # the UTC day of the last ``tidy``

    def wake(self) -> None:
        """Look for due deliveries now (a ticket was just created)."""
        self._wake.set()

    async def run_once(self, ticket_id: str | None = None) -> int:
        """Deliver what is due (of one ticket, or of all); return how many succeeded. A round
        over every ticket also purges resolved tickets past their retention, when due."""
        if ticket_id is None:
            await self.purge()
        due = await self.pool.run(
            self.store.claim_due, self.now(), self.owner, self.lease, ticket_id=ticket_id
        )
        done = 0
        for delivery in due:
            done += await self._deliver(delivery)
        return done

    async def deliver_ticket(self, ticket_id: str, timeout: float = 5.0) -> dict[str, bool]:
        """Try this ticket's due deliveries right away (only this ticket's: a user's turn never
        waits for other tickets), wait for them at most ``timeout`` seconds, and report which
        kinds arrived. Sends still running then go on (see ``settle``): never cancelled."""
        task = asyncio.create_task(self._round(ticket_id))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)
        await asyncio.wait({task}, timeout=timeout)
        pending = {d.kind for d in await self.pool.run(self.store.pending, ticket_id)}
        kinds = {d.kind for d in await self.pool.run(self.store.deliveries, ticket_id)}
        return {kind: kind not in pending for kind in sorted(kinds)}

    async def purge(self) -> list[str]:
        """Erase the personal data of resolved tickets past the retention (at most once every
        ``retention.every``); the ids erased. A failure is logged and tried at the next round."""
        retention, now = self.retention, self.now()
        if retention is None:
            return []
        if self._purged_at is not None and now - self._purged_at < retention.every:
            return []
        before = now - dt.timedelta(days=retention.days)
        try:
            erased = await self.pool.run(
                self.store.purge_resolved, before, retention.note(now), now
            )
        except Exception:
            log.exception("purge of resolved tickets failed")
            return []
        self._purged_at = now
        if erased:
            await self.pool.run(show_erasure, self.store, erased, now)
            log.info("personal data of %d resolved tickets erased (retention)", len(erased))
        return erased

    async def _deliver(self, delivery: Delivery) -> int:
        ticket = await self.pool.run(self.store.get_ticket, delivery.ticket_id)
        sender = self.senders.get(delivery.kind)
        if ticket is not None and ticket.erased_at is not None and not shows_erasure(delivery):
            # Its personal data was erased: nothing is sent about it any more (the request was
            # withdrawn with the data; its user can no longer be reached): done, unsent.
            await self.pool.run(self.store.complete, delivery.id, self.now())
            log.info(
                "delivery %s (%s of %s) not sent: the ticket was erased",
                delivery.id,
                delivery.kind,
                delivery.ticket_id,
            )
            return 0
        try:
            if ticket is None:
                raise LookupError(f"ticket {delivery.ticket_id} is gone")
            if sender is None:
                raise LookupError(f"no sender for {delivery.kind!r} deliveries is configured")
            await sender(delivery, ticket)
        except Exception as exc:  # any failure: keep the row, try again later
            log.warning(
                "delivery %s (%s of %s) failed, attempt %d: %s",
                delivery.id,
                delivery.kind,
                delivery.ticket_id,
                delivery.attempts + 1,
                exc,
            )
            await self.pool.run(self.store.fail, delivery.id, str(exc)[:500], self.now())
            return 0
        await self.pool.run(self.store.complete, delivery.id, self.now())
        log.info("delivery %s (%s of %s) done", delivery.id, delivery.kind, delivery.ticket_id)
        return 1

    async def _round(self, ticket_id: str) -> int:
        try:
            return await self.run_once(ticket_id)
        except Exception:  # the worker tries again later: nothing is lost
            log.exception("delivery of %s failed", ticket_id)
            return 0

    async def settle(self) -> None:
        """Wait for the sends that turns stopped waiting for (``deliver_ticket``)."""
        while self._inflight:
            await asyncio.wait(set(self._inflight))

    async def run(self) -> None:
        """Deliver until ``stop`` is called; in-flight deliveries are finished first."""
        while not self._stopping:
            self._wake.clear()  # before the round: a wake or a stop during it is not lost
            try:
                await self.run_once()
            except Exception:
                log.exception("delivery round failed")
            await self.tidy()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
        await self.settle()

    async def tidy(self) -> None:
        """Once a UTC day: remove the ticket quota windows that have ended (days before
        yesterday: a day's window is in use until it ends, on every instance's clock)."""
        today = self.now().astimezone(dt.UTC).date()
        if self._tidied == today:
            return
        self._tidied = today
        try:
            removed = await self.pool.run(self.store.purge_quota, today - dt.timedelta(days=1))
        except Exception:  # tried again tomorrow: a few more counters meanwhile harm nothing
            log.exception("could not remove the ended ticket quota windows")
            return
        if removed:
            log.info("removed %d ticket quota counters of ended days", removed)

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
