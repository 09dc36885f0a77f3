"""What only the SQLite store shows: its file, WAL journal, schema version, and ``:memory:``
(the contract both backends keep is tested in tests/store)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from bot.tickets.store.contract import StoreError
from bot.tickets.store.sqlite import SqliteStore
from tests.support.tickets import new_ticket


def test_the_store_creates_its_file_and_folder(tmp_path):
    path = tmp_path / "deep" / "er" / "assistant.sqlite3"
    with SqliteStore(path) as store:
        assert store.schema_version() == 5
    assert path.is_file()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "a.sqlite3"
    SqliteStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 99"):
        SqliteStore(path)


def test_in_memory_store_for_quick_use():
    with SqliteStore(":memory:") as store:
        assert new_ticket(store).id == "SUP-0001"


def test_a_version_1_file_is_migrated_and_keeps_its_tickets(tmp_path):
    from bot.tickets.store.sqlite import _SCHEMA

    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as db:
        for statement in _SCHEMA[1]:
            db.execute(statement)
        db.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
        db.execute(
            """INSERT INTO tickets VALUES (1, 'tech-support', 'a@b.eu', 'old', 'Ana', 'aad',
            'ana@b.eu', '[]', '2026-11-24T10:00:00.000000+00:00',
            '2026-11-24T10:00:00.000000+00:00', 'open', '', '{}', NULL, 1)"""
        )
    with SqliteStore(path) as store:
        assert store.schema_version() == 5
        assert store.get_ticket("SUP-0001").description == "old"
        assert store.get_ticket("SUP-0001").erased_at is None  # version 5: erasure
        now = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
        assert store.erase_user_tickets(["aad"], "erased", now) == ["SUP-0001"]
        assert store.get_ticket("SUP-0001").erased_at == now
        store.add_counts(dt.date(2026, 11, 24), {"intent:faq": 1})  # the analytics tables
        assert store.read_counts(dt.date(2026, 11, 24)) == {
            dt.date(2026, 11, 24): {"intent:faq": 1}
        }
        keyed = new_ticket(store, key="conv|step")
        assert keyed.id == "SUP-0002" and new_ticket(store, key="conv|step") == keyed
