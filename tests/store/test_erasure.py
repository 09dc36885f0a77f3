"""Erasing the personal data of tickets (issue 11, 4): a user's request ("forget me") and the
retention of resolved tickets. The contract (bot/tickets/store/contract.py), on SQLite and on
Blob Storage (tests/store/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.ops.pools import Pool
from bot.tickets.delivery import DeliveryWorker, Retention, show_erasure
from bot.tickets.model import Delivery, Status, Ticket
from tests.support.tickets import NOW, REFERENCE, new_ticket

NOTE = "Erased at the user's request."
LATER = NOW + dt.timedelta(hours=1)
OTHER = {**REFERENCE, "user": {"id": "29:2", "name": "Bo Other", "aadObjectId": "aad-2"}}
PERSONAL = ("Ana Example", "ana@example.org", "aad-1", "29:1", "I cannot log in", "I can't log in")


def others_ticket(store):
    return new_ticket(
        store,
        "my screen is blank",
        user_name="Bo Other",
        user_aad_id="aad-2",
        user_email="bo@example.org",
        conversation_reference=OTHER,
    )


def assert_erased(ticket: Ticket) -> None:
    text = str(ticket.to_json())
    for personal in PERSONAL:
        assert personal not in text
    assert ticket.description == NOTE
    assert (ticket.user_name, ticket.user_email, ticket.user_aad_id) == ("", "", "")
    assert ticket.transcript == ()
    assert ticket.erased_at == LATER
    assert ticket.conversation_reference == {
        "channelId": "msteams",
        "serviceUrl": "https://smba.example.test/",
    }


def test_a_users_tickets_are_erased_and_nobody_elses(store, open_store):
    first, other, second = new_ticket(store), others_ticket(store), new_ticket(store, "again")
    assert store.erase_user_tickets(["aad-1"], NOTE, LATER) == [first.id, second.id]
    again = open_store()  # it is on disk, for every instance
    for ticket in (first, second):
        erased = again.get_ticket(ticket.id)
        assert_erased(erased)
        assert (erased.route, erased.status, erased.version) == (ticket.route, "open", 1)
    assert again.get_ticket(other.id) == other
    assert again.erase_user_tickets(["aad-1"], NOTE, LATER) == []  # once


def test_a_ticket_is_found_by_the_teams_id_of_its_conversation_too(store):
    ticket = new_ticket(store, user_aad_id="")  # a client that sent no AAD id
    assert store.erase_user_tickets(["29:1", ""], NOTE, LATER) == [ticket.id]
    assert_erased(store.get_ticket(ticket.id))


def test_erasure_arguments_are_checked(store):
    ticket = new_ticket(store)
    with pytest.raises(ValueError, match="at least one"):
        store.erase_user_tickets(["", " "], NOTE, LATER)
    with pytest.raises(TypeError):
        store.erase_user_tickets("aad-1", NOTE, LATER)
    with pytest.raises(ValueError, match="note"):
        store.erase_user_tickets(["aad-1"], " ", LATER)
    with pytest.raises(ValueError, match="timezone-aware"):
        store.erase_user_tickets(["aad-1"], NOTE, dt.datetime(2026, 11, 24, 11, 0))
    assert store.get_ticket(ticket.id) == ticket


def test_an_erased_ticket_can_still_be_assigned_and_resolved(store):
    ticket = new_ticket(store)
    store.erase_user_tickets(["aad-1"], NOTE, LATER)
    resolved = store.update_ticket(
        ticket.id, now=LATER, expected_version=1, status=Status.RESOLVED, assignee="Staff"
    )
    assert (resolved.status, resolved.version, resolved.description) == ("resolved", 2, NOTE)
    assert store.get_ticket(ticket.id).erased_at == LATER


async def test_nothing_is_sent_about_an_erased_ticket(store):
    ticket = new_ticket(store, deliveries=[("channel", {}), ("email", {})])
    others = others_ticket(store)
    store.enqueue(others.id, "notify", {"text": "taken"}, NOW)
    store.erase_user_tickets(["aad-1"], NOTE, LATER)
    store.update_ticket(  # resolved after: its notice is queued with the change
        ticket.id, now=LATER, status=Status.RESOLVED, deliveries=[("notify", {"text": "done"})]
    )
    sent: list[tuple[str, str]] = []

    async def send(delivery: Delivery, ticket: Ticket) -> None:
        sent.append((delivery.ticket_id, delivery.kind))

    senders = dict.fromkeys(("channel", "email", "notify"), send)
    worker = DeliveryWorker(store, senders, "worker", lambda: LATER, pool=Pool("store", 2))
    assert await worker.run_once() == 1
    assert sent == [(others.id, "notify")]  # the other user's, only
    assert store.pending() == []  # the erased ticket's are done, unsent: never retried
    assert all(d.done for d in store.deliveries(ticket.id))


# ------------------------------------------------------------------- retention


def test_resolved_tickets_are_purged_after_the_retention(store):
    day = dt.timedelta(days=1)
    old = new_ticket(store, "old and resolved")
    store.update_ticket(old.id, now=NOW, status=Status.RESOLVED)
    recent = new_ticket(store, "resolved recently")
    store.update_ticket(recent.id, now=NOW + 10 * day, status=Status.RESOLVED)
    still_open = new_ticket(store, "old but open")  # open since NOW
    assigned = new_ticket(store, "old, assigned")
    store.update_ticket(assigned.id, now=NOW, status=Status.ASSIGNED, assignee="Staff")

    before = NOW + 5 * day
    assert store.purge_resolved(before, NOTE, LATER) == [old.id]
    assert_erased(store.get_ticket(old.id))
    for kept in (recent, still_open, assigned):
        ticket = store.get_ticket(kept.id)
        assert ticket.erased_at is None and ticket.user_name == "Ana Example"
    assert store.purge_resolved(before, NOTE, LATER) == []  # once
    assert store.purge_resolved(NOW + 11 * day, NOTE, LATER) == [recent.id]


def test_purge_arguments_are_checked(store):
    with pytest.raises(ValueError, match="timezone-aware"):
        store.purge_resolved(dt.datetime(2026, 1, 1), NOTE, LATER)
    with pytest.raises(ValueError, match="note"):
        store.purge_resolved(LATER, "", LATER)


async def test_the_worker_purges_resolved_tickets_past_the_retention(store):
    day = dt.timedelta(days=1)
    resolved = new_ticket(store, "resolved on the first day")
    store.update_ticket(resolved.id, now=NOW, status=Status.RESOLVED)
    later = new_ticket(store, "resolved a week later")
    store.update_ticket(later.id, now=NOW + 7 * day, status=Status.RESOLVED)
    clock = [NOW + 179 * day]

    def note(now: dt.datetime) -> str:
        return f"Personal data erased on {now.date()} (retention)."

    retention = Retention(180, note)
    worker = DeliveryWorker(
        store, {}, "worker", lambda: clock[0], pool=Pool("store", 2), retention=retention
    )
    await worker.run_once()
    assert store.get_ticket(resolved.id).erased_at is None  # 179 days: kept

    clock[0] = NOW + 180 * day + dt.timedelta(minutes=1)
    await worker.run_once(resolved.id)  # a user's turn delivering one ticket never purges
    assert store.get_ticket(resolved.id).erased_at is None
    await worker.run_once()
    purged = store.get_ticket(resolved.id)
    assert purged.erased_at == clock[0]
    assert purged.description == "Personal data erased on 2027-05-23 (retention)."
    assert "Ana Example" not in str(purged.to_json())
    assert store.get_ticket(later.id).erased_at is None

    clock[0] = NOW + 187 * day + dt.timedelta(minutes=2)
    await worker.run_once()
    assert store.get_ticket(later.id).erased_at == clock[0]


async def test_the_purge_runs_at_most_once_an_hour(store):
    day = dt.timedelta(days=1)
    first = new_ticket(store)
    store.update_ticket(first.id, now=NOW, status=Status.RESOLVED)
    clock = [NOW + 181 * day]
    retention = Retention(180, lambda now: "erased", every=dt.timedelta(hours=1))
    worker = DeliveryWorker(
        store, {}, "worker", lambda: clock[0], pool=Pool("store", 2), retention=retention
    )
    store.update_ticket(first.id, now=NOW, channel_activity_id="card-1")  # posted
    assert await worker.purge() == [first.id]
    assert [d.payload for d in store.pending(first.id)] == [{"erased": True}]  # card updated
    second = new_ticket(store)
    store.update_ticket(second.id, now=NOW, status=Status.RESOLVED)
    clock[0] += dt.timedelta(minutes=59)
    assert await worker.purge() == []  # looked less than an hour ago
    clock[0] += dt.timedelta(minutes=1)
    assert await worker.purge() == [second.id]


async def test_a_card_posted_in_the_support_channel_is_updated_to_show_the_erasure(store):
    ticket = new_ticket(store, deliveries=[("channel", {}), ("email", {})])
    [channel] = [d for d in store.deliveries(ticket.id) if d.kind == "channel"]
    store.complete(channel.id, NOW)
    store.update_ticket(ticket.id, now=NOW, channel_activity_id="card-7")  # posted there
    unposted = new_ticket(store, "never posted")
    erased = store.erase_user_tickets(["aad-1"], NOTE, LATER)
    assert erased == [ticket.id, unposted.id]
    assert show_erasure(store, erased, LATER) == 1  # only the posted card needs it
    sent: list[tuple[str, str, str, str | None]] = []

    async def send(delivery: Delivery, ticket: Ticket) -> None:
        sent.append((ticket.id, delivery.kind, ticket.description, ticket.channel_activity_id))

    senders = dict.fromkeys(("channel", "email", "notify"), send)
    worker = DeliveryWorker(store, senders, "worker", lambda: LATER, pool=Pool("store", 2))
    assert await worker.run_once() == 1
    assert sent == [(ticket.id, "channel", NOTE, "card-7")]  # the card updated, no e-mail
    assert store.pending() == []
