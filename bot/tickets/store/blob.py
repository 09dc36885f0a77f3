"""The store on Azure Blob Storage: tickets, deliveries, settings and bot state shared by several
instances of the bot (``ASSISTANT_STORE=blob``).

``BlobStore`` implements ``TicketStore`` and ``StateStore`` (``bot.tickets.store.contract``, whose
checks and rules it applies inside its conditional writes) on one container of JSON blobs, with
the synchronous azure-storage-blob client (callers run the store in a thread). Every write that
must not be lost to a concurrent one is conditional on the blob's ETag (``If-Match``) or on its
absence (``If-None-Match: *``), and the loser of a race re-reads or gives up:

- ``state/<key>``: botbuilder's conversation, user and dialog state; the eTag botbuilder sees is
  the blob's ETag, so two instances saving the same conversation never overwrite each other
  silently (the second gets ``ConflictError``);
- ``tickets/SUP-0042.json``: updates re-read and retry on a lost race, ``expected_version``
  is checked against what was read; its metadata (status, last change, erased or not) lets the
  purge of resolved tickets read only the ones it erases, and an erasure skip erased ones;
  ``counters/tickets.json`` hands out the numbers with a compare-and-swap loop, so two
  instances never get the same number;
- ``deliveries/0000000042.json``: ``claim_due`` leases a delivery by writing ``lease_owner`` and
  ``lease_until`` over the ETag it read: of two workers claiming it, one wins and the other
  skips it; ids come from ``counters/deliveries.json``. Two indexes of empty blobs keep the
  cost of a turn and of a worker's poll from growing with the history (every delivery ever
  written): ``due/0000000042`` exists while the delivery is not done, its metadata (ticket, due
  time, lease) what ``claim_due`` filters on, so a poll lists only the undone; and
  ``ticket-deliveries/0000000007/0000000042`` names the deliveries of each ticket, so
  ``deliveries`` and ``pending`` of one ticket list only its own. A delivery's own blob always
  decides: an index entry is written before it (a delivery is never without one) and corrected
  after it (a stale entry costs a read, or delays a retry by at most a lease, and is put right
  or removed by the next poll that reads it; one whose delivery never became visible is removed
  after ``ORPHAN_SECONDS``). A container written before these indexes gets them when a store
  first opens it (``counters/layout.json``);
- ``settings/<key>.json``;
- ``quota/<day>/<key>.json``: the ticket quota counters of one day (``take_quota``), each
  counted with a compare-and-swap that re-checks its limit; the recorded tokens of that day
  beside them. ``purge_quota`` deletes whole days; counters written before the day folders
  (``quota/<key>.json``) are no longer read and are deleted by their day, except the tokens of
  that layout and keys too long for a name (named by a hash): these few stay.

Keys are percent-encoded in blob names (dots too: Blob Storage turns ``\\`` into ``/`` and
dislikes names ending in a dot); a key too long for a blob name is named by its SHA-256.

Limits (Blob Storage has no transactions over several blobs):

- ``create_ticket`` writes the deliveries, then the ticket: the ticket's blob is the commit
  point, deliveries of a ticket that does not exist are ignored. A process killed in between
  leaves a gap in the numbers and some ignored delivery blobs, never a ticket without them;
- a ``write_state`` batch checks every eTag before writing anything, and if a concurrent writer
  slips in between the check and a write, the items already written are put back (as conditional
  writes; they get a new eTag). A process killed in the middle of a batch can leave it half
  written, as botbuilder-azure's own ``BlobStorage`` (which writes item by item) can;
- listing tickets (the CLI) lists every ticket's blob (one request per 5,000); a worker's poll
  and a new ticket's deliveries list only undone deliveries and the ticket's own (see above).
  Each worker polls once a second;
- every conditional write carries a random token, so that when the SDK retries a write whose
  answer was lost, the store recognises its own write instead of calling it a conflict.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import quote, unquote

from azure.core import MatchConditions
from azure.core.credentials import TokenCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.storage.blob import (
    BlobServiceClient,
    ContainerClient,
    ContentSettings,
    ExponentialRetry,
)

from bot.ops.feedback import checked_counts, checked_day, cut_question
from bot.tickets.model import Delivery, Status, Ticket, format_id, parse_id
from bot.tickets.store.config import BlobConfig
from bot.tickets.store.contract import (
    ConflictError,
    NewTicket,
    StoreError,
    TicketUpdate,
    belongs_to,
    checked_claim,
    checked_delivery,
    checked_mapping,
    checked_quota,
    checked_state,
    checked_text,
    checked_user_ids,
    completed,
    erased,
    failed,
    is_claimable,
    leased,
    new_delivery,
    opened_ticket,
    outlived,
    quota_token,
    quota_window,
    timestamp,
    utc,
)

BUSY_TIMEOUT_SECONDS = 30.0
MAX_NAME_CHARS = 900  # Blob Storage allows 1,024 characters in a blob name
PARALLEL_REQUESTS = 8
# The SDK retries a failed request (throttled, 5xx, connection lost) in the calling thread,
# sleeping between tries: by default 15, 18 and 24 s (give or take 3), a minute in which a
# store thread serves nobody. Here twice, after about 1.5 and then 2.25 s (base ** retry).
STORAGE_RETRY: dict[str, Any] = {
    "initial_backoff": 0,
    "increment_base": 1.5,
    "retry_total": 2,
    "random_jitter_range": 0.25,
}
LAYOUT = 2  # 2: deliveries indexed by due/ and ticket-deliveries/ (counters/layout.json)
ORPHAN_SECONDS = 600.0  # an index entry whose delivery never became visible is removed after
_JSON = ContentSettings(content_type="application/json")
_NONE = "-"  # metadata values cannot be absent per blob: this stands for None
_WRITER = "_w"  # the token of the write that produced a blob (see _put)

T = TypeVar("T")
R = TypeVar("R")


class _Lost(Exception):
    """A conditional write lost its race: the blob changed (or appeared) since it was read."""


def _key_name(prefix: str, key: str) -> str:
    encoded = quote(key, safe="", encoding="utf-8", errors="surrogatepass").replace(".", "%2E")
    if len(encoded) > MAX_NAME_CHARS:  # '!' is always encoded by quote: no clash with a key
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        encoded = f"!sha256-{digest}"
    return f"{prefix}{encoded}"


def _quota_name(key: str) -> str:
    """A quota key's blob: in the folder of its window (``quota/<day>/``), purged as one."""
    window = quota_window(key)
    folder = f"quota/{window.isoformat()}/" if window is not None else "quota/"
    return _key_name(folder, key) + ".json"


