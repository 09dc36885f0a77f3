"""A user's turn and a worker's poll cost the same whatever the history (issue 13, item 12): the
Blob store lists only undone deliveries (``due/``) and a ticket's own (``ticket-deliveries/``),
never every delivery ever written. Costs are counted as the blobs the service lists; the time
it takes is measured by bench/blob_receipts.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import bot.tickets.store.blob as blob_module
from bot.tickets.store.blob import BlobStore
from tests.support.tickets import LEASE, NOW, new_ticket


@dataclass
class Listed:
    blobs: int = 0


@pytest.fixture
def listed(store: BlobStore, monkeypatch: pytest.MonkeyPatch) -> Listed:
    """Counts the blobs the service lists to ``store``."""
    counter = Listed()
    client = store._container()
    real = client.list_blobs

    def list_blobs(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for blob in real(*args, **kwargs):
            counter.blobs += 1
            yield blob

    monkeypatch.setattr(client, "list_blobs", list_blobs)
    return counter


def turn(store: BlobStore) -> None:
    """What a user's turn asks of the store for a new ticket: open it with its deliveries,
    deliver what is due, and report which of its deliveries arrived."""
    ticket = new_ticket(store, deliveries=[("channel", {}), ("email", {})])
    for delivery in store.claim_due(NOW, "worker-1", LEASE):
        store.complete(delivery.id, NOW)
    store.pending(ticket.id)
    store.deliveries(ticket.id)


def cost(listed: Listed, work: Callable[[], object]) -> int:
    before = listed.blobs
    work()
    return listed.blobs - before


def test_a_turn_and_a_poll_cost_the_same_after_many_tickets(
    store: BlobStore, listed: Listed
) -> None:
    turn(store)  # the first ticket also sets up the counters
    early = cost(listed, lambda: turn(store))
    idle_early = cost(listed, lambda: store.claim_due(NOW, "worker-1", LEASE))
    for _ in range(12):
        turn(store)
    assert len(store.list_tickets()) == 14
    assert cost(listed, lambda: turn(store)) == early <= 6
    assert cost(listed, lambda: store.claim_due(NOW, "worker-1", LEASE)) == idle_early == 0


def test_a_container_written_before_the_indexes_gets_them(
    store: BlobStore, open_store: Callable[[], BlobStore]
) -> None:
    ticket = new_ticket(store, deliveries=[("channel", {}), ("email", {})])
    first, second = store.claim_due(NOW, "worker-1", LEASE)
    store.complete(first.id, NOW)
    client = store._container()
    for item in list(client.list_blobs()):  # as the previous version left it
        if item.name.startswith(("due/", "ticket-deliveries/", "counters/layout")):
            client.delete_blob(item.name)
    again = open_store()
    assert [d.id for d in again.deliveries(ticket.id)] == [first.id, second.id]
    assert [d.id for d in again.pending(ticket.id)] == [second.id]
    assert [d.id for d in again.pending()] == [second.id]
    later = NOW + 2 * LEASE  # the lease of the worker that took it has run out
    assert [d.id for d in again.claim_due(later, "worker-2", LEASE)] == [second.id]


def test_an_index_entry_whose_delivery_never_appeared_is_removed(
    store: BlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process killed between an index entry and its delivery: after a while the entry is
    dropped, so no poll reads it again and again."""
    ticket = new_ticket(store, deliveries=[("channel", {})])
    client = store._container()
    entry = "due/0000000999"
    client.get_blob_client(entry).upload_blob(
        b"", metadata={"ticket": "1", "done": "0", "due": "2026-01-01", "lease": "-"}
    )
    assert [d.ticket_id for d in store.claim_due(NOW, "worker-1", LEASE)] == [ticket.id]
    assert client.get_blob_client(entry).exists()  # young: its delivery may be on its way
    monkeypatch.setattr(blob_module, "ORPHAN_SECONDS", -1.0)
    assert store.claim_due(NOW + 2 * LEASE, "worker-1", LEASE) != []  # the channel, again
    assert not client.get_blob_client(entry).exists()
