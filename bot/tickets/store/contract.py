"""The storage contract: what every store of tickets, deliveries and bot state promises.

- ``TicketStore`` and ``StateStore``: the interface (plain values in and out, synchronous: callers
  run them in the store's own thread pool, ``bot.ops.pools.Pool``);
- the public checks of what goes in: ``NewTicket`` (a new ticket's fields, checked once, when it
  is made), ``TicketUpdate``, ``checked_delivery``, ``checked_claim``, ``timestamp``;
- the pure rules of what happens to a ticket or a delivery: ``opened_ticket`` (a new ticket),
  ``TicketUpdate.apply`` (assign, resolve, note where its card was posted; the version check),
  ``new_delivery``, ``is_claimable``, ``leased``, ``completed``, ``failed`` (the lease and the
  backoff).

Each backend (``sqlite.SqliteStore``, ``blob.BlobStore``) applies these rules inside its own
atomic writes (a SQLite transaction, a Blob write conditional on its ETag) and adds nothing else
to them: the contract tests (tests/store/) run the same tests on both.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from bot.ops.feedback import AnalyticsStore
from bot.tickets.model import KINDS, Delivery, Status, Ticket, Turn, backoff, format_id

MAX_ERROR_CHARS = 2000
MAX_KEY_CHARS = 400


class StoreError(RuntimeError):
    """The store cannot be used (closed, or a database from a newer version)."""


class ConflictError(Exception):
    """A write was refused because what it was based on changed meanwhile: a ticket's version
    or a state item's eTag does not match, or another worker holds a delivery's lease."""


# --------------------------------------------------------------------------- checks


def timestamp(value: dt.datetime, name: str = "now") -> str:
    """A timezone-aware time as fixed-width UTC ISO 8601 text (so that text order is time
    order, in SQL as in blob metadata)."""
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (e.g. datetime.now(UTC)), not {value}")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def utc(value: dt.datetime, name: str = "now") -> dt.datetime:
    """``value`` in UTC, to the microsecond, as ``timestamp`` writes it."""
    return dt.datetime.fromisoformat(timestamp(value, name))


def json_text(value: Any, name: str) -> str:
    """``value`` as JSON text; ValueError naming ``name`` if it is not JSON-compatible."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not JSON-compatible: {exc}") from exc


