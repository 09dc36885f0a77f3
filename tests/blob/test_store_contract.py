"""The TicketStore and StateStore contract on Blob Storage: every test of
tests/unit/test_tickets_store.py that takes ``store`` or ``open_store`` runs here, unchanged, on a
``BlobStore`` on Azurite (the same bodies, no copies)."""

from __future__ import annotations

from tests.blob import contract_tests
from tests.unit import test_tickets_store

CONTRACT = contract_tests(test_tickets_store)
globals().update(CONTRACT)


def test_the_contract_is_collected():
    assert {
        "test_create_and_get_a_ticket",
        "test_threads_creating_tickets_get_unique_numbers",
        "test_concurrent_claims_from_threads_and_stores_are_disjoint",
        "test_fail_by_a_worker_whose_lease_ran_out_is_a_conflict",
        "test_state_etags",
        "test_a_closed_store_says_so",
    } <= set(CONTRACT)
    assert "test_a_newer_schema_is_refused" not in CONTRACT  # SQLite's own
