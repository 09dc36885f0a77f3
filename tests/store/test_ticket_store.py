"""The TicketStore and StateStore contract (bot/tickets/store/contract.py): every test runs on
SQLite and on Blob Storage (tests/store/conftest.py), several instances being several stores
opened on the same file or container."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading
from collections import Counter

import pytest

from bot.ops.pools import Pool
from bot.tickets.delivery import DeliveryWorker
from bot.tickets.model import Delivery, Status, Ticket, Turn, backoff
from bot.tickets.store.contract import ConflictError, StateStore, StoreError, TicketStore
from tests.support.tickets import LEASE, NOW, REFERENCE, new_ticket, race

# ------------------------------------------------------------------- tickets


def test_ticket_json_round_trip(store):
    ticket = new_ticket(store)
    assert Ticket.from_json(ticket.to_json()) == ticket
    hash(ticket)  # hashable although it holds a dict


def test_both_protocols_are_implemented(store):
    assert isinstance(store, TicketStore)
    assert isinstance(store, StateStore)


def test_create_and_get_a_ticket(store):
    ticket = new_ticket(store)
    assert ticket.id == "SUP-0001"
    assert ticket.number == 1
    assert ticket.status == Status.OPEN
    assert ticket.version == 1
    assert ticket.assignee == ""
    assert ticket.channel_activity_id is None
    assert ticket.created_at == ticket.updated_at == NOW
    assert ticket.transcript[1] == Turn(
        "bot", "Shall I pass this to tech support?", "2026-11-24T09:59:01+00:00"
    )
    assert ticket.conversation_reference == REFERENCE
    assert store.get_ticket("SUP-0001") == ticket
    assert store.get_ticket("sup 1") == ticket
    assert store.get_ticket("SUP-0002") is None
    assert store.get_ticket("nonsense") is None


def test_numbers_are_consecutive_and_lists_are_newest_first(store):
    ids = [new_ticket(store, f"problem {i}").id for i in range(1, 6)]
    assert ids == ["SUP-0001", "SUP-0002", "SUP-0003", "SUP-0004", "SUP-0005"]
    assert [t.id for t in store.list_tickets()] == ids[::-1]


def test_times_are_kept_in_utc_and_must_be_aware(store):
    cet = dt.timezone(dt.timedelta(hours=1))
    ticket = new_ticket(store, now=dt.datetime(2026, 11, 24, 11, 0, tzinfo=cet))
    assert ticket.created_at == NOW
    assert ticket.created_at.tzinfo == dt.UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        new_ticket(store, now=dt.datetime(2026, 11, 24, 10, 0))


def test_bad_ticket_values_are_refused_and_nothing_is_written(store):
    with pytest.raises(ValueError, match="route must not be empty"):
        new_ticket(store, route=" ")
    with pytest.raises(ValueError, match="conversation_reference is not JSON-compatible"):
        new_ticket(store, conversation_reference={"when": NOW})
    with pytest.raises(TypeError, match="transcript items must be Turn"):
        new_ticket(store, transcript=[{"who": "user"}])
    with pytest.raises(ValueError, match="delivery kind"):
        new_ticket(store, deliveries=[("fax", {})])
    assert store.list_tickets() == []
    assert new_ticket(store).id == "SUP-0001"


def test_description_is_stored_exactly_as_typed(store):
    text = "=HYPERLINK(\"http://evil\")\n<b>bold</b> & 'quotes' \x1b[31m 👍"
    assert store.get_ticket(new_ticket(store, text).id).description == text


def test_update_status_assignee_and_channel_post(store):
    ticket = new_ticket(store)
    later = NOW + dt.timedelta(minutes=5)
    assigned = store.update_ticket(
        ticket.id, now=later, expected_version=1, status=Status.ASSIGNED, assignee="Bob"
    )
    assert (assigned.status, assigned.assignee, assigned.version) == (Status.ASSIGNED, "Bob", 2)
    assert assigned.updated_at == later
    assert assigned.created_at == NOW
    posted = store.update_ticket(ticket.id, now=later, channel_activity_id="1700000000000")
    assert posted.channel_activity_id == "1700000000000"
    assert posted.status == Status.ASSIGNED
    assert posted.version == 2  # where the card was posted does not make the card stale
    resolved = store.update_ticket("sup 1", now=later, status="resolved")
    assert resolved.status is Status.RESOLVED
    assert [t.id for t in store.list_tickets(Status.RESOLVED)] == ["SUP-0001"]
    assert store.list_tickets(Status.OPEN) == []


def test_a_stale_version_is_a_conflict(store):
    ticket = new_ticket(store)
    store.update_ticket(ticket.id, now=NOW, expected_version=1, status=Status.ASSIGNED)
    with pytest.raises(ConflictError, match="version 2, not 1"):
        store.update_ticket(ticket.id, now=NOW, expected_version=1, status=Status.RESOLVED)
    assert store.get_ticket(ticket.id).status == Status.ASSIGNED
    assert store.get_ticket(ticket.id).version == 2


def test_update_of_an_unknown_ticket_is_a_key_error(store):
    with pytest.raises(KeyError):
        store.update_ticket("SUP-0099", now=NOW, status=Status.RESOLVED)
    with pytest.raises(KeyError):
        store.update_ticket("garbage", now=NOW, status=Status.RESOLVED)
    with pytest.raises(ValueError, match="at least one"):
        store.update_ticket(new_ticket(store).id, now=NOW)


def test_tickets_survive_reopening(open_store):
    with open_store() as store:
        first = new_ticket(store)
        store.update_ticket(first.id, now=NOW, status=Status.ASSIGNED, assignee="Bob")
    with open_store() as store:
        again = store.get_ticket(first.id)
        assert again.status == Status.ASSIGNED
        assert new_ticket(store).id == "SUP-0002"


def test_threads_creating_tickets_get_unique_numbers(store):
    def work() -> None:
        for _ in range(20):
            new_ticket(store)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(t.number for t in store.list_tickets()) == list(range(1, 81))


def test_a_closed_store_says_so(open_store):
    store = open_store()
    store.close()
    store.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"):
        store.list_tickets()


def test_ticket_numbers_are_unique_across_instances(open_store):
    stores = [open_store(), open_store()]

    def create(store: TicketStore) -> list[Ticket]:
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


# ---------------------------------------------------------------- deliveries


def test_deliveries_enqueued_with_the_ticket(store):
    ticket = new_ticket(store, deliveries=[("channel", {"a": 1}), ("email", {"to": "x@y.eu"})])
    pending = store.pending(ticket.id)
    assert [(d.kind, d.payload, d.attempts) for d in pending] == [
        ("channel", {"a": 1}, 0),
        ("email", {"to": "x@y.eu"}, 0),
    ]
    assert all(d.ticket_id == ticket.id and d.next_attempt_at == NOW for d in pending)


def test_enqueue_checks_ticket_kind_and_payload(store):
    ticket = new_ticket(store)
    delivery = store.enqueue(ticket.id, "notify", {"text": "on it"}, NOW)
    assert isinstance(delivery, Delivery)
    assert (delivery.kind, delivery.done_at, delivery.last_error) == ("notify", None, "")
    with pytest.raises(KeyError):
        store.enqueue("SUP-0404", "notify", {}, NOW)
    with pytest.raises(ValueError, match="delivery kind"):
        store.enqueue(ticket.id, "pigeon", {}, NOW)
    with pytest.raises(ValueError, match="payload is not JSON-compatible"):
        store.enqueue(ticket.id, "email", {"x": {1, 2}}, NOW)
    with pytest.raises(TypeError, match="payload must be a dict"):
        store.enqueue(ticket.id, "email", ["x"], NOW)
    assert len(store.pending()) == 1


def test_two_owners_never_claim_the_same_delivery(store):
    for i in range(5):
        new_ticket(store, f"p{i}", deliveries=[("channel", {})])
    first = store.claim_due(NOW, "worker-a", LEASE, limit=3)
    second = store.claim_due(NOW, "worker-b", LEASE, limit=10)
    assert len(first) == 3
    assert len(second) == 2
    assert {d.id for d in first}.isdisjoint(d.id for d in second)
    assert all(d.lease_owner == "worker-a" and d.lease_until == NOW + LEASE for d in first)
    assert store.claim_due(NOW + dt.timedelta(seconds=30), "worker-c", LEASE) == []


def test_concurrent_claims_from_threads_and_stores_are_disjoint(open_store):
    with open_store() as store:
        for i in range(60):
            new_ticket(store, f"p{i}", deliveries=[("channel", {})])
    claimed: dict[str, list[int]] = {}

    def work(owner: str) -> None:
        with open_store() as mine:  # one connection each, as separate instances would
            got: list[int] = []
            while batch := mine.claim_due(NOW, owner, LEASE, limit=4):
                got += [d.id for d in batch]
            claimed[owner] = got

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for got in claimed.values() for i in got]
    assert sorted(everything) == list(range(1, 61))


def test_an_expired_lease_can_be_claimed_again(store):
    new_ticket(store, deliveries=[("email", {})])
    [a] = store.claim_due(NOW, "worker-a", LEASE)
    later = NOW + LEASE
    [b] = store.claim_due(later, "worker-b", LEASE)
    assert a.id == b.id
    assert b.lease_owner == "worker-b"


def test_fail_backs_off_then_the_delivery_is_due_again(store):
    new_ticket(store, deliveries=[("email", {})])
    [d] = store.claim_due(NOW, "w", LEASE)
    failed = store.fail(d.id, "SMTP 421 try later", NOW)
    assert failed.attempts == 1
    assert failed.next_attempt_at == NOW + backoff(1) == NOW + dt.timedelta(seconds=5)
    assert failed.last_error == "SMTP 421 try later"
    assert failed.lease_owner is None
    assert store.claim_due(NOW + dt.timedelta(seconds=4), "w", LEASE) == []
    [again] = store.claim_due(NOW + dt.timedelta(seconds=5), "w", LEASE)
    twice = store.fail(again.id, "x" * 5000, NOW + dt.timedelta(seconds=5))
    assert twice.attempts == 2
    assert twice.next_attempt_at == NOW + dt.timedelta(seconds=15)
    assert len(twice.last_error) == 2000


def test_complete_is_final(store):
    ticket = new_ticket(store, deliveries=[("channel", {})])
    [d] = store.claim_due(NOW, "w", LEASE)
    done = store.complete(d.id, NOW + dt.timedelta(seconds=1))
    assert done.done and done.done_at == NOW + dt.timedelta(seconds=1)
    assert store.complete(d.id, NOW + dt.timedelta(hours=1)).done_at == done.done_at
    assert store.fail(d.id, "late failure", NOW).done  # a done delivery stays done
    assert store.pending(ticket.id) == []
    assert store.claim_due(NOW + dt.timedelta(days=1), "w", LEASE) == []
    assert [x.id for x in store.deliveries(ticket.id)] == [d.id]
    with pytest.raises(KeyError):
        store.complete(999, NOW)
    with pytest.raises(KeyError):
        store.fail(999, "x", NOW)


def test_fail_by_a_worker_whose_lease_ran_out_is_a_conflict(store):
    new_ticket(store, deliveries=[("email", {})])
    [d] = store.claim_due(NOW, "slow", LEASE)
    store.claim_due(NOW + LEASE, "fast", LEASE)
    with pytest.raises(ConflictError, match="leased to fast"):
        store.fail(d.id, "timeout", NOW + LEASE, owner="slow")
    assert store.fail(d.id, "refused", NOW + LEASE, owner="fast").attempts == 1


def test_pending_lists_soonest_first(store):
    a = new_ticket(store, deliveries=[("email", {})])
    b = new_ticket(store, deliveries=[("email", {})])
    [da] = store.pending(a.id)
    store.fail(da.id, "down", NOW)
    assert [d.ticket_id for d in store.pending()] == [b.id, a.id]
    assert store.pending("not an id") == []


def test_claim_arguments_are_checked(store):
    with pytest.raises(ValueError, match="lease must be positive"):
        store.claim_due(NOW, "w", dt.timedelta(0))
    with pytest.raises(ValueError, match="owner must not be empty"):
        store.claim_due(NOW, "", LEASE)
    assert store.claim_due(NOW, "w", LEASE, limit=0) == []


def test_delivery_is_frozen(store):
    delivery = store.enqueue(new_ticket(store).id, "email", {}, NOW)
    with pytest.raises(dataclasses.FrozenInstanceError):
        delivery.attempts = 3


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

    def worker(store: TicketStore, owner: str) -> DeliveryWorker:
        senders = {"channel": send, "notify": send}
        return DeliveryWorker(
            store, senders, owner, lambda: dt.datetime.now(dt.UTC), pool=Pool("store", 2)
        )

    workers = [worker(one, "instance-a"), worker(two, "instance-b")]
    for _ in range(20):
        await asyncio.gather(*(w.run_once() for w in workers))
        if not await asyncio.to_thread(one.pending):
            break
    assert sent == Counter(dict.fromkeys(range(1, 25), 1))
    assert all(d.done for t in one.list_tickets() for d in one.deliveries(t.id))


# ------------------------------------------------------------------ settings


def test_settings_round_trip(store):
    assert store.get_setting("support_channel") is None
    store.set_setting("support_channel", {"conversation": {"id": "19:abc@thread.tacv2"}})
    store.set_setting("support_channel", {"conversation": {"id": "19:def@thread.tacv2"}})
    assert store.get_setting("support_channel") == {"conversation": {"id": "19:def@thread.tacv2"}}
    with pytest.raises(TypeError, match="value must be a dict"):
        store.set_setting("x", "text")


# --------------------------------------------------------------------- state


def test_state_etags(store):
    assert store.read_state(["a", "b"]) == {}
    etags = store.write_state({"a": ({"n": 1}, None), "b": ({"n": 2}, "*")})
    assert set(etags) == {"a", "b"}
    read = store.read_state(["b", "a", "missing"])
    assert list(read) == ["b", "a"]
    assert read["a"] == ({"n": 1}, etags["a"])
    new = store.write_state({"a": ({"n": 3}, etags["a"])})
    assert new["a"] != etags["a"]
    with pytest.raises(ConflictError, match="changed meanwhile"):
        store.write_state({"a": ({"n": 4}, etags["a"])})
    assert store.read_state(["a"])["a"] == ({"n": 3}, new["a"])
    store.write_state({"a": ({"n": 5}, "*")})
    assert store.read_state(["a"])["a"][0] == {"n": 5}


def test_a_conflict_writes_nothing_of_the_batch(store):
    etags = store.write_state({"a": ({"n": 1}, None), "b": ({"n": 1}, None)})
    store.write_state({"b": ({"n": 2}, None)})
    with pytest.raises(ConflictError):
        store.write_state({"a": ({"n": 9}, etags["a"]), "b": ({"n": 9}, etags["b"])})
    assert store.read_state(["a"])["a"] == ({"n": 1}, etags["a"])
    assert store.read_state(["b"])["b"][0] == {"n": 2}


def test_state_etag_rules_as_memory_storage(store):
    # a key that does not exist yet is written whatever the etag (as MemoryStorage does)
    store.write_state({"new": ({"n": 1}, "some-old-etag")})
    assert store.read_state(["new"])["new"][0] == {"n": 1}
    with pytest.raises(ValueError, match="empty etag"):
        store.write_state({"new": ({"n": 2}, "")})


def test_delete_state(store):
    store.write_state({"a": ({}, None), "b": ({}, None)})
    store.delete_state(["a", "unknown"])
    store.delete_state([])
    assert list(store.read_state(["a", "b"])) == ["b"]


def test_state_reads_many_keys(store):
    store.write_state({f"k{i}": ({"i": i}, None) for i in range(1200)})
    read = store.read_state([f"k{i}" for i in range(1200)])
    assert len(read) == 1200
    assert read["k1199"][0] == {"i": 1199}


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


# --------------------------------------------------------------------------- idempotency


def test_a_ticket_key_opens_one_ticket(open_store):
    """The same key twice (a turn run again after a crash, or on another instance): the first
    ticket comes back, nothing else is written."""
    one, two = open_store(), open_store()
    first = new_ticket(one, key="conv-1|step-7", deliveries=[("channel", {})])
    again = new_ticket(two, "typed again", key="conv-1|step-7", deliveries=[("channel", {})])
    assert again == first
    other = new_ticket(one, key="conv-1|step-8", deliveries=[("channel", {})])
    assert other.id == "SUP-0002"
    assert [t.id for t in two.list_tickets()] == ["SUP-0002", "SUP-0001"]
    assert len(one.pending()) == 2  # one delivery per ticket, none for the repeat


def test_concurrent_creations_with_one_key_make_one_ticket(open_store):
    stores = [open_store(), open_store()]
    results = race(
        *(
            lambda s=s: new_ticket(s, key="conv-9|step-1", deliveries=[("channel", {})])
            for s in stores
            for _ in range(2)
        )
    )
    assert all(isinstance(r, Ticket) for r in results), results
    assert len({r.id for r in results}) == 1
    assert len(stores[0].list_tickets()) == 1
    assert len(stores[1].pending()) == 1


def test_a_bad_key_is_refused(store):
    with pytest.raises(TypeError, match="key must be a string"):
        new_ticket(store, key=None)
    with pytest.raises(ValueError, match="key must be at most"):
        new_ticket(store, key="k" * 401)


# --------------------------------------------------------------------------- one write


def test_an_update_enqueues_its_notice_in_the_same_write(store):
    ticket = new_ticket(store)
    notice = [("notify", {"text": "taken"})]
    updated = store.update_ticket(
        ticket.id, now=NOW, expected_version=1, status=Status.ASSIGNED, deliveries=notice
    )
    assert updated.version == 2
    [queued] = store.pending(ticket.id)
    assert (queued.kind, queued.payload) == ("notify", {"text": "taken"})
    with pytest.raises(ConflictError):  # a refused update enqueues nothing
        store.update_ticket(
            ticket.id, now=NOW, expected_version=1, status=Status.RESOLVED, deliveries=notice
        )
    assert len(store.pending(ticket.id)) == 1
    assert [d.id for d in store.deliveries(ticket.id)] == [queued.id]
    with pytest.raises(ValueError, match="delivery kind"):
        store.update_ticket(ticket.id, now=NOW, assignee="x", deliveries=[("fax", {})])
    assert store.get_ticket(ticket.id).assignee == ""  # checked before anything is written


def test_claims_can_be_limited_to_one_ticket(store):
    a = new_ticket(store, deliveries=[("channel", {}), ("email", {})])
    b = new_ticket(store, deliveries=[("channel", {})])
    claimed = store.claim_due(NOW, "turn", LEASE, ticket_id=b.id)
    assert [d.ticket_id for d in claimed] == [b.id]
    assert {d.ticket_id for d in store.claim_due(NOW, "worker", LEASE)} == {a.id}
    assert store.claim_due(NOW, "turn", LEASE, ticket_id="nonsense") == []


# ------------------------------------------------------------------- quotas


def test_a_quota_counts_up_to_its_limit_and_survives_a_reopen(store, open_store) -> None:
    day = [("user:aad-1:2026-11-24", 3)]
    assert [store.take_quota(day) for _ in range(4)] == [True, True, True, False]
    assert open_store().take_quota(day) is False  # kept in the store, seen by another handle
    assert store.take_quota([("user:aad-1:2026-11-25", 3)]) is True  # another day, a new count
    assert store.take_quota([("user:aad-2:2026-11-24", 3)]) is True  # another user


def test_a_quota_at_its_limit_counts_none_of_the_others(store) -> None:
    user, tenant = ("user:aad-1:d", 5), ("tenant:t-1:d", 2)
    assert store.take_quota([user, tenant]) and store.take_quota([user, tenant])
    assert store.take_quota([user, tenant]) is False  # the tenant's is full
    # the user's was not counted by the refused take: 3 more fit under its 5
    assert [store.take_quota([user]) for _ in range(4)] == [True, True, True, False]


@pytest.mark.parametrize(
    "counters",
    [[("", 1)], [("k", 0)], [("k", True)], [("k", "5")], "k", [("k" * 401, 1)]],
)
def test_bad_quota_counters_are_refused(store, counters) -> None:
    with pytest.raises((TypeError, ValueError)):
        store.take_quota(counters)


def test_racing_takes_of_one_counter_stop_at_its_limit(open_store) -> None:
    """Several instances at once: one counter is compared and counted in one atomic write."""
    stores = [open_store() for _ in range(4)]
    taken = race(*[lambda s=s: s.take_quota([("user:aad-1:d", 3)]) for s in stores * 2])
    assert sorted(map(repr, taken)) == sorted(["True"] * 3 + ["False"] * 5)


def test_a_token_counted_once_is_not_counted_again(store, open_store) -> None:
    """The same turn run again (its ticket's idempotency key) does not count twice."""
    day = [("user:aad-1:d", 2)]
    assert store.take_quota(day, "conv-1/step-3") and store.take_quota(day, "conv-1/step-3")
    assert open_store().take_quota(day, "conv-1/step-3")  # another instance, the same turn
    assert store.take_quota(day, "conv-1/step-9") is True  # a second ticket: the limit
    assert store.take_quota(day, "conv-2/step-1") is False
