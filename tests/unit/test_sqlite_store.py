"""What only the SQLite store shows: its file, WAL journal, schema version, and ``:memory:``
(the contract both backends keep is tested in tests/store)."""

from __future__ import annotations

import sqlite3

import pytest

from bot.tickets.store.contract import StoreError
from bot.tickets.store.sqlite import SqliteStore
from tests.support.tickets import new_ticket


def test_the_store_creates_its_file_and_folder(tmp_path):
    path = tmp_path / "deep" / "er" / "assistant.sqlite3"
    with SqliteStore(path) as store:
        assert store.schema_version() == 1
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
