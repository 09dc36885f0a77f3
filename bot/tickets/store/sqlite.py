"""The store on one embedded SQLite file: tickets, their deliveries, settings and the bot's state.

``SqliteStore`` implements ``TicketStore`` and ``StateStore`` (``bot.tickets.store.contract``,
whose checks and rules it applies inside its transactions):

- WAL journal with ``synchronous=FULL``: once a method returns, its write is on disk and survives
  the process being killed (even SIGKILL) or the machine losing power;
- every write is one ``BEGIN IMMEDIATE`` transaction, so several threads or processes (several bot
  instances on one file) never interleave: ticket numbers are unique and consecutive, a delivery
  is leased to one worker at a time, a stale version or eTag is refused;
- the schema is versioned in the ``meta`` table; a file from a newer version is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.ops.feedback import checked_counts, checked_day, cut_question
from bot.tickets.model import Delivery, Status, Ticket, Turn, format_id, parse_id
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
    json_text,
    leased,
    new_delivery,
    opened_ticket,
    outlived,
    quota_token,
    timestamp,
    utc,
)

SCHEMA_VERSION = 5
BUSY_TIMEOUT_SECONDS = 30.0

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
    # The idempotency key of a ticket (NewTicket.key): one ticket per key.
    2: (
        "ALTER TABLE tickets ADD COLUMN idem_key TEXT",
        "CREATE UNIQUE INDEX tickets_by_key ON tickets (idem_key) WHERE idem_key IS NOT NULL",
    ),
    # Ticket quotas (take_quota): how many a key (a user's or a tenant's day) has counted.
    3: (
        """CREATE TABLE quota (
            key TEXT PRIMARY KEY,
            count INTEGER NOT NULL
        )""",
    ),
    # Analytics shared by every instance (bot.ops.feedback): counters per day, fallback questions.
    4: (
        """CREATE TABLE analytics_counts (
            day TEXT NOT NULL,
            key TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (day, key)
        )""",
        """CREATE TABLE fallback_questions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            day TEXT NOT NULL,
            at TEXT NOT NULL,
            question TEXT NOT NULL
        )""",
        "CREATE INDEX fallback_questions_by_day ON fallback_questions (day, id)",
    ),
    # Personal data erased (the user's request, or the retention of resolved tickets).
    5: (
        "ALTER TABLE tickets ADD COLUMN erased_at TEXT",
        "CREATE INDEX tickets_to_purge ON tickets (status, updated_at) WHERE erased_at IS NULL",
    ),
}


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


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
        erased_at=_time(row["erased_at"]),
    )


def _ticket_row(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "route": ticket.route,
        "contact_email": ticket.contact_email,
        "description": ticket.description,
        "user_name": ticket.user_name,
        "user_aad_id": ticket.user_aad_id,
        "user_email": ticket.user_email,
        "transcript": json_text([t.to_json() for t in ticket.transcript], "transcript"),
        "created_at": timestamp(ticket.created_at),
        "updated_at": timestamp(ticket.updated_at),
        "status": str(ticket.status),
        "assignee": ticket.assignee,
        "conversation_reference": json_text(ticket.conversation_reference, "reference"),
        "channel_activity_id": ticket.channel_activity_id,
        "version": ticket.version,
        "erased_at": timestamp(ticket.erased_at) if ticket.erased_at else None,
    }


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


def _delivery_row(delivery: Delivery) -> dict[str, Any]:
    """The columns a delivery's rules change (``bot.tickets.store.contract``)."""

    def text(value: dt.datetime | None) -> str | None:
        return timestamp(value) if value is not None else None

    return {
        "id": delivery.id,
        "attempts": delivery.attempts,
        "next_attempt_at": timestamp(delivery.next_attempt_at),
        "done_at": text(delivery.done_at),
        "last_error": delivery.last_error,
        "lease_owner": delivery.lease_owner,
        "lease_until": text(delivery.lease_until),
    }


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

    def create_ticket(self, new: NewTicket, now: dt.datetime) -> Ticket:
        opened_ticket(new, 1, now)  # the checks, before the write lock is taken
        with self._write() as conn:
            if new.key:
                row = conn.execute(
                    "SELECT * FROM tickets WHERE idem_key = ?", (new.key,)
                ).fetchone()
                if row is not None:
                    return _ticket(row)
            number = conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM tickets").fetchone()[0]
            ticket = opened_ticket(new, number, now)
            conn.execute(
                """INSERT INTO tickets (number, route, contact_email, description, user_name,
                    user_aad_id, user_email, transcript, created_at, updated_at, status,
                    assignee, conversation_reference, channel_activity_id, version, idem_key)
                VALUES (:number, :route, :contact_email, :description, :user_name,
                    :user_aad_id, :user_email, :transcript, :created_at, :updated_at, :status,
                    :assignee, :conversation_reference, :channel_activity_id, :version, :key)""",
                {**_ticket_row(ticket), "key": new.key or None},
            )
            for kind, payload in new.deliveries:
                self._insert_delivery(conn, number, kind, payload, now)
        return ticket

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
        deliveries: Sequence[tuple[str, Mapping[str, Any]]] = (),
    ) -> Ticket:
        timestamp(now)
        change = TicketUpdate(status, assignee, channel_activity_id)
        queued = [checked_delivery(kind, payload) for kind, payload in deliveries]
        number = parse_id(ticket_id)
        if number is None:
            raise KeyError(ticket_id)
        with self._write() as conn:
            row = conn.execute("SELECT * FROM tickets WHERE number = ?", (number,)).fetchone()
            if row is None:
                raise KeyError(ticket_id)
            ticket = change.apply(_ticket(row), now=now, expected_version=expected_version)
            conn.execute(
                """UPDATE tickets SET status = :status, assignee = :assignee,
                    channel_activity_id = :channel_activity_id, updated_at = :updated_at,
                    version = :version WHERE number = :number""",
                _ticket_row(ticket),
            )
            for kind, payload in queued:
                self._insert_delivery(conn, number, kind, payload, now)
        return ticket

    def erase_user_tickets(self, user_ids: Sequence[str], note: str, now: dt.datetime) -> list[str]:
        """One transaction; every ticket not erased yet is looked at (a rare request)."""
        timestamp(now)
        ids = checked_user_ids(user_ids)
        checked_text(note, "note", required=True)
        return self._erase(
            "SELECT * FROM tickets WHERE erased_at IS NULL ORDER BY number",
            (),
            lambda ticket: belongs_to(ticket, ids),
            note,
            now,
        )

    def purge_resolved(self, before: dt.datetime, note: str, now: dt.datetime) -> list[str]:
        timestamp(now)
        checked_text(note, "note", required=True)
        cutoff = utc(before, "before")
        return self._erase(
            """SELECT * FROM tickets WHERE status = 'resolved' AND erased_at IS NULL
                AND updated_at < ? ORDER BY number""",
            (timestamp(cutoff),),
            lambda ticket: outlived(ticket, cutoff),
            note,
            now,
        )

    def _erase(
        self,
        sql: str,
        params: Sequence[Any],
        wanted: Callable[[Ticket], bool],
        note: str,
        now: dt.datetime,
    ) -> list[str]:
        done: list[str] = []
        with self._write() as conn:
            for row in conn.execute(sql, params).fetchall():
                ticket = _ticket(row)
                changed = erased(ticket, note, now) if wanted(ticket) else None
                if changed is None:
                    continue
                conn.execute(
                    """UPDATE tickets SET description = :description, user_name = :user_name,
                        user_aad_id = :user_aad_id, user_email = :user_email,
                        transcript = :transcript, conversation_reference = :conversation_reference,
                        updated_at = :updated_at, erased_at = :erased_at
                    WHERE number = :number""",
                    _ticket_row(changed),
                )
                done.append(changed.id)
        return done

    # ------------------------------------------------------------------ deliveries

    @staticmethod
    def _insert_delivery(
        conn: sqlite3.Connection,
        number: int,
        kind: str,
        payload: Mapping[str, Any],
        now: dt.datetime,
    ) -> Delivery:
        when = timestamp(now)
        cursor = conn.execute(
            """INSERT INTO deliveries (ticket_number, kind, payload, attempts, next_attempt_at,
                created_at)
            VALUES (?, ?, ?, 0, ?, ?)""",
            (number, kind, json_text(payload, "payload"), when, when),
        )
        assert cursor.lastrowid is not None
        return new_delivery(cursor.lastrowid, format_id(number), kind, payload, now)

    def _change_delivery(
        self, delivery_id: int, change: Callable[[Delivery], Delivery | None]
    ) -> Delivery:
        """Read, change (``change`` returns None to leave it as it is) and write back a
        delivery, in one transaction."""
        with self._write() as conn:
            row = conn.execute("SELECT * FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
            if row is None:
                raise KeyError(delivery_id)
            delivery = _delivery(row)
            changed = change(delivery)
            if changed is None:
                return delivery
            conn.execute(
                """UPDATE deliveries SET attempts = :attempts,
                    next_attempt_at = :next_attempt_at, done_at = :done_at,
                    last_error = :last_error, lease_owner = :lease_owner,
                    lease_until = :lease_until WHERE id = :id""",
                _delivery_row(changed),
            )
        return changed

    def enqueue(
        self, ticket_id: str, kind: str, payload: Mapping[str, Any], now: dt.datetime
    ) -> Delivery:
        timestamp(now)
        kind, value = checked_delivery(kind, payload)
        number = parse_id(ticket_id)
        if number is None:
            raise KeyError(ticket_id)
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM tickets WHERE number = ?", (number,)).fetchone() is None:
                raise KeyError(ticket_id)
            return self._insert_delivery(conn, number, kind, value, now)

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
        claimed: list[Delivery] = []
        with self._write() as conn:
            rows = conn.execute(
                """SELECT * FROM deliveries
                WHERE done_at IS NULL AND next_attempt_at <= :now
                    AND (lease_until IS NULL OR lease_until <= :now)
                    AND (:number IS NULL OR ticket_number = :number)
                ORDER BY next_attempt_at, id LIMIT :limit""",
                {"now": when, "limit": limit, "number": number},
            ).fetchall()
            for row in rows:
                delivery = leased(_delivery(row), owner, now + lease)
                conn.execute(
                    "UPDATE deliveries SET lease_owner = :lease_owner, lease_until = :lease_until "
                    "WHERE id = :id",
                    _delivery_row(delivery),
                )
                claimed.append(delivery)
        return claimed

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
        rows = self._read("SELECT value FROM settings WHERE key = ?", (checked_text(key, "key"),))
        return json.loads(rows[0]["value"]) if rows else None

    def set_setting(self, key: str, value: Mapping[str, Any]) -> None:
        text = json_text(checked_mapping(value, "value"), "value")
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                (checked_text(key, "key", required=True), text),
            )

    def take_quota(self, counters: Sequence[tuple[str, int]], token: str = "") -> bool:
        wanted = checked_quota(counters)
        taken = quota_token(checked_text(token, "token"), wanted) if token else ""
        with self._write() as conn:
            if taken and conn.execute("SELECT 1 FROM quota WHERE key = ?", (taken,)).fetchone():
                return True
            for key, limit in wanted:
                row = conn.execute("SELECT count FROM quota WHERE key = ?", (key,)).fetchone()
                if row is not None and row["count"] >= limit:
                    return False
            for key, _ in wanted:
                conn.execute(
                    "INSERT INTO quota (key, count) VALUES (?, 1) "
                    "ON CONFLICT (key) DO UPDATE SET count = count + 1",
                    (key,),
                )
            if taken:
                conn.execute("INSERT INTO quota (key, count) VALUES (?, 1)", (taken,))
        return True

    def purge_quota(self, before: dt.date) -> int:
        with self._write() as conn:
            cursor = conn.execute(  # the keys that end with a day (quota_window) before it
                "DELETE FROM quota WHERE key GLOB ? AND substr(key, -10) < ?",
                ("*:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]", checked_day(before).isoformat()),
            )
            return cursor.rowcount

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
        prepared = [
            (key, json.dumps(value), etag) for key, (value, etag) in checked_state(changes).items()
        ]
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

    # ------------------------------------------------------------------ analytics

    def add_counts(self, day: dt.date, counts: Mapping[str, int]) -> None:
        text = checked_day(day).isoformat()
        rows = [(text, key, n) for key, n in checked_counts(counts).items()]
        if not rows:
            return
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO analytics_counts (day, key, n) VALUES (?, ?, ?) "
                "ON CONFLICT (day, key) DO UPDATE SET n = n + excluded.n",
                rows,
            )

    def read_counts(self, since: dt.date) -> dict[dt.date, dict[str, int]]:
        found: dict[dt.date, dict[str, int]] = {}
        for row in self._read(
            "SELECT day, key, n FROM analytics_counts WHERE day >= ? ORDER BY day, key",
            (checked_day(since, "since").isoformat(),),
        ):
            found.setdefault(dt.date.fromisoformat(row["day"]), {})[row["key"]] = row["n"]
        return found

    def add_fallback(self, question: str, now: dt.datetime) -> None:
        at = timestamp(now)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO fallback_questions (day, at, question) VALUES (?, ?, ?)",
                (at[:10], at, cut_question(checked_text(question, "question"))),
            )

    def read_fallbacks(self, since: dt.date) -> list[tuple[dt.datetime, str]]:
        rows = self._read(
            "SELECT at, question FROM fallback_questions WHERE day >= ? ORDER BY at, id",
            (checked_day(since, "since").isoformat(),),
        )
        return [(dt.datetime.fromisoformat(row["at"]), row["question"]) for row in rows]

    def purge_fallbacks(self, before: dt.date) -> int:
        with self._write() as conn:
            cursor = conn.execute(
                "DELETE FROM fallback_questions WHERE day < ?",
                (checked_day(before, "before").isoformat(),),
            )
            return cursor.rowcount
