"""botbuilder's Storage contract and bot state across restarts, on Blob Storage: every test of
tests/unit/test_sqlite_storage.py that takes ``storage``, ``store`` or ``open_store`` runs here,
unchanged, on ``SqliteStorage`` (the adapter) over a ``BlobStore`` on Azurite."""

from __future__ import annotations

from tests.blob import contract_tests
from tests.unit import test_sqlite_storage

CONTRACT = contract_tests(test_sqlite_storage)
globals().update(CONTRACT)


def test_the_contract_is_collected():
    assert {
        "test_update_with_the_current_etag_then_a_stale_one_raises",
        "test_a_conflict_writes_nothing_of_the_batch",
        "test_a_waterfall_with_a_prompt_continues_after_a_restart",
        "test_two_instances_saving_the_same_conversation_conflict",
        "test_behaves_like_memory_storage",
    } <= set(CONTRACT)
