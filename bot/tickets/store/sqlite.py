"""The durable store: tickets, their deliveries, settings and the bot's state, in one place.

``TicketStore`` and ``StateStore`` are the backend-neutral interface (plain values in and out,
synchronous: callers run them in a thread, e.g. ``asyncio.to_thread``). ``SqliteStore`` implements
both on one embedded SQLite file:

- WAL journal with ``synchronous=FULL``: once a method returns, its write is on disk and survives
  the process being killed (even SIGKILL) or the machine losing power;
- every write is one ``BEGIN IMMEDIATE`` transaction, so several threads or processes (several bot
  instances on one file) never interleave: ticket numbers are unique and consecutive, a delivery
  is leased to one worker at a time, a stale version or eTag is refused;
- the schema is versioned in the ``meta`` table; a file from a newer version is refused.

``bot.tickets.store.blob.BlobStore`` implements both on Azure Blob Storage, shared by several
instances;
``open_store`` opens the one the settings choose (``ASSISTANT_STORE``).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from bot.tickets.model import KINDS, Delivery, Status, Ticket, Turn, backoff, format_id, parse_id

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.tickets.store.blob import BlobStore

SCHEMA_VERSION = 1
BUSY_TIMEOUT_SECONDS = 30.0
MAX_ERROR_CHARS = 2000

_SCHEMA: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE tickets (
            number INTEGER PRIMARY KEY,
            route TEXT NOT NULL,
            contact_email TEXT NOT NULL,
            description TEXT NOT NULL,
            user_name TEXT NOT NULL,
            user_aad_id TEXT NOT NULL,
            user_email TEXT NOT NULL,
            transcript TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'resolved')),
            assignee TEXT NOT NULL DEFAULT '',
            conversation_reference TEXT NOT NULL,
            channel_activity_id TEXT,
            version INTEGER NOT NULL
        )""",
        "CREATE INDEX tickets_by_status ON tickets (status, number)",
        """CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ticket_number INTEGER NOT NULL REFERENCES tickets (number),
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            done_at TEXT,
            last_error TEXT NOT NULL DEFAULT '',
            lease_owner TEXT,
            lease_until TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX deliveries_due ON deliveries (next_attempt_at, id) WHERE done_at IS NULL",
        "CREATE INDEX deliveries_by_ticket ON deliveries (ticket_number, id)",
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            etag TEXT NOT NULL
        )""",
    ),
}


class StoreError(RuntimeError):
    """The store cannot be used (closed, or a database from a newer version)."""


class ConflictError(Exception):
    """A write was refused because what it was based on changed meanwhile: a ticket's version
    or a state item's eTag does not match, or another worker holds a delivery's lease."""


# --------------------------------------------------------------------------- the interface


@runtime_checkable
class TicketStore(Protocol):
    """Tickets, their deliveries and small settings. Times must be timezone-aware."""

    def create_ticket(
        self,
        *,
        route: str,
        contact_email: str,
        description: str,
        user_name: str,
        user_aad_id: str,
        user_email: str,
        transcript: Sequence[Turn],
        conversation_reference: Mapping[str, Any],
        now: dt.datetime,
        deliveries: Sequence[tuple[str, Mapping[str, Any]]] = (),
    ) -> Ticket:
        """A new open ticket with the next number (unique across instances), plus its
        ``deliveries`` (kind, payload) enqueued in the same transaction."""
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
    ) -> Ticket:
        """Change the given fields; bump the version when the status or the assignee change.
        KeyError: unknown ticket; ConflictError: ``expected_version`` is not the current one."""
        ...

    def enqueue(
        self, ticket_id: str, kind: str, payload: Mapping[str, Any], now: dt.datetime
    ) -> Delivery: ...

    def claim_due(
        self, now: dt.datetime, owner: str, lease: dt.timedelta, limit: int = 10
    ) -> list[Delivery]:
        """Lease up to ``limit`` due, undone deliveries that nobody else holds a live lease on."""
        ...

    def complete(self, delivery_id: int, now: dt.datetime) -> Delivery: ...

    def fail(
        self, delivery_id: int, error: str, now: dt.datetime, *, owner: str | None = None
    ) -> Delivery:
        """attempts + 1, due again after ``backoff(attempts)``, lease released."""
        ...

    def pending(self, ticket_id: str | None = None) -> list[Delivery]:
        """Undone deliveries (of one ticket, or all), the soonest due first."""
        ...

    def deliveries(self, ticket_id: str) -> list[Delivery]:
        """All deliveries of a ticket, done or not, oldest first."""
        ...

    def get_setting(self, key: str) -> dict[str, Any] | None: ...

    def set_setting(self, key: str, value: Mapping[str, Any]) -> None: ...

    def close(self) -> None: ...


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


