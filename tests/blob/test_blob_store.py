"""What only Blob Storage shows: its blob names, the settings that choose it, a batch refused
midway, a write whose answer was lost, a ticket interrupted before its blob (the contract both
backends keep is tested in tests/store)."""

from __future__ import annotations

import pytest
from azure.storage.blob import BlobClient

from bot.settings import Settings
from bot.tickets.model import Status
from bot.tickets.store.blob import BlobStore
from bot.tickets.store.config import BlobConfig
from bot.tickets.store.contract import ConflictError, StoreError
from bot.tickets.store.factory import open_store
from tests.support.cli import run_tickets
from tests.support.tickets import LEASE, NOW, new_ticket

# --------------------------------------------------------------------------- basics


def test_no_secret_in_repr(store, azurite, container):
    assert repr(store) == f"BlobStore(account='devstoreaccount1', container='{container}')"
    key = azurite.split("AccountKey=")[1].split(";")[0]
    settings = Settings(
        store_backend="blob",
        azure_storage_connection_string=azurite,
        azure_storage_container=container,
    )
    assert key not in repr(settings) and "AccountKey" not in repr(settings)
    assert key not in repr(settings.store_config())


def test_open_store_picks_blob_by_setting(azurite, container):
    settings = Settings(
        store_backend="blob",
        azure_storage_connection_string=azurite,
        azure_storage_container=container,
    )
    with open_store(settings.store_config()) as store:
        assert isinstance(store, BlobStore)
        assert store.container == container


def test_a_bad_connection_string_is_refused_without_showing_it():
    with pytest.raises(StoreError, match="not valid") as info:
        BlobStore(BlobConfig("AccountKey=c2VjcmV0LXNlY3JldA==;nonsense"))
    assert "c2VjcmV0" not in str(info.value) and info.value.__cause__ is None


def test_blobs_are_json_in_one_container(store, open_store):
    ticket = new_ticket(store, deliveries=[("channel", {"a": 1})])
    store.write_state({"msteams/conversations/a:1/": ({"n": 1}, None)})
    store.set_setting("support_channel", {"conversation": {"id": "19:x"}})
    names = sorted(b.name for b in store._container().list_blobs())
    assert names == [
        "counters/deliveries.json",
        "counters/layout.json",
        "counters/tickets.json",
        "deliveries/0000000001.json",
        "due/0000000001",  # indexes: empty blobs (the undone deliveries; a ticket's deliveries)
        "settings/support_channel.json",
        "state/msteams%2Fconversations%2Fa%3A1%2F",
        "ticket-deliveries/0000000001/0000000001",
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


# --------------------------------------------------------------------------- support staff


def test_the_tickets_command_reads_the_blob_store(store, azurite, container, monkeypatch):
    new_ticket(store, "first")
    store.update_ticket(new_ticket(store, "second").id, now=NOW, status=Status.RESOLVED)
    monkeypatch.setenv("ASSISTANT_STORE", "blob")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("AZURE_STORAGE_CONTAINER", container)
    code, text = run_tickets("list", "--status", "open")
    assert code == 0
    assert text.splitlines()[0].startswith("SUP-0001")
    assert text.splitlines()[-1] == f"1 open ticket(s) in Azure Blob Storage container {container}"
    code, text = run_tickets("show", "SUP-0002")
    assert code == 0 and "second" in text and "resolved" in text


def test_a_keyed_ticket_interrupted_before_its_blob_is_finished_by_the_retry(store, monkeypatch):
    """Killed after its key and deliveries, before its ticket: the retry with the same key takes
    the same number and delivery ids, so nothing is there twice."""

    def crash(self, ticket, **kw):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(BlobStore, "_write_ticket", crash)
    with pytest.raises(KeyboardInterrupt):
        new_ticket(store, key="conv|step", deliveries=[("channel", {}), ("email", {})])
    monkeypatch.undo()
    assert store.list_tickets() == [] and store.pending() == []
    ticket = new_ticket(store, key="conv|step", deliveries=[("channel", {}), ("email", {})])
    assert ticket.id == "SUP-0001"
    assert [d.id for d in store.pending(ticket.id)] == [1, 2]
    assert new_ticket(store, key="conv|step") == ticket


def test_a_notice_of_an_update_interrupted_before_the_ticket_is_never_sent(store, monkeypatch):
    """The notice's blob is written first, the ticket's update last: killed in between, the
    notice stays invisible (the user is not told of a change that did not happen)."""
    ticket = new_ticket(store)

    def crash(self, ticket, **kw):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(BlobStore, "_write_ticket", crash)
    with pytest.raises(KeyboardInterrupt):
        store.update_ticket(
            ticket.id,
            now=NOW,
            expected_version=1,
            status=Status.ASSIGNED,
            deliveries=[("notify", {"text": "taken"})],
        )
    monkeypatch.undo()
    assert store.get_ticket(ticket.id) == ticket
    assert store.pending() == [] and store.deliveries(ticket.id) == []
    assert store.claim_due(NOW, "w", LEASE) == []
    store.update_ticket(
        ticket.id,
        now=NOW,
        expected_version=1,
        status=Status.ASSIGNED,
        deliveries=[("notify", {"text": "taken"})],
    )
    assert [d.payload for d in store.claim_due(NOW, "w", LEASE)] == [{"text": "taken"}]


def test_a_take_refused_at_its_second_counter_gives_the_first_back(open_store) -> None:
    """Another instance takes the tenant's last ticket between this take's check and its write:
    refused, and the user's counter it had counted already is given back (eTag writes)."""
    store, other = open_store(), open_store()
    user, tenant = ("user:aad-1:2026-11-24", 2), ("tenant:t-1:2026-11-24", 1)
    write = store._put
    raced: list[bool] = []

    def put(name, doc, **kw):
        if "tenant" in name and not raced:  # the user's counter is counted: now the race
            raced.append(other.take_quota([tenant]))
        return write(name, doc, **kw)

    store._put = put
    assert store.take_quota([user, tenant]) is False
    assert raced == [True]
    store._put = write
    assert [other.take_quota([user]) for _ in range(3)] == [True, True, False]  # 2 left: none used
