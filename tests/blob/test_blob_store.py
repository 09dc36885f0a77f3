"""What only several writers on one Blob Storage container show: eTag races, unique ticket
numbers, deliveries claimed by exactly one worker, a write whose answer was lost."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from azure.storage.blob import BlobClient

from bot.settings import Settings
from bot.tickets.delivery import DeliveryWorker
from bot.tickets.model import Delivery, Status, Ticket
from bot.tickets.store.blob import BlobStore
from bot.tickets.store.sqlite import ConflictError, StateStore, StoreError, TicketStore, open_store
from tests.unit.test_tickets_store import LEASE, NOW, new_ticket


def race(*work: Callable[[], Any]) -> list[Any]:
    """Run each callable in its own thread, released at the same instant; their results (or
    the exception each raised)."""
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work[i]()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


# --------------------------------------------------------------------------- basics


def test_both_protocols_and_no_secret_in_repr(store, azurite, container):
    assert isinstance(store, TicketStore)
    assert isinstance(store, StateStore)
    assert repr(store) == f"BlobStore(account='devstoreaccount1', container='{container}')"
    key = azurite.split("AccountKey=")[1].split(";")[0]
    settings = Settings(
        store_backend="blob",
        azure_storage_connection_string=azurite,
        azure_storage_container=container,
    )
    assert key not in repr(settings) and "AccountKey" not in repr(settings)


def test_open_store_picks_blob_by_setting(azurite, container):
    settings = Settings(
        store_backend="blob",
        azure_storage_connection_string=azurite,
        azure_storage_container=container,
    )
    with open_store(settings) as store:
        assert isinstance(store, BlobStore)
        assert store.container == container


def test_a_bad_connection_string_is_refused_without_showing_it():
    with pytest.raises(StoreError, match="not valid") as info:
        BlobStore("AccountKey=c2VjcmV0LXNlY3JldA==;nonsense")
    assert "c2VjcmV0" not in str(info.value) and info.value.__cause__ is None


def test_blobs_are_json_in_one_container(store, open_store):
    ticket = new_ticket(store, deliveries=[("channel", {"a": 1})])
    store.write_state({"msteams/conversations/a:1/": ({"n": 1}, None)})
    store.set_setting("support_channel", {"conversation": {"id": "19:x"}})
    names = sorted(b.name for b in store._container().list_blobs())
    assert names == [
        "counters/deliveries.json",
        "counters/tickets.json",
        "deliveries/0000000001.json",
        "settings/support_channel.json",
        "state/msteams%2Fconversations%2Fa%3A1%2F",
        f"tickets/{ticket.id}.json",
    ]
    assert open_store().get_ticket(ticket.id) == ticket  # another instance reads the same


def test_a_long_key_gets_a_hashed_name(store):
    key = "k" * 2000
    etags = store.write_state({key: ({"long": True}, None)})
    assert store.read_state([key]) == {key: ({"long": True}, etags[key])}
    [name] = [b.name for b in store._container().list_blobs(name_starts_with="state/")]
    assert name.startswith("state/!sha256-") and len(name) < 100


# --------------------------------------------------------------------------- eTag races


def test_two_writers_of_the_same_state_key_one_wins(open_store):
    one, two = open_store(), open_store()
    etag = one.write_state({"conv": ({"n": 0}, None)})["conv"]
    for n in range(1, 11):
        [(_, seen)] = [one.read_state(["conv"])["conv"]]
        assert seen == etag
        results = race(
            *(
                lambda s=s, n=n, seen=seen: s.write_state({"conv": ({"n": n}, seen)})
                for s in (one, two)
            )
        )
        winners = [r for r in results if isinstance(r, dict)]
        losers = [r for r in results if isinstance(r, ConflictError)]
        assert len(winners) == 1 and len(losers) == 1, results
        value, etag = two.read_state(["conv"])["conv"]
        assert etag == winners[0]["conv"]  # the winner's write is what is there
        assert value["n"] == n


def test_two_writers_creating_the_same_state_key_one_wins(open_store):
    """A key that does not exist is written whatever the etag, but only while it does not
    exist: of two instances creating it at once, the second is refused."""
    one, two = open_store(), open_store()
    results = race(
        lambda: one.write_state({"new": ({"by": "one"}, "seen-before")}),
        lambda: two.write_state({"new": ({"by": "two"}, "seen-before")}),
    )
    assert sorted(type(r).__name__ for r in results) == ["ConflictError", "dict"]


def test_a_batch_refused_midway_is_put_back(store, monkeypatch):
    """A writer slipping in between the check of the eTags and the writes: what the batch had
    written already is put back, and the batch raises."""
    etags = store.write_state({"a": ({"n": 1}, None), "b": ({"n": 1}, None)})
    real_put = BlobStore._put

    def put(self, name, doc, **kw):
        if name == "state/b" and kw.get("etag"):  # someone else writes b just before us
            real_put(self, name, {"key": "b", "value": {"n": "theirs"}})
        return real_put(self, name, doc, **kw)

    monkeypatch.setattr(BlobStore, "_put", put)
    with pytest.raises(ConflictError, match="'b' changed meanwhile"):
        store.write_state({"a": ({"n": 2}, etags["a"]), "b": ({"n": 2}, etags["b"])})
    monkeypatch.undo()
    state = store.read_state(["a", "b"])
    assert state["a"][0] == {"n": 1} and state["b"][0] == {"n": "theirs"}


def test_a_write_whose_answer_was_lost_is_recognised(store, monkeypatch):
    """The SDK retries a conditional write whose answer was lost; the retry fails its condition
    (the first try did the write): the store sees its own token and calls it a success."""
    ticket = new_ticket(store)
    real_upload = BlobClient.upload_blob

    def upload_twice(self, data, **kw):
        result = real_upload(self, data, **kw)
        if kw.get("etag") or kw.get("overwrite") is False:
            return real_upload(self, data, **kw)  # raises: the condition fails now
        return result

    monkeypatch.setattr(BlobClient, "upload_blob", upload_twice)
    assigned = store.update_ticket(ticket.id, now=NOW, expected_version=1, assignee="Sam")
    second = new_ticket(store)
    etags = store.write_state({"k": ({"n": 1}, "any")})
    store.write_state({"k": ({"n": 2}, etags["k"])})
    monkeypatch.undo()
    assert store.get_ticket(ticket.id) == assigned and assigned.version == 2
    assert second.id == "SUP-0002" and store.get_ticket(second.id) == second
    assert store.read_state(["k"])["k"][0] == {"n": 2}


# --------------------------------------------------------------------------- tickets


def test_ticket_numbers_are_unique_across_instances(open_store):
    stores = [open_store(), open_store()]

    def create(store: BlobStore) -> list[Ticket]:
        return [new_ticket(store, deliveries=[("channel", {})]) for _ in range(8)]

    results = race(*(lambda s=s: create(s) for s in stores for _ in range(3)))
    tickets = [t for batch in results for t in batch]
    assert sorted(t.number for t in tickets) == list(range(1, 49))
    assert sorted(t.number for t in stores[1].list_tickets()) == list(range(1, 49))
    ids = [d.id for d in stores[0].pending()]
    assert sorted(ids) == list(range(1, 49))  # delivery ids are unique too


def test_concurrent_assignments_one_wins(open_store):
    one, two = open_store(), open_store()
    ticket = new_ticket(one)
    results = race(
        lambda: one.update_ticket(ticket.id, now=NOW, expected_version=1, assignee="Ana"),
        lambda: two.update_ticket(ticket.id, now=NOW, expected_version=1, assignee="Sam"),
    )
    [winner] = [r for r in results if isinstance(r, Ticket)]
    assert [type(r) for r in results if not isinstance(r, Ticket)] == [ConflictError]
    assert one.get_ticket(ticket.id).assignee == winner.assignee


def test_concurrent_updates_without_a_version_both_land(open_store):
    """Noting the channel post and assigning at the same time: neither is lost."""
    one, two = open_store(), open_store()
    ticket = new_ticket(one)
    race(
        lambda: one.update_ticket(ticket.id, now=NOW, channel_activity_id="posted-1"),
        lambda: two.update_ticket(ticket.id, now=NOW, status=Status.ASSIGNED, assignee="Sam"),
    )
    final = one.get_ticket(ticket.id)
    assert (final.channel_activity_id, final.assignee, final.version) == ("posted-1", "Sam", 2)


def test_a_ticket_interrupted_before_its_blob_is_not_half_there(store, monkeypatch):
    """Killed between its deliveries and its ticket: the deliveries stay invisible (never
    claimed for a ticket that does not exist); the number is skipped."""

    def crash(self, ticket, **kw):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(BlobStore, "_write_ticket", crash)
    with pytest.raises(KeyboardInterrupt):
        new_ticket(store, deliveries=[("channel", {})])
    monkeypatch.undo()
    assert store.list_tickets() == [] and store.pending() == []
    assert store.claim_due(NOW, "w", LEASE) == []
    ticket = new_ticket(store, deliveries=[("channel", {})])
    assert ticket.id == "SUP-0002"
    assert [d.ticket_id for d in store.claim_due(NOW, "w", LEASE)] == ["SUP-0002"]


# --------------------------------------------------------------------------- deliveries


def test_a_delivery_claimed_at_the_same_instant_goes_to_one_worker(open_store):
    one, two = open_store(), open_store()
    for i in range(10):
        new_ticket(one, f"p{i}", deliveries=[("channel", {})])
    results = race(
        lambda: one.claim_due(NOW, "instance-a", LEASE, limit=10),
        lambda: two.claim_due(NOW, "instance-b", LEASE, limit=10),
    )
    a, b = ({d.id for d in r} for r in results)
    assert a.isdisjoint(b) and sorted(a | b) == list(range(1, 11))
    leased = {d.id: d.lease_owner for d in one.pending()}
    assert leased == {**dict.fromkeys(a, "instance-a"), **dict.fromkeys(b, "instance-b")}


async def test_two_workers_deliver_each_delivery_exactly_once(open_store):
    one, two = open_store(), open_store()
    for i in range(12):
        new_ticket(one, f"p{i}", deliveries=[("channel", {}), ("notify", {})])
    sent: Counter[int] = Counter()

    async def send(delivery: Delivery, ticket: Ticket) -> None:
        sent[delivery.id] += 1
        await asyncio.sleep(0.01)

    def worker(store: BlobStore, owner: str) -> DeliveryWorker:
        senders = {"channel": send, "notify": send}
        return DeliveryWorker(store, senders, owner, lambda: dt.datetime.now(dt.UTC))

    workers = [worker(one, "instance-a"), worker(two, "instance-b")]
    for _ in range(20):
        await asyncio.gather(*(w.run_once() for w in workers))
        if not await asyncio.to_thread(one.pending):
            break
    assert sent == Counter(dict.fromkeys(range(1, 25), 1))
    assert all(d.done for t in one.list_tickets() for d in one.deliveries(t.id))


# --------------------------------------------------------------------------- support staff


def test_the_tickets_command_reads_the_blob_store(store, azurite, container, monkeypatch):
    from tests.unit.test_tickets_cli import run

    new_ticket(store, "first")
    store.update_ticket(new_ticket(store, "second").id, now=NOW, status=Status.RESOLVED)
    monkeypatch.setenv("ASSISTANT_STORE", "blob")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("AZURE_STORAGE_CONTAINER", container)
    code, text = run("list", "--status", "open")
    assert code == 0
    assert text.splitlines()[0].startswith("SUP-0001")
    assert text.splitlines()[-1] == f"1 open ticket(s) in Azure Blob Storage container {container}"
    code, text = run("show", "SUP-0002")
    assert code == 0 and "second" in text and "resolved" in text