def _ticket_name(number: int) -> str:
    return f"tickets/{format_id(number)}.json"


def _delivery_name(delivery_id: int) -> str:
    return f"deliveries/{delivery_id:010d}.json"


def _due_name(delivery_id: int) -> str:
    return f"due/{delivery_id:010d}"


def _ticket_deliveries(number: int) -> str:
    return f"ticket-deliveries/{number:010d}/"


def _id_of(name: str) -> int | None:
    """The delivery id at the end of an index entry's (or a delivery's) name."""
    stem = name.rsplit("/", 1)[-1].removesuffix(".json")
    return int(stem) if stem.isascii() and stem.isdigit() else None


def _delivery(doc: Mapping[str, Any]) -> Delivery:
    def time_or_none(text: str | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(text) if text else None

    return Delivery(
        id=int(doc["id"]),
        ticket_id=format_id(int(doc["ticket"])),
        kind=str(doc["kind"]),
        payload=dict(doc["payload"]),
        attempts=int(doc["attempts"]),
        next_attempt_at=dt.datetime.fromisoformat(doc["next_attempt_at"]),
        done_at=time_or_none(doc.get("done_at")),
        last_error=str(doc.get("last_error") or ""),
        lease_owner=doc.get("lease_owner"),
        lease_until=time_or_none(doc.get("lease_until")),
    )


def _rewritten(delivery: Delivery, doc: Mapping[str, Any]) -> dict[str, Any]:
    """``delivery`` as the blob ``doc`` it was read from becomes (what only blobs hold kept)."""
    new = _delivery_doc(delivery, doc["created_at"])
    if doc.get("change"):
        new["change"] = doc["change"]
    return new


def _delivery_doc(delivery: Delivery, created_at: str) -> dict[str, Any]:
    def text(value: dt.datetime | None) -> str | None:
        return timestamp(value) if value is not None else None

    return {
        "id": delivery.id,
        "ticket": parse_id(delivery.ticket_id),
        "kind": delivery.kind,
        "payload": delivery.payload,
        "attempts": delivery.attempts,
        "next_attempt_at": timestamp(delivery.next_attempt_at),
        "done_at": text(delivery.done_at),
        "last_error": delivery.last_error,
        "lease_owner": delivery.lease_owner,
        "lease_until": text(delivery.lease_until),
        "created_at": created_at,
    }


def _delivery_metadata(doc: Mapping[str, Any]) -> dict[str, str]:
    """What ``claim_due`` and ``pending`` filter on, readable from a listing."""
    return {
        "ticket": str(doc["ticket"]),
        "done": "1" if doc.get("done_at") else "0",
        "due": str(doc["next_attempt_at"]),
        "lease": str(doc.get("lease_until") or _NONE),
    }


class BlobStore:
    """``TicketStore`` and ``StateStore`` on one Blob Storage container (created if missing).
    Safe to share between threads, and between processes and hosts on the same container."""

    def __init__(
        self,
        config: BlobConfig,
        *,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
        credential: TokenCredential | None = None,
    ) -> None:
        """``config.account_url`` is reached with ``credential``, by default the host's Azure
        identity (``DefaultAzureCredential``: a managed identity on Azure, else the
        environment's or a developer's sign-in); else ``config.connection_string``."""
        quiet = logging.getLogger("azure.core.pipeline.policies.http_logging_policy")
        if quiet.level == logging.NOTSET:  # one INFO line per request otherwise
            quiet.setLevel(logging.WARNING)
        self._credential: Any = None  # the one made here, closed with the store
        if config.account_url:
            if credential is None:
                from azure.identity import DefaultAzureCredential

                credential = self._credential = DefaultAzureCredential()
            service = BlobServiceClient(
                config.account_url,
                credential=credential,
                connection_timeout=10,
                read_timeout=30,
                retry_policy=ExponentialRetry(**STORAGE_RETRY),
            )
        else:
            try:
                service = BlobServiceClient.from_connection_string(
                    config.connection_string,
                    connection_timeout=10,
                    read_timeout=30,
                    retry_policy=ExponentialRetry(**STORAGE_RETRY),
                )
            except ValueError:  # the message does not hold the secret; the chained one might
                raise StoreError("the Azure Storage connection string is not valid") from None
        self.account = service.account_name or ""
        self.container = config.container
        self.busy_timeout = busy_timeout
        self._service: BlobServiceClient | None = service
        self._client: ContainerClient | None = service.get_container_client(config.container)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._known_tickets: set[int] = set()  # tickets are never deleted: a cache of "exists"
        self._known_changes: set[str] = set()  # tokens of updates known written (see _visible)
        try:
            self._client.create_container()
        except ResourceExistsError:
            pass
        except ClientAuthenticationError as exc:  # no token: say so in one line
            self.close()
            reason = (exc.message or str(exc)).strip().splitlines()[0]
            where = config.account_url or f"account {self.account}"
            raise StoreError(f"cannot sign in to Azure Storage ({where}): {reason}") from None
        except HttpResponseError as exc:
            if exc.status_code != 403:  # 403: a key or SAS that may not create containers;
                self.close()  # the container is then expected to exist already
                raise
        except BaseException:
            self.close()
            raise
        try:
            self._index_old_deliveries()
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"BlobStore(account={self.account!r}, container={self.container!r})"

    def __enter__(self) -> BlobStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
            if self._service is not None:
                self._service.close()
                self._service = None
                self._client = None
            if self._credential is not None:
                self._credential.close()
                self._credential = None

    # ------------------------------------------------------------------ plumbing

    def _container(self) -> ContainerClient:
        client = self._client
        if client is None:
            raise StoreError(f"{self!r} is closed")
        return client

    def _map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``fn`` over ``items``, a few requests at a time (Blob Storage has no batch read)."""
        if len(items) <= 1:
            return [fn(item) for item in items]
        with self._pool_lock:
            self._container()
            if self._pool is None:
                self._pool = ThreadPoolExecutor(PARALLEL_REQUESTS, thread_name_prefix="blobstore")
            pool = self._pool
        return list(pool.map(fn, items))

    def _retrying(self, what: str) -> Iterator[None]:
        """Iterations of a compare-and-swap loop: a short random pause between them, and
        StoreError once ``busy_timeout`` has passed."""
        deadline = time.monotonic() + self.busy_timeout
        delay = 0.005
        while True:
            yield
            if time.monotonic() > deadline:
                raise StoreError(
                    f"{what}: other writers kept changing it for {self.busy_timeout:.0f} s"
                )
            time.sleep(random.uniform(0, delay))
            delay = min(delay * 2, 0.25)

    def _get(self, name: str) -> tuple[dict[str, Any] | None, str | None]:
        """A blob's JSON and its ETag, or (None, None)."""
        try:
            downloader = self._container().get_blob_client(name).download_blob()
            data = downloader.readall()
        except ResourceNotFoundError:
            return None, None
        return json.loads(data), downloader.properties.etag

    def _put(
        self,
        name: str,
        doc: Mapping[str, Any],
        *,
        etag: str | None = None,
        create: bool = False,
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        """Write ``doc``: over the version ``etag`` only, or only if the blob does not exist
        (``create``), or unconditionally. Returns the new ETag; raises _Lost when the condition
        fails. The write's random token tells a lost race from a retried write of our own."""
        token = uuid.uuid4().hex
        body = json.dumps({**doc, _WRITER: token}).encode("ascii")
        options: dict[str, Any] = {"overwrite": True}
        if etag is not None:
            options.update(etag=etag, match_condition=MatchConditions.IfNotModified)
        elif create:
            options = {"overwrite": False}  # If-None-Match: *
        blob = self._container().get_blob_client(name)
        try:
            result = blob.upload_blob(
                body, metadata=dict(metadata or {}), content_settings=_JSON, **options
            )
        except (ResourceModifiedError, ResourceExistsError, ResourceNotFoundError) as exc:
            if etag is None and not create:
                raise
            current, current_etag = self._get(name)
            if current is not None and current.get(_WRITER) == token and current_etag:
                return current_etag  # ours: the SDK retried a write whose answer was lost
            raise _Lost(name) from exc
        return str(result["etag"])

    def _list(self, prefix: str) -> list[tuple[str, dict[str, str]]]:
        return [(name, meta) for name, meta, _ in self._list_aged(prefix)]

    def _list_aged(self, prefix: str) -> list[tuple[str, dict[str, str], float]]:
        """Names, metadata and age in seconds (since the last write) of the blobs under
        ``prefix``."""
        now = dt.datetime.now(dt.UTC)
        return [
            (
                blob.name,
                dict(blob.metadata or {}),
                (now - blob.last_modified).total_seconds() if blob.last_modified else 0.0,
            )
            for blob in self._container().list_blobs(name_starts_with=prefix, include=["metadata"])
        ]

    # ------------------------------------------------------------------ delivery indexes

    def _mark(self, name: str, metadata: Mapping[str, str] | None = None) -> None:
        """Write an index entry: an empty blob, with ``metadata``."""
        self._container().get_blob_client(name).upload_blob(
            b"", metadata=dict(metadata or {}), overwrite=True
        )

    def _unmark(self, name: str) -> None:
        with contextlib.suppress(ResourceNotFoundError):
            self._container().get_blob_client(name).delete_blob()

    def _index(self, doc: Mapping[str, Any]) -> None:
        """Bring the due index in line with a delivery as just written or read (see the
        module's docstring): a done delivery leaves it, an undone one has its due time and
        lease. Never re-creates an entry: one that is gone was removed as done."""
        name = _due_name(int(doc["id"]))
        if doc.get("done_at"):
            self._unmark(name)
            return
        with contextlib.suppress(ResourceNotFoundError):
            self._container().get_blob_client(name).set_blob_metadata(_delivery_metadata(doc))

    def _index_old_deliveries(self) -> None:
        """Index the deliveries of a container written before the indexes (once: then
        ``counters/layout.json`` says so). Idempotent, so instances starting together may
        both do it."""
        layout, _ = self._get("counters/layout.json")
        if layout is not None and int(layout.get("layout", 0)) >= LAYOUT:
            return

        def index(item: tuple[str, dict[str, str]]) -> None:
            name, meta = item
            delivery_id = _id_of(name)
            if delivery_id is None or not meta.get("ticket", "").isdigit():
                return
            self._mark(f"{_ticket_deliveries(int(meta['ticket']))}{delivery_id:010d}")
            if meta.get("done") != "1":
                self._mark(_due_name(delivery_id), meta)

        self._map(index, self._list("deliveries/"))
        self._put("counters/layout.json", {"layout": LAYOUT})

    def _read_indexed(self, number: int | None) -> list[dict[str, Any]]:
        """The deliveries of ticket ``number`` (all of them), or the undone ones of every
        ticket (``number`` None), as their index lists them."""
        prefix = "due/" if number is None else _ticket_deliveries(number)
        ids = [i for i in (_id_of(name) for name, _ in self._list(prefix)) if i is not None]
        found = self._map(self._read_delivery, [_delivery_name(i) for i in ids])
        return [d for d in found if d is not None]

    def _reserve(self, counter: str, count: int, initial: Callable[[], int]) -> range:
        """``count`` fresh numbers from ``counters/<counter>.json`` (compare-and-swap)."""
        name = f"counters/{counter}.json"
        for _ in self._retrying(f"the {counter} counter"):
            doc, etag = self._get(name)
            last = int(doc["last"]) if doc is not None else initial()
            try:
                self._put(name, {"last": last + count}, etag=etag, create=etag is None)
            except _Lost:
                continue
            return range(last + 1, last + count + 1)
        raise AssertionError("unreachable")

    def _highest_ticket(self) -> int:
        numbers = [
            parse_id(name.removeprefix("tickets/").removesuffix(".json")) or 0
            for name, _ in self._list("tickets/")
        ]
        return max(numbers, default=0)

    def _highest_delivery(self) -> int:
        stems = [
            name.removeprefix("deliveries/").removesuffix(".json")
            for name, _ in self._list("deliveries/")
        ]
        return max((int(s) for s in stems if s.isascii() and s.isdigit()), default=0)

    def _visible(self, doc: Mapping[str, Any]) -> bool:
        """A delivery counts once its ticket exists and, if an update enqueued it, once that
        update is written (its token is in the ticket's ``changes``)."""
        number = int(doc["ticket"])
        if not self._ticket_exists(number):
            return False
        token = doc.get("change")
        if not token or token in self._known_changes:
            return True
        if token in self._read_ticket_doc(number)[2]:
            self._known_changes.add(str(token))  # a ticket's changes are never taken back
            return True
        return False

    def _ticket_exists(self, number: int) -> bool:
        if number in self._known_tickets:
            return True
        if self._container().get_blob_client(_ticket_name(number)).exists():
            self._known_tickets.add(number)
            return True
        return False

    # ------------------------------------------------------------------ tickets

    def create_ticket(self, new: NewTicket, now: dt.datetime) -> Ticket:
        opened_ticket(new, 1, now)  # the checks, before a number is taken
        number, ids = self._numbers_for(new)
        existing = self._read_ticket(number)[0] if new.key else None
        if existing is not None:
            return existing  # the key's ticket: created before
        ticket = opened_ticket(new, number, now)
        when = timestamp(now)
        docs = [
            _delivery_doc(new_delivery(i, ticket.id, kind, payload, now), when)
            for i, (kind, payload) in zip(ids, new.deliveries, strict=False)
        ]
        # The deliveries first, the ticket last: until the ticket's blob exists, its
        # deliveries are ignored, so the ticket and its deliveries appear together. With a key,
        # a second try (after a crash, or from another instance) writes the same blobs.
        self._map(self._create_delivery_once, docs)
        try:
            self._write_ticket(ticket, create=True)
        except _Lost:  # the key's other writer finished first
            ticket = self._read_ticket(number)[0] or ticket
        self._known_tickets.add(number)
        return ticket

    def _numbers_for(self, new: NewTicket) -> tuple[int, list[int]]:
        """The ticket's number and its deliveries' ids: fresh ones, or, for a key seen before,
        the ones its first try reserved (``keys/<key>.json``, written only if absent)."""
        name = _key_name("keys/", new.key) + ".json" if new.key else ""
        if name:
            doc, _ = self._get(name)
            if doc is not None and doc.get("key") == new.key:
                return int(doc["ticket"]), [int(i) for i in doc["deliveries"]]
        [number] = self._reserve("tickets", 1, self._highest_ticket)
        count = len(new.deliveries)
        ids = list(self._reserve("deliveries", count, self._highest_delivery)) if count else []
        if name:
            try:
                self._put(name, {"key": new.key, "ticket": number, "deliveries": ids}, create=True)
            except _Lost:  # another try of the same key was first: use its numbers
                doc, _ = self._get(name)
                if doc is None or doc.get("key") != new.key:
                    raise
                return int(doc["ticket"]), [int(i) for i in doc["deliveries"]]
        return number, ids

    def _write_ticket(
        self,
        ticket: Ticket,
        *,
        etag: str | None = None,
        create: bool = False,
        changes: Sequence[str] = (),
    ) -> str:
        """``changes``: the tokens of the updates applied to it that enqueued deliveries
        (those deliveries are ignored until their token is here)."""
        metadata = {
            "status": str(ticket.status),
            "updated": timestamp(ticket.updated_at),
            "erased": "1" if ticket.erased_at else "0",
        }
        return self._put(
            _ticket_name(ticket.number),
            {**ticket.to_json(), "changes": list(changes)},
            etag=etag,
            create=create,
            metadata=metadata,
        )

    def _read_ticket(self, number: int) -> tuple[Ticket | None, str | None]:
        ticket, etag, _ = self._read_ticket_doc(number)
        return ticket, etag

    def _read_ticket_doc(self, number: int) -> tuple[Ticket | None, str | None, list[str]]:
        doc, etag = self._get(_ticket_name(number))
        if doc is None:
            return None, None, []
        return Ticket.from_json(doc), etag, [str(c) for c in doc.get("changes") or ()]

    def get_ticket(self, ticket_id: str) -> Ticket | None:
        number = parse_id(ticket_id)
        return self._read_ticket(number)[0] if number is not None else None

    def list_tickets(self, status: Status | None = None) -> list[Ticket]:
        wanted = str(Status(status)) if status is not None else None
        numbers = [
            parse_id(name.removeprefix("tickets/").removesuffix(".json"))
            for name, meta in self._list("tickets/")
            if wanted is None or meta.get("status") == wanted
        ]
        found = self._map(lambda n: self._read_ticket(n)[0], [n for n in numbers if n])
        tickets = [t for t in found if t is not None and (wanted is None or t.status == wanted)]
        return sorted(tickets, key=lambda t: t.number, reverse=True)

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
        when = timestamp(now)
        change = TicketUpdate(status, assignee, channel_activity_id)
        queued = [checked_delivery(kind, payload) for kind, payload in deliveries]
        number = parse_id(ticket_id)
        if number is None or not self._ticket_exists(number):
            raise KeyError(ticket_id)
        token = ""
        if queued:
            # One write for both: the deliveries are written first, tagged with this change's
            # token, and ignored until the ticket's conditional write below lists the token.
            token = uuid.uuid4().hex
            ids = self._reserve("deliveries", len(queued), self._highest_delivery)
            docs = [
                {
                    **_delivery_doc(new_delivery(i, format_id(number), kind, payload, now), when),
                    "change": token,
                }
                for i, (kind, payload) in zip(ids, queued, strict=True)
            ]
            self._map(self._create_delivery, docs)
        for _ in self._retrying(f"ticket {format_id(number)}"):
            ticket, etag, changes = self._read_ticket_doc(number)
            if ticket is None:
                raise KeyError(ticket_id)
            updated = change.apply(ticket, now=now, expected_version=expected_version)
            try:
                self._write_ticket(
                    updated, etag=etag, changes=[*changes, *([token] if token else [])]
                )
            except _Lost:
                continue  # changed meanwhile: read it again (and check the version again)
            return updated
        raise AssertionError("unreachable")

    def erase_user_tickets(self, user_ids: Sequence[str], note: str, now: dt.datetime) -> list[str]:
        """Reads every ticket not erased yet (its blob's metadata says which: a rare request)."""
        timestamp(now)
        ids = checked_user_ids(user_ids)
        checked_text(note, "note", required=True)
        numbers = [n for n, meta in self._ticket_names() if meta.get("erased") != "1"]
        found = self._map(lambda n: self._read_ticket(n)[0], numbers)
        mine = [t.number for t in found if t is not None and belongs_to(t, ids)]
        return self._erase(mine, lambda ticket: True, note, now)

    def purge_resolved(self, before: dt.datetime, note: str, now: dt.datetime) -> list[str]:
        """Reads only the resolved tickets not erased yet, last changed before ``before``
        (their blob's metadata; a blob written before it had them is read to tell)."""
        timestamp(now)
        checked_text(note, "note", required=True)
        cutoff = utc(before, "before")
        limit = timestamp(cutoff)
        numbers = [
            n
            for n, meta in self._ticket_names()
            if meta.get("status") == str(Status.RESOLVED)
            and meta.get("erased") != "1"
            and meta.get("updated", "") < limit
        ]
        return self._erase(numbers, lambda ticket: outlived(ticket, cutoff), note, now)

    def _ticket_names(self) -> list[tuple[int, dict[str, str]]]:
        """The number and metadata of every ticket's blob."""
        listed = [
            (parse_id(name.removeprefix("tickets/").removesuffix(".json")), meta)
            for name, meta in self._list("tickets/")
        ]
        return [(n, meta) for n, meta in listed if n]

    def _erase(
        self, numbers: Sequence[int], wanted: Callable[[Ticket], bool], note: str, now: dt.datetime
    ) -> list[str]:
        """Erase each ticket of ``numbers`` that is ``wanted`` as read now (a write over the
        ETag read, again on a lost race: a concurrent assignment is kept, not overwritten)."""

        def erase(number: int) -> str | None:
            for _ in self._retrying(f"ticket {format_id(number)}"):
                ticket, etag, changes = self._read_ticket_doc(number)
                changed = erased(ticket, note, now) if ticket and wanted(ticket) else None
                if changed is None:
                    return None
                try:
                    self._write_ticket(changed, etag=etag, changes=changes)
                except _Lost:
                    continue
                return changed.id
            raise AssertionError("unreachable")

        return [i for i in self._map(erase, sorted(numbers)) if i is not None]

    # ------------------------------------------------------------------ deliveries

    def _create_delivery_once(self, doc: Mapping[str, Any]) -> None:
        """Create it, unless an earlier try of the same keyed ticket did."""
        with contextlib.suppress(_Lost):
            self._create_delivery(doc)

    def _create_delivery(self, doc: Mapping[str, Any]) -> None:
        """Its index entries first: never a delivery without them."""
        delivery_id, metadata = int(doc["id"]), _delivery_metadata(doc)
        self._mark(f"{_ticket_deliveries(int(doc['ticket']))}{delivery_id:010d}")
        self._mark(_due_name(delivery_id), metadata)
        self._put(_delivery_name(delivery_id), doc, create=True, metadata=metadata)

    def _read_delivery(self, name: str) -> dict[str, Any] | None:
        return self._get(name)[0]

    def enqueue(
        self, ticket_id: str, kind: str, payload: Mapping[str, Any], now: dt.datetime
    ) -> Delivery:
        when = timestamp(now)
        kind, value = checked_delivery(kind, payload)
        number = parse_id(ticket_id)
        if number is None or not self._ticket_exists(number):
            raise KeyError(ticket_id)
        [delivery_id] = self._reserve("deliveries", 1, self._highest_delivery)
        delivery = new_delivery(delivery_id, format_id(number), kind, value, now)
        self._create_delivery(_delivery_doc(delivery, when))
        return delivery

    def _undone(self, number: int | None = None) -> list[dict[str, Any]]:
        """Undone deliveries of existing tickets (of one, or all), as read now."""
        docs = [d for d in self._read_indexed(number) if not d.get("done_at")]
        return [d for d in docs if self._visible(d)]

    def claim_due(
        self,
        now: dt.datetime,
        owner: str,
        lease: dt.timedelta,
        limit: int = 10,
        ticket_id: str | None = None,
    ) -> list[Delivery]:
        when = timestamp(now)
        checked_claim(owner, lease)
        number = parse_id(ticket_id) if ticket_id is not None else None
        if limit < 1 or (ticket_id is not None and number is None):
            return []
        candidates = sorted(
            (meta["due"], entry, age)
            for entry, meta, age in self._list_aged("due/")  # the undone deliveries only
            if (number is None or meta.get("ticket") == str(number))
            and meta.get("due", "~") <= when
            and (meta.get("lease", _NONE) == _NONE or meta["lease"] <= when)
        )
        claimed: list[Delivery] = []
        for _, entry, age in candidates:  # names sort as ids: (due, id) order
            if len(claimed) >= limit:
                break
            delivery_id = _id_of(entry)
            if delivery_id is None:
                continue
            name = _delivery_name(delivery_id)
            doc, etag = self._get(name)
            if doc is None or not self._visible(doc):
                if age > ORPHAN_SECONDS:  # its delivery, ticket or update was never written
                    self._unmark(entry)
                continue
            if not is_claimable(_delivery(doc), now):
                self._index(doc)  # a stale entry: done, leased or failed meanwhile
                continue
            delivery = leased(_delivery(doc), owner, now + lease)
            new = _rewritten(delivery, doc)
            try:
                self._put(name, new, etag=etag, metadata=_delivery_metadata(new))
            except _Lost:
                continue  # another worker claimed (or finished) it first
            self._index(new)
            claimed.append(delivery)
        return claimed

    def _change_delivery(
        self, delivery_id: int, change: Callable[[Delivery], Delivery | None]
    ) -> Delivery:
        """Read, change and write back a delivery, over the ETag read (again on a lost race).
        ``change`` returns None to leave it as it is."""
        if isinstance(delivery_id, bool) or not isinstance(delivery_id, int) or delivery_id < 1:
            raise KeyError(delivery_id)
        name = _delivery_name(delivery_id)
        for _ in self._retrying(f"delivery {delivery_id}"):
            doc, etag = self._get(name)
            if doc is None:
                raise KeyError(delivery_id)
            delivery = _delivery(doc)
            changed = change(delivery)
            if changed is None:
                return delivery
            new = _rewritten(changed, doc)
            try:
                self._put(name, new, etag=etag, metadata=_delivery_metadata(new))
            except _Lost:
                continue
            self._index(new)
            return changed
        raise AssertionError("unreachable")

    def complete(self, delivery_id: int, now: dt.datetime) -> Delivery:
        """Mark it done (``completed``)."""
        timestamp(now)
        return self._change_delivery(delivery_id, lambda d: completed(d, now))

    def fail(
        self, delivery_id: int, error: str, now: dt.datetime, *, owner: str | None = None
    ) -> Delivery:
        """Record a failed attempt (``failed``)."""
        timestamp(now)
        return self._change_delivery(delivery_id, lambda d: failed(d, error, now, owner))

    def pending(self, ticket_id: str | None = None) -> list[Delivery]:
        number = None
        if ticket_id is not None:
            number = parse_id(ticket_id)
            if number is None:
                return []
        docs = self._undone(number)
        docs.sort(key=lambda d: (d["next_attempt_at"], int(d["id"])))
        return [_delivery(d) for d in docs]

    def deliveries(self, ticket_id: str) -> list[Delivery]:
        number = parse_id(ticket_id)
        if number is None or not self._ticket_exists(number):
            return []
        docs = [d for d in self._read_indexed(number) if self._visible(d)]
        return [_delivery(d) for d in sorted(docs, key=lambda d: int(d["id"]))]

    # ------------------------------------------------------------------ settings

    def get_setting(self, key: str) -> dict[str, Any] | None:
        doc, _ = self._get(_key_name("settings/", checked_text(key, "key")) + ".json")
        return dict(doc["value"]) if doc is not None and doc.get("key") == key else None

    def set_setting(self, key: str, value: Mapping[str, Any]) -> None:
        checked = checked_mapping(value, "value")
        key = checked_text(key, "key", required=True)
        self._put(_key_name("settings/", key) + ".json", {"key": key, "value": checked})

    def take_quota(self, counters: Sequence[tuple[str, int]], token: str = "") -> bool:
        checked = checked_quota(counters)
        wanted = [(_quota_name(key), limit) for key, limit in checked]
        taken = _quota_name(quota_token(checked_text(token, "token"), checked))
        if token and self._get(taken)[0] is not None:
            return True  # counted before
        for name, limit in wanted:  # every counter first: at its limit, nothing is counted
            doc, _ = self._get(name)
            if doc is not None and int(doc["count"]) >= limit:
                return False
        counted: list[str] = []
        for name, limit in wanted:
            if not self._count(name, limit, +1):  # another instance took the last one meanwhile
                for done in counted:  # give back what this take counted: none of them, or all
                    self._count(done, None, -1)
                return False
            counted.append(name)
        if token:
            with contextlib.suppress(_Lost):  # the same token's other take recorded it first
                self._put(taken, {"count": 1}, create=True)
        return True

    def _count(self, name: str, limit: int | None, step: int) -> bool:
        """Add ``step`` to a quota counter with a compare-and-swap (eTag), unless it is at
        ``limit`` (False)."""
        for _ in self._retrying("a quota counter"):
            doc, etag = self._get(name)
            count = int(doc["count"]) if doc is not None else 0
            if limit is not None and count >= limit:
                return False
            try:
                self._put(name, {"count": max(count + step, 0)}, etag=etag, create=etag is None)
            except _Lost:
                continue
            return True
        raise AssertionError("unreachable: _retrying raises when it gives up")

    def purge_quota(self, before: dt.date) -> int:
        checked_day(before, "before")
        names = self._days_before("quota/", before)
        # quota/<key>.json: counters written before the windows had folders (no longer read)
        for item in self._container().walk_blobs(name_starts_with="quota/", delimiter="/"):
            window = quota_window(unquote(item.name[len("quota/") :].removesuffix(".json")))
            if not item.name.endswith("/") and window is not None and window < before:
                names.append(item.name)
        return self._delete_all(names)

    # ------------------------------------------------------------------ state (botbuilder)

    def read_state(self, keys: Sequence[str]) -> dict[str, tuple[dict[str, Any], str]]:
        wanted = list(dict.fromkeys(keys))

        def read(key: str) -> tuple[dict[str, Any], str] | None:
            doc, etag = self._get(_key_name("state/", key))
            if doc is None or doc.get("key") != key or etag is None:
                return None
            return dict(doc["value"]), etag

        found = self._map(read, wanted)
        return {key: item for key, item in zip(wanted, found, strict=True) if item is not None}

    def write_state(
        self, changes: Mapping[str, tuple[Mapping[str, Any], str | None]]
    ) -> dict[str, str]:
        checked: list[tuple[str, dict[str, Any], str]] = []  # etag-checked: (key, doc, etag)
        blind: list[tuple[str, dict[str, Any]]] = []  # None or "*": written whatever is there
        for key, (value, etag) in checked_state(changes).items():
            doc = {"key": key, "value": value}
            if etag is None or etag == "*":
                blind.append((key, doc))
            else:
                checked.append((key, doc, etag))
        # Every eTag is checked before anything is written.
        current = self._map(lambda item: self._get(_key_name("state/", item[0])), checked)
        for (key, _, etag), (_, now_etag) in zip(checked, current, strict=True):
            if now_etag is not None and now_etag != etag:
                raise ConflictError(
                    f"state {key!r} changed meanwhile (eTag {etag}, now {now_etag})"
                )
        new_etags: dict[str, str] = {}
        written: list[tuple[str, dict[str, Any] | None, str]] = []  # name, before, new etag
        for (key, doc, etag), (before, now_etag) in zip(checked, current, strict=True):
            name = _key_name("state/", key)
            try:  # a key that does not exist yet is written whatever the etag: if still absent
                new = self._put(name, doc, etag=now_etag, create=now_etag is None)
            except _Lost:
                self._undo(written)
                raise ConflictError(f"state {key!r} changed meanwhile (eTag {etag})") from None
            written.append((name, before, new))
            new_etags[key] = new
        blind_etags = self._map(
            lambda item: self._put(_key_name("state/", item[0]), item[1]), blind
        )
        new_etags.update((key, new) for (key, _), new in zip(blind, blind_etags, strict=True))
        return {key: new_etags[key] for key in changes}

    def _undo(self, written: Iterable[tuple[str, dict[str, Any] | None, str]]) -> None:
        """Put back what a refused batch had written already, unless changed again since."""
        for name, before, etag in written:
            try:
                if before is None:
                    self._container().get_blob_client(name).delete_blob(
                        etag=etag, match_condition=MatchConditions.IfNotModified
                    )
                else:
                    before.pop(_WRITER, None)
                    self._put(name, before, etag=etag)
            except (_Lost, ResourceModifiedError, ResourceNotFoundError):
                logging.getLogger(__name__).warning("state %s changed again: not put back", name)

    def delete_state(self, keys: Sequence[str]) -> None:
        def delete(key: str) -> None:
            with contextlib.suppress(ResourceNotFoundError):
                self._container().get_blob_client(_key_name("state/", key)).delete_blob()

        self._map(delete, list(dict.fromkeys(keys)))

    # ------------------------------------------------------------------ analytics
    # A blob of counters per day (analytics/counts/<day>.json), incremented by compare-and-swap
    # on its ETag; a blob per fallback question (analytics/fallbacks/<day>/<time>-<random>.json),
    # only ever created or deleted: no writer waits for another, and a day is purged as a whole.

    def add_counts(self, day: dt.date, counts: Mapping[str, int]) -> None:
        text = checked_day(day).isoformat()
        increments = checked_counts(counts)
        if not increments:
            return
        name = f"analytics/counts/{text}.json"
        for _ in self._retrying(f"the counters of {text}"):
            doc, etag = self._get(name)
            current: dict[str, int] = dict(doc["counts"]) if doc is not None else {}
            for key, n in increments.items():
                current[key] = int(current.get(key, 0)) + n
            try:
                self._put(name, {"day": text, "counts": current}, etag=etag, create=etag is None)
            except _Lost:
                continue
            return

    def _days(self, prefix: str) -> list[tuple[dt.date, str]]:
        """The days under ``prefix`` (names ``<prefix><day>.json`` or ``<prefix><day>/``)."""
        found = []
        for item in self._container().walk_blobs(name_starts_with=prefix, delimiter="/"):
            day = item.name[len(prefix) :].removesuffix("/").removesuffix(".json")
            with contextlib.suppress(ValueError):
                found.append((dt.date.fromisoformat(day), item.name))
        return sorted(found)

    def read_counts(self, since: dt.date) -> dict[dt.date, dict[str, int]]:
        checked_day(since, "since")
        wanted = [(day, name) for day, name in self._days("analytics/counts/") if day >= since]
        docs = self._map(lambda item: self._get(item[1])[0], wanted)
        return {
            day: {str(k): int(v) for k, v in doc["counts"].items()}
            for (day, _), doc in zip(wanted, docs, strict=True)
            if doc is not None
        }

    def add_fallback(self, question: str, now: dt.datetime) -> None:
        at = timestamp(now)
        text = cut_question(checked_text(question, "question"))
        stamp = utc(now).strftime("%H%M%S%f")
        name = f"analytics/fallbacks/{at[:10]}/{stamp}-{uuid.uuid4().hex}.json"
        self._put(name, {"at": at, "question": text}, create=True)

    def read_fallbacks(self, since: dt.date) -> list[tuple[dt.datetime, str]]:
        checked_day(since, "since")
        names = [
            name
            for day, prefix in self._days("analytics/fallbacks/")
            if day >= since
            for name, _ in self._list(prefix)
        ]
        docs = [d for d in self._map(lambda name: self._get(name)[0], names) if d is not None]
        found = [(dt.datetime.fromisoformat(d["at"]), str(d["question"])) for d in docs]
        return sorted(found, key=lambda item: item[0])

    def purge_fallbacks(self, before: dt.date) -> int:
        checked_day(before, "before")
        return self._delete_all(self._days_before("analytics/fallbacks/", before))

    def _days_before(self, prefix: str, before: dt.date) -> list[str]:
        """The blobs in the day folders under ``prefix`` (``_days``) of days before ``before``."""
        return [
            name
            for day, folder in self._days(prefix)
            if day < before
            for name, _ in self._list(folder)
        ]

    def _delete_all(self, names: Sequence[str]) -> int:
        """Delete these blobs; how many this call deleted."""

        def delete(name: str) -> int:
            try:
                self._container().get_blob_client(name).delete_blob()
            except ResourceNotFoundError:
                return 0  # another instance purged it first
            return 1

        return sum(self._map(delete, names))