def checked_mapping(value: object, name: str) -> dict[str, Any]:
    """A JSON-compatible dict, copied (TypeError / ValueError naming ``name``)."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, not {type(value).__name__}")
    result: dict[str, Any] = json.loads(json_text(dict(value), name))
    return result


def checked_text(value: object, name: str, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if required and not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


def checked_delivery(kind: object, payload: object) -> tuple[str, dict[str, Any]]:
    """A delivery's kind (one of ``KINDS``) and its payload (a JSON-compatible dict, copied)."""
    if kind not in KINDS:
        raise ValueError(f"delivery kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return str(kind), checked_mapping(payload, "payload")


def checked_claim(owner: object, lease: dt.timedelta) -> None:
    """The arguments of ``claim_due``: a worker's name and a positive lease."""
    checked_text(owner, "owner", required=True)
    if lease <= dt.timedelta(0):
        raise ValueError(f"lease must be positive, not {lease}")


# --------------------------------------------------------------------------- tickets


@dataclass(frozen=True, kw_only=True)
class NewTicket:
    """A ticket to open, with the deliveries (kind, payload) to enqueue with it: every field is
    checked when the value is made (TypeError / ValueError naming the field), and the transcript,
    reference and payloads are copied, so a store writes it as it is."""

    route: str  # the contact's id in the catalogue
    contact_email: str
    description: str
    user_name: str
    user_aad_id: str
    user_email: str
    transcript: Sequence[Turn]
    conversation_reference: Mapping[str, Any]
    deliveries: Sequence[tuple[str, Mapping[str, Any]]] = ()
    # Idempotency: a store holds at most one ticket per non-empty key; creating a ticket with a
    # key it has seen returns that ticket (and enqueues nothing). E.g. the conversation and the
    # dialog step that opens it, so a turn run twice (a retry, a crash, two instances) opens one.
    key: str = ""

    def __post_init__(self) -> None:
        checked_text(self.route, "route", required=True)
        checked_text(self.key, "key")
        if len(self.key) > MAX_KEY_CHARS:
            raise ValueError(f"key must be at most {MAX_KEY_CHARS} characters")
        for name in ("contact_email", "description", "user_name", "user_aad_id", "user_email"):
            checked_text(getattr(self, name), name)
        turns = tuple(self.transcript)
        for turn in turns:
            if not isinstance(turn, Turn):
                raise TypeError(f"transcript items must be Turn, not {type(turn).__name__}")
        json_text([turn.to_json() for turn in turns], "transcript")
        reference = checked_mapping(self.conversation_reference, "conversation_reference")
        deliveries = tuple(checked_delivery(kind, payload) for kind, payload in self.deliveries)
        object.__setattr__(self, "transcript", turns)
        object.__setattr__(self, "conversation_reference", reference)
        object.__setattr__(self, "deliveries", deliveries)


def opened_ticket(new: NewTicket, number: int, now: dt.datetime) -> Ticket:
    """The ticket ``new`` becomes when it is given ``number`` at ``now``: open, version 1."""
    if not isinstance(new, NewTicket):
        raise TypeError(f"create_ticket takes a NewTicket, not {type(new).__name__}")
    created = utc(now)
    return Ticket(
        id=format_id(number),
        number=number,
        route=new.route,
        contact_email=new.contact_email,
        description=new.description,
        user_name=new.user_name,
        user_aad_id=new.user_aad_id,
        user_email=new.user_email,
        transcript=tuple(new.transcript),
        created_at=created,
        updated_at=created,
        status=Status.OPEN,
        assignee="",
        conversation_reference=dict(new.conversation_reference),
        channel_activity_id=None,
        version=1,
    )


@dataclass(frozen=True)
class TicketUpdate:
    """A change of a ticket: its status and assignee (what its card shows, guarded by the
    version) and where its card was posted. At least one field; each checked when made."""

    status: Status | None = None
    assignee: str | None = None
    channel_activity_id: str | None = None

    def __post_init__(self) -> None:
        if self.status is not None:
            object.__setattr__(self, "status", Status(self.status))
        if self.assignee is not None:
            checked_text(self.assignee, "assignee")
        if self.channel_activity_id is not None:
            checked_text(self.channel_activity_id, "channel_activity_id")
        if self.status is None and self.assignee is None and self.channel_activity_id is None:
            raise ValueError("update_ticket: give at least one of status, assignee, activity id")

    def apply(
        self, ticket: Ticket, *, now: dt.datetime, expected_version: int | None = None
    ) -> Ticket:
        """The ticket after this change at ``now``. ConflictError when ``expected_version`` is
        given and is not the ticket's. The version goes up when the status or the assignee
        change: noting where the card was posted must not make that card stale."""
        if expected_version is not None and ticket.version != expected_version:
            raise ConflictError(
                f"{ticket.id} is at version {ticket.version}, "
                f"not {expected_version}: reload it and try again"
            )
        changes: dict[str, Any] = {
            name: value for name, value in dataclasses.asdict(self).items() if value is not None
        }
        bump = 1 if {"status", "assignee"} & changes.keys() else 0
        return dataclasses.replace(
            ticket, **changes, updated_at=utc(now), version=ticket.version + bump
        )


# --------------------------------------------------------------------------- personal data

# What an erased ticket keeps of the reference the bot wrote to its user with: nothing that
# names the user or their chat (the language of the notices stays; no notice is sent any more).
KEPT_REFERENCE = ("channelId", "serviceUrl", "locale")


def checked_user_ids(user_ids: Iterable[str]) -> frozenset[str]:
    """The ids one user is known by (Teams' user id, AAD object id): non-empty texts."""
    if isinstance(user_ids, str):
        raise TypeError("user_ids must be a sequence of ids, not one text")
    ids = frozenset(checked_text(i, "user id").strip() for i in user_ids) - {""}
    if not ids:
        raise ValueError("user_ids: give at least one non-empty id")
    return ids


def belongs_to(ticket: Ticket, user_ids: frozenset[str]) -> bool:
    """Whether ``ticket`` was opened by the user known by any of ``user_ids``: its AAD object
    id, or the user of the conversation it was opened in (Teams' id or AAD object id)."""
    user = ticket.conversation_reference.get("user")
    user = user if isinstance(user, Mapping) else {}
    known = {ticket.user_aad_id, str(user.get("id") or ""), str(user.get("aadObjectId") or "")}
    return bool(user_ids & (known - {""}))


def erased(ticket: Ticket, note: str, now: dt.datetime) -> Ticket | None:
    """The ticket with its personal data erased: the description (the user's own words) becomes
    ``note``; the name, e-mail, AAD id and transcript are emptied; the conversation reference
    keeps only ``KEPT_REFERENCE``. Route, status, assignee, times and version stay, so the
    ticket still counts and its card still works. None when it was erased before."""
    if ticket.erased_at is not None:
        return None
    when = utc(now)
    kept = ticket.conversation_reference
    reference = {k: kept[k] for k in KEPT_REFERENCE if k in kept}
    return dataclasses.replace(
        ticket,
        description=checked_text(note, "note", required=True),
        user_name="",
        user_aad_id="",
        user_email="",
        transcript=(),
        conversation_reference=reference,
        updated_at=when,
        erased_at=when,
    )


def outlived(ticket: Ticket, before: dt.datetime) -> bool:
    """Whether a ticket's personal data is past its retention: resolved, not erased yet, and
    last changed (resolved) before ``before``."""
    return (
        ticket.status == Status.RESOLVED and ticket.erased_at is None and ticket.updated_at < before
    )


# --------------------------------------------------------------------------- deliveries


def new_delivery(
    delivery_id: int, ticket_id: str, kind: str, payload: Mapping[str, Any], now: dt.datetime
) -> Delivery:
    """A delivery just enqueued: due at once, no attempt yet, nobody's lease."""
    return Delivery(
        id=delivery_id,
        ticket_id=ticket_id,
        kind=kind,
        payload=dict(payload),
        attempts=0,
        next_attempt_at=utc(now),
        done_at=None,
        last_error="",
    )


def is_claimable(delivery: Delivery, now: dt.datetime) -> bool:
    """Not done, due, and no live lease of anyone's."""
    return (
        delivery.done_at is None
        and delivery.next_attempt_at <= now
        and (delivery.lease_until is None or delivery.lease_until <= now)
    )


def leased(delivery: Delivery, owner: str, until: dt.datetime) -> Delivery:
    return dataclasses.replace(delivery, lease_owner=owner, lease_until=utc(until, "until"))


def completed(delivery: Delivery, now: dt.datetime) -> Delivery:
    """Done (once: completing again keeps the first time), its lease released."""
    return dataclasses.replace(
        delivery, done_at=delivery.done_at or utc(now), lease_owner=None, lease_until=None
    )


def failed(
    delivery: Delivery, error: str, now: dt.datetime, owner: str | None = None
) -> Delivery | None:
    """A failed attempt: attempts + 1, due again at ``now + backoff(attempts)``, lease released;
    None when it is done already (it stays done). With ``owner``: ConflictError if another worker
    holds a live lease on it (this worker's lease ran out and it was claimed again)."""
    when = utc(now)
    if delivery.done_at is not None:
        return None
    held = delivery.lease_owner is not None and (
        delivery.lease_until is not None and delivery.lease_until > when
    )
    if owner is not None and held and delivery.lease_owner != owner:
        raise ConflictError(
            f"delivery {delivery.id} is leased to {delivery.lease_owner}, not {owner}"
        )
    attempts = delivery.attempts + 1
    return dataclasses.replace(
        delivery,
        attempts=attempts,
        next_attempt_at=utc(when + backoff(attempts)),
        last_error=str(error)[:MAX_ERROR_CHARS],
        lease_owner=None,
        lease_until=None,
    )


# --------------------------------------------------------------------------- the interface


@runtime_checkable
class TicketStore(Protocol):
    """Tickets, their deliveries and small settings. Times must be timezone-aware."""

    def create_ticket(self, new: NewTicket, now: dt.datetime) -> Ticket:
        """A new open ticket with the next number (unique across instances), plus its
        deliveries enqueued in the same atomic write; or, when ``new.key`` is the key of a
        ticket already created, that ticket (nothing new is written)."""
        ...

    def get_ticket(self, ticket_id: str) -> Ticket | None: ...

    def list_tickets(self, status: Status | None = None) -> list[Ticket]:
        """Newest first."""
        ...

    def update_ticket(
        self,
        ticket_id: str,
        *,
        now: dt.datetime,
        expected_version: int | None = None,
        status: Status | None = None,
        assignee: str | None = None,
        channel_activity_id: str | None = None,
        deliveries: Sequence[tuple[str, Mapping[str, Any]]] = (),
    ) -> Ticket:
        """Apply a ``TicketUpdate`` of the given fields, and enqueue ``deliveries`` (kind,
        payload; e.g. the user's notice) in the same atomic write: both happen or neither.
        KeyError: unknown ticket; ConflictError: ``expected_version`` is not the current one."""
        ...

    def erase_user_tickets(self, user_ids: Sequence[str], note: str, now: dt.datetime) -> list[str]:
        """Erase (``erased``, with ``note``) the personal data of every ticket of the user known
        by ``user_ids`` (``belongs_to``); the ids of the tickets erased now, oldest first (one
        erased before is left as it is). Their deliveries are then never sent
        (``bot.tickets.delivery``)."""
        ...

    def purge_resolved(self, before: dt.datetime, note: str, now: dt.datetime) -> list[str]:
        """Erase (``erased``, with ``note``) the personal data of every resolved ticket last
        changed before ``before`` (``outlived``); the ids of the tickets erased now."""
        ...

    def enqueue(
        self, ticket_id: str, kind: str, payload: Mapping[str, Any], now: dt.datetime
    ) -> Delivery: ...

    def claim_due(
        self,
        now: dt.datetime,
        owner: str,
        lease: dt.timedelta,
        limit: int = 10,
        ticket_id: str | None = None,
    ) -> list[Delivery]:
        """Lease up to ``limit`` claimable deliveries (``is_claimable``; of one ticket, or of
        all), the soonest due first."""
        ...

    def complete(self, delivery_id: int, now: dt.datetime) -> Delivery: ...

    def fail(
        self, delivery_id: int, error: str, now: dt.datetime, *, owner: str | None = None
    ) -> Delivery:
        """Record a failed attempt (``failed``)."""
        ...

    def pending(self, ticket_id: str | None = None) -> list[Delivery]:
        """Undone deliveries (of one ticket, or all), the soonest due first."""
        ...

    def deliveries(self, ticket_id: str) -> list[Delivery]:
        """All deliveries of a ticket, done or not, oldest first."""
        ...

    def get_setting(self, key: str) -> dict[str, Any] | None: ...

    def set_setting(self, key: str, value: Mapping[str, Any]) -> None: ...

    def take_quota(self, counters: Sequence[tuple[str, int]], token: str = "") -> bool:
        """Count one more against each ``(key, limit)`` (``checked_quota``) unless one of them
        is at its limit already: True when counted, False (nothing counted) when not. A
        ``token`` counted before (a ticket's idempotency key: the same turn run again) is True
        and counts nothing more. SQLite does it in one transaction. Blob Storage counts each
        counter with a conditional write (eTag) that re-checks its limit, so no counter ever
        passes its limit, and a take refused at its second counter gives the first back; while
        it runs, a racing take may see that first counter one higher than it ends (refused when
        it would have fitted: never the other way). Two takes of the same token racing on two
        instances (the same turn run twice at the same moment) can both count."""
        ...

    def purge_quota(self, before: dt.date) -> int:
        """Remove the quota counters whose window (the day a key ends with: ``quota_window``)
        is before ``before``, with the tokens recorded for them; how many. Keys without a day
        are kept (the delivery worker runs it once a day: ``DeliveryWorker``)."""
        ...

    def close(self) -> None: ...


QUOTA_TOKEN = "taken:"  # the quota key that records a token as counted


def quota_window(key: str) -> dt.date | None:
    """The day a quota key counts for: its ending ``:YYYY-MM-DD`` (``TicketQuota.counters``),
    or None."""
    head, _, day = key.rpartition(":")
    if not head or len(day) != 10:
        return None
    try:
        return dt.date.fromisoformat(day)
    except ValueError:
        return None


def quota_token(token: str, counters: Sequence[tuple[str, int]]) -> str:
    """The quota key that records ``token`` as counted against ``counters``: in their window
    (the latest day among them), so that it is purged with them."""
    days = [day for key, _ in counters if (day := quota_window(key)) is not None]
    return QUOTA_TOKEN + token + (f":{max(days).isoformat()}" if days else "")


def checked_quota(counters: object) -> list[tuple[str, int]]:
    """Quota counters: (key, limit) pairs, a key non-empty text of at most ``MAX_KEY_CHARS``
    characters, a limit a whole number from 1."""
    if not isinstance(counters, Sequence) or isinstance(counters, str):
        raise TypeError("counters must be a sequence of (key, limit) pairs")
    checked: list[tuple[str, int]] = []
    for item in counters:
        key, limit = item
        checked_text(key, "quota key", required=True)
        if len(key) > MAX_KEY_CHARS:
            raise ValueError(f"a quota key must be at most {MAX_KEY_CHARS} characters")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"a quota limit is a whole number from 1, not {limit!r}")
        checked.append((key, limit))
    return checked