# --------------------------------------------------------------------------- helpers


def _ts(value: dt.datetime, name: str = "now") -> str:
    """A timezone-aware time as fixed-width UTC ISO 8601 text (so that text order is time
    order in SQL)."""
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (e.g. datetime.now(UTC)), not {value}")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _json(value: Any, name: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not JSON-compatible: {exc}") from exc


def _mapping(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, not {type(value).__name__}")
    return dict(value)


def _text(value: object, name: str, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if required and not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


@dataclass(frozen=True)
class NewTicket:
    """The fields of a ticket to create, checked: what every store writes."""

    route: str
    fields: dict[str, str]  # contact_email, description, user_name, user_aad_id, user_email
    transcript: tuple[Turn, ...]
    conversation_reference: dict[str, Any]
    created: str  # UTC ISO time, as ``_ts`` writes it


def checked_ticket(
    *,
    route: str,
    contact_email: str,
    description: str,
    user_name: str,
    user_aad_id: str,
    user_email: str,
    transcript: Sequence[Turn],
    conversation_reference: Mapping[str, Any],
    now: dt.datetime,
) -> NewTicket:
    """Check the arguments of ``create_ticket`` (TypeError / ValueError naming the field)."""
    turns = tuple(transcript)
    for turn in turns:
        if not isinstance(turn, Turn):
            raise TypeError(f"transcript items must be Turn, not {type(turn).__name__}")
    _json([t.to_json() for t in turns], "transcript")
    reference = _mapping(conversation_reference, "conversation_reference")
    return NewTicket(
        route=_text(route, "route", required=True),
        fields={
            "contact_email": _text(contact_email, "contact_email"),
            "description": _text(description, "description"),
            "user_name": _text(user_name, "user_name"),
            "user_aad_id": _text(user_aad_id, "user_aad_id"),
            "user_email": _text(user_email, "user_email"),
        },
        transcript=turns,
        conversation_reference=json.loads(_json(reference, "conversation_reference")),
        created=_ts(now),
    )


def _ticket(row: sqlite3.Row) -> Ticket:
    return Ticket(
        id=format_id(row["number"]),
        number=row["number"],
        route=row["route"],
        contact_email=row["contact_email"],
        description=row["description"],
        user_name=row["user_name"],
        user_aad_id=row["user_aad_id"],
        user_email=row["user_email"],
        transcript=tuple(Turn.from_json(t) for t in json.loads(row["transcript"])),
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        updated_at=dt.datetime.fromisoformat(row["updated_at"]),
        status=Status(row["status"]),
        assignee=row["assignee"],
        conversation_reference=json.loads(row["conversation_reference"]),
        channel_activity_id=row["channel_activity_id"],
        version=row["version"],
    )


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(
        id=row["id"],
        ticket_id=format_id(row["ticket_number"]),
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        attempts=row["attempts"],
        next_attempt_at=dt.datetime.fromisoformat(row["next_attempt_at"]),
        done_at=_time(row["done_at"]),
        last_error=row["last_error"],
        lease_owner=row["lease_owner"],
        lease_until=_time(row["lease_until"]),
    )


# --------------------------------------------------------------------------- SQLite


class SqliteStore:
    """``TicketStore`` and ``StateStore`` on one SQLite file (created, with its folder, on first
    use). Safe to share between threads (one connection behind a lock) and between processes
    (SQLite's file locks; writers wait up to ``busy_timeout`` seconds for each other)."""

    def __init__(self, path: Path | str, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        conn = sqlite3.connect(
            str(self.path) if self.path is not None else ":memory:",
            timeout=busy_timeout,
            isolation_level=None,  # transactions are explicit: BEGIN IMMEDIATE ... COMMIT
            check_same_thread=False,
        )
        conn.row_factory = sqlite3.Row
        self._db: sqlite3.Connection | None = conn
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            self._use_wal(conn, busy_timeout)
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except BaseException:
            conn.close()
            self._db = None
            raise

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path or ':memory:')!r})"

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # ------------------------------------------------------------------ plumbing

    def _use_wal(self, conn: sqlite3.Connection, busy_timeout: float) -> None:
        """Switch the file to WAL (once: the mode is kept in the file). The switch needs the
        file to itself and SQLite does not wait for that, so retry while others open it too."""
        deadline = time.monotonic() + busy_timeout
        delay = 0.005
        while conn.execute("PRAGMA journal_mode").fetchone()[0] not in ("wal", "memory"):
            try:
                conn.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.2)

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError(f"{self!r} is closed")
        return self._db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding SQLite's write lock from its start (so that what it
        reads cannot change before it commits); rolled back on any error."""
        with self._lock:
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                self._commit(conn)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _commit(self, conn: sqlite3.Connection) -> None:
        conn.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn().execute(sql, params).fetchall()

    def _migrate(self) -> None:
        with self._write() as conn:
            has_meta = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
            ).fetchone()
            version = 0
            if has_meta:
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                version = int(row["value"]) if row else 0
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} has schema version {version}, newer than this program's "
                    f"({SCHEMA_VERSION}): update the program"
                )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _SCHEMA[step]:
                    conn.execute(statement)
            if version < SCHEMA_VERSION:
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )

    def schema_version(self) -> int:
        row = self._read("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(row[0]["value"])

    # ------------------------------------------------------------------ tickets

    def create_ticket(
        self,
        *,
        route: str,
        contact_email: str,
        description: str,
        user_name: str,
        user_aad_id: str,
        user_email: str,
        transcript: Sequence[Turn],
        conversation_reference: Mapping[str, Any],
        now: dt.datetime,
        deliveries: Sequence[tuple[str, Mapping[str, Any]]] = (),
    ) -> Ticket:
        new = checked_ticket(
            route=route,
            contact_email=contact_email,
            description=description,
            user_name=user_name,
            user_aad_id=user_aad_id,
            user_email=user_email,
            transcript=transcript,
            conversation_reference=conversation_reference,
            now=now,
        )
        when = new.created
        values = {
            **new.fields,
            "route": new.route,
            "transcript": _json([t.to_json() for t in new.transcript], "transcript"),
            "conversation_reference": _json(new.conversation_reference, "reference"),
            "now": when,
            "status": str(Status.OPEN),
        }
        queued = [self._checked_delivery(kind, payload) for kind, payload in deliveries]
        with self._write() as conn:
            number = conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM tickets").fetchone()[0]
            conn.execute(
                """INSERT INTO tickets (number, route, contact_email, description, user_name,
                    user_aad_id, user_email, transcript, created_at, updated_at, status,
                    assignee, conversation_reference, channel_activity_id, version)
                VALUES (:number, :route, :contact_email, :description, :user_name,
                    :user_aad_id, :user_email, :transcript, :now, :now, :status,
                    '', :conversation_reference, NULL, 1)""",
                {**values, "number": number},
            )
            for kind, payload in queued:
                self._insert_delivery(conn, number, kind, payload, when)
            row = conn.execute("SELECT * FROM tickets WHERE number = ?", (number,)).fetchone()
        return _ticket(row)

    def get_ticket(self, ticket_id: str) -> Ticket | None:
        number = parse_id(ticket_id)
        if number is None:
            return None
        rows = self._read("SELECT * FROM tickets WHERE number = ?", (number,))
        return _ticket(rows[0]) if rows else None

    def list_tickets(self, status: Status | None = None) -> list[Ticket]:
        if status is None:
            rows = self._read("SELECT * FROM tickets ORDER BY number DESC")
        else:
            rows = self._read(
                "SELECT * FROM tickets WHERE status = ? ORDER BY number DESC",
                (str(Status(status)),),
            )
        return [_ticket(r) for r in rows]

    def update_ticket(
        self,
        ticket_id: str,
        *,
        now: dt.datetime,
        expected_version: int | None = None,
        status: Status | None = None,
        assignee: str | None = None,
        channel_activity_id: str | None = None,
    ) -> Ticket:
        when = _ts(now)
        changes: dict[str, Any] = {}
        if status is not None:
            changes["status"] = str(Status(status))
        if assignee is not None:
            changes["assignee"] = _text(assignee, "assignee")
        if channel_activity_id is not None:
            changes["channel_activity_id"] = _text(channel_activity_id, "channel_activity_id")
        if not changes:
            raise ValueError("update_ticket: give at least one of status, assignee, activity id")
        number = parse_id(ticket_id)
        if number is None:
            raise KeyError(ticket_id)
        with self._write() as conn:
            row = conn.execute("SELECT version FROM tickets WHERE number = ?", (number,)).fetchone()
            if row is None:
                raise KeyError(ticket_id)
            if expected_version is not None and row["version"] != expected_version:
                raise ConflictError(
                    f"{format_id(number)} is at version {row['version']}, "
                    f"not {expected_version}: reload it and try again"
                )
            assignments = ", ".join(f"{column} = :{column}" for column in changes)
            # The version guards what a ticket card shows (status, assignee): noting where the
            # card was posted must not make that card stale.
            bump = ", version = version + 1" if {"status", "assignee"} & changes.keys() else ""
            conn.execute(
                f"UPDATE tickets SET {assignments}, updated_at = :now{bump} WHERE number = :number",
                {**changes, "now": when, "number": number},
            )
            row = conn.execute("SELECT * FROM tickets WHERE number = ?", (number,)).fetchone()
        return _ticket(row)

    # ------------------------------------------------------------------ deliveries

    @staticmethod
    def _checked_delivery(kind: str, payload: Mapping[str, Any]) -> tuple[str, str]:
        if kind not in KINDS:
            raise ValueError(f"delivery kind must be one of {', '.join(KINDS)}, not {kind!r}")
        return kind, _json(_mapping(payload, "payload"), "payload")

    @staticmethod
    def _insert_delivery(
        conn: sqlite3.Connection, number: int, kind: str, payload: str, when: str
    ) -> int:
        cursor = conn.execute(
            """INSERT INTO deliveries (ticket_number, kind, payload, attempts, next_attempt_at,
                created_at)
            VALUES (?, ?, ?, 0, ?, ?)""",
            (number, kind, payload, when, when),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def enqueue(
        self, ticket_id: str, kind: str, payload: Mapping[str, Any], now: dt.datetime
    ) -> Delivery:
        when = _ts(now)
        kind, text = self._checked_delivery(kind, payload)
        number = parse_id(ticket_id)
        if number is None:
            raise KeyError(ticket_id)
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM tickets WHERE number = ?", (number,)).fetchone() is None:
                raise KeyError(ticket_id)
            delivery_id = self._insert_delivery(conn, number, kind, text, when)
            row = conn.execute("SELECT * FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
        return _delivery(row)

    def claim_due(
        self, now: dt.datetime, owner: str, lease: dt.timedelta, limit: int = 10
    ) -> list[Delivery]:
        when = _ts(now)
        _text(owner, "owner", required=True)
        if lease <= dt.timedelta(0):
            raise ValueError(f"lease must be positive, not {lease}")
        if limit < 1:
            return []
        until = _ts(now + lease)
        with self._write() as conn:
            ids = [
                r["id"]
                for r in conn.execute(
                    """SELECT id FROM deliveries
                    WHERE done_at IS NULL AND next_attempt_at <= :now
                        AND (lease_until IS NULL OR lease_until <= :now)
                    ORDER BY next_attempt_at, id LIMIT :limit""",
                    {"now": when, "limit": limit},
                )
            ]
            rows: list[sqlite3.Row] = []
            for delivery_id in ids:
                conn.execute(
                    "UPDATE deliveries SET lease_owner = ?, lease_until = ? WHERE id = ?",
                    (owner, until, delivery_id),
                )
                rows.append(
                    conn.execute("SELECT * FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
                )
        return [_delivery(r) for r in rows]

    def complete(self, delivery_id: int, now: dt.datetime) -> Delivery:
        """Mark it done (once: completing again keeps the first time) and release its lease."""
        when = _ts(now)
        with self._write() as conn:
            cursor = conn.execute(
                """UPDATE deliveries SET done_at = COALESCE(done_at, ?), lease_owner = NULL,
                    lease_until = NULL WHERE id = ?""",
                (when, delivery_id),
            )
            if cursor.rowcount == 0:
                raise KeyError(delivery_id)
            row = conn.execute("SELECT * FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
        return _delivery(row)

    def fail(
        self, delivery_id: int, error: str, now: dt.datetime, *, owner: str | None = None
    ) -> Delivery:
        """Record a failed attempt: attempts + 1, due again at ``now + backoff(attempts)``, lease
        released. A delivery already done stays done. With ``owner``: ConflictError if another
        worker holds a live lease on it (this worker's lease ran out and it was claimed again)."""
        when = _ts(now)
        with self._write() as conn:
            row = conn.execute("SELECT * FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
            if row is None:
                raise KeyError(delivery_id)
            if row["done_at"] is not None:
                return _delivery(row)
            held = row["lease_owner"] is not None and (row["lease_until"] or "") > when
            if owner is not None and held and row["lease_owner"] != owner:
                raise ConflictError(
                    f"delivery {delivery_id} is leased to {row['lease_owner']}, not {owner}"
                )
            attempts = row["attempts"] + 1
            conn.execute(
                """UPDATE deliveries SET attempts = ?, next_attempt_at = ?, last_error = ?,
                    lease_owner = NULL, lease_until = NULL WHERE id = ?""",
                (attempts, _ts(now + backoff(attempts)), str(error)[:MAX_ERROR_CHARS], delivery_id),
            )
            row = conn.execute("SELECT * FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
        return _delivery(row)

    def pending(self, ticket_id: str | None = None) -> list[Delivery]:
        if ticket_id is None:
            rows = self._read(
                "SELECT * FROM deliveries WHERE done_at IS NULL ORDER BY next_attempt_at, id"
            )
        else:
            number = parse_id(ticket_id)
            if number is None:
                return []
            rows = self._read(
                """SELECT * FROM deliveries WHERE done_at IS NULL AND ticket_number = ?
                ORDER BY next_attempt_at, id""",
                (number,),
            )
        return [_delivery(r) for r in rows]

    def deliveries(self, ticket_id: str) -> list[Delivery]:
        number = parse_id(ticket_id)
        if number is None:
            return []
        rows = self._read("SELECT * FROM deliveries WHERE ticket_number = ? ORDER BY id", (number,))
        return [_delivery(r) for r in rows]

    # ------------------------------------------------------------------ settings

    def get_setting(self, key: str) -> dict[str, Any] | None:
        rows = self._read("SELECT value FROM settings WHERE key = ?", (_text(key, "key"),))
        return json.loads(rows[0]["value"]) if rows else None

    def set_setting(self, key: str, value: Mapping[str, Any]) -> None:
        text = _json(_mapping(value, "value"), "value")
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                (_text(key, "key", required=True), text),
            )

    # ------------------------------------------------------------------ state (botbuilder)

    def read_state(self, keys: Sequence[str]) -> dict[str, tuple[dict[str, Any], str]]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, tuple[dict[str, Any], str]] = {}
        with self._lock:
            conn = self._conn()
            for start in range(0, len(wanted), 500):  # SQLite's limit on parameters
                chunk = wanted[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                for row in conn.execute(
                    f"SELECT key, value, etag FROM state WHERE key IN ({marks})", chunk
                ):
                    found[row["key"]] = (json.loads(row["value"]), row["etag"])
        return {key: found[key] for key in wanted if key in found}

    def write_state(
        self, changes: Mapping[str, tuple[Mapping[str, Any], str | None]]
    ) -> dict[str, str]:
        prepared: list[tuple[str, str, str | None]] = []
        for key, (value, etag) in changes.items():
            _text(key, "state key")
            if etag == "":
                raise ValueError(f"state {key!r}: an empty etag (use None or '*' to overwrite)")
            prepared.append((key, json.dumps(_mapping(value, f"state {key!r}")), etag))
        new_etags: dict[str, str] = {}
        with self._write() as conn:
            for key, text, etag in prepared:
                if etag is not None and etag != "*":
                    row = conn.execute("SELECT etag FROM state WHERE key = ?", (key,)).fetchone()
                    if row is not None and row["etag"] != etag:
                        raise ConflictError(
                            f"state {key!r} changed meanwhile (eTag {etag}, now {row['etag']})"
                        )
                new_etags[key] = uuid.uuid4().hex
                conn.execute(
                    "INSERT OR REPLACE INTO state (key, value, etag) VALUES (?, ?, ?)",
                    (key, text, new_etags[key]),
                )
        return new_etags

    def delete_state(self, keys: Sequence[str]) -> None:
        keys = list(keys)
        if not keys:
            return
        with self._write() as conn:
            conn.executemany("DELETE FROM state WHERE key = ?", [(k,) for k in keys])


def open_store(settings: Settings) -> SqliteStore | BlobStore:
    """The store the settings choose: the SQLite file (default) or Azure Blob Storage
    (``ASSISTANT_STORE=blob``; azure-storage-blob is imported only then)."""
    if settings.store_backend == "blob":
        from bot.tickets.store.blob import BlobStore

        return BlobStore(settings.azure_storage_connection_string, settings.azure_storage_container)
    return SqliteStore(settings.store_path)