@runtime_checkable
class StateStore(Protocol):
    """Key-value items with eTags, for botbuilder's conversation, user and dialog state.

    ``write_state`` takes ``{key: (value, etag)}``: an etag of None or "*" writes whatever is
    there; any other etag must be the item's current one, or ConflictError is raised and nothing
    of the batch is written (as botbuilder's MemoryStorage, a key that does not exist yet is
    written whatever the etag). Returns the new etags.
    """

    def read_state(self, keys: Sequence[str]) -> dict[str, tuple[dict[str, Any], str]]: ...

    def write_state(
        self, changes: Mapping[str, tuple[Mapping[str, Any], str | None]]
    ) -> dict[str, str]: ...

    def delete_state(self, keys: Sequence[str]) -> None: ...

    def close(self) -> None: ...


def checked_state(
    changes: Mapping[str, tuple[Mapping[str, Any], str | None]],
) -> dict[str, tuple[dict[str, Any], str | None]]:
    """``write_state``'s batch, checked: string keys, dict values (copied), no empty etag."""
    checked: dict[str, tuple[dict[str, Any], str | None]] = {}
    for key, (value, etag) in changes.items():
        checked_text(key, "state key")
        if etag == "":
            raise ValueError(f"state {key!r}: an empty etag (use None or '*' to overwrite)")
        if not isinstance(value, Mapping):
            raise TypeError(f"state {key!r} must be a dict, not {type(value).__name__}")
        checked[key] = (json.loads(json.dumps(dict(value))), etag)
    return checked


@runtime_checkable
class Store(TicketStore, StateStore, AnalyticsStore, Protocol):
    """All three (analytics: ``bot.ops.feedback.AnalyticsStore``): what
    ``factory.open_store`` returns (closed at the end of a ``with`` block)."""

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...
