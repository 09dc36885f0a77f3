"""botbuilder ``Storage`` over the durable store: conversation, user and dialog state.

Values are what botbuilder hands over: dicts (``BotState``'s state, with ``DialogState`` and other
objects inside) or ``StoreItem``-like objects. They are flattened with jsonpickle, as
botbuilder-azure's ``BlobStorage`` does, so that they come back as the same types (a dict stays a
dict, a ``StoreItem`` comes back a ``StoreItem``, a ``DialogState`` inside stays one).

eTags follow ``MemoryStorage``: an item's ``e_tag`` (dict key or attribute) of None or ``"*"``
overwrites, any other value must be the stored item's current eTag or the write raises
(``ConflictError``) and nothing of the batch is written; an empty ``e_tag`` raises. Every item read
carries its current eTag in ``e_tag``; the objects passed to ``write`` are not changed.

The stored JSON can name Python classes (``py/object``): the database is trusted, as the bot's own
memory; do not point ``ASSISTANT_DB`` at a file from elsewhere, nor ``AZURE_STORAGE_CONTAINER`` at
a container that others write to (``bot.tickets.store.blob``: the same state, on Blob Storage).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
import random
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from botbuilder.core import (
    BotState,
    ConversationState,
    PrivateConversationState,
    Storage,
    TurnContext,
    UserState,
)
from botbuilder.core.bot_assert import BotAssert
from botbuilder.core.bot_state import CachedBotState
from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler

from bot.ops.pools import Pool
from bot.tickets.store.contract import ConflictError, StateStore

log = logging.getLogger("interact.storage")

E_TAG = "e_tag"


def flatten(item: object) -> tuple[dict[str, Any], str | None]:
    """A storage value as a JSON-compatible dict (without its ``e_tag``), and that ``e_tag``."""
    if item is None or isinstance(item, str | int | float | bool | list | tuple):
        raise TypeError(f"storage values must be dicts or objects, not {type(item).__name__}")
    etag = item.get(E_TAG) if isinstance(item, Mapping) else getattr(item, E_TAG, None)
    flat = Pickler(unpicklable=True, make_refs=False).flatten(item, reset=True)
    if not isinstance(flat, dict):
        raise TypeError(f"storage values must be dicts or objects, not {type(item).__name__}")
    flat.pop(E_TAG, None)
    return flat, None if etag is None else str(etag)


def restore(value: Mapping[str, Any], etag: str) -> Any:
    """The stored value as the object (or dict) it was, with its current ``e_tag``. Most
    values are plain JSON, without a jsonpickle tag (no key starting with ``py/``): jsonpickle
    would return a copy of them, walking every value through its tag checks in Python; here
    they are copied directly (``_untagged``)."""
    if type(value) is dict:
        try:
            return {**_untagged(value), E_TAG: etag}
        except (_Tagged, RecursionError):
            pass
    return Unpickler(safe=True).restore({**value, E_TAG: etag}, reset=True)


class _Tagged(Exception):
    """A jsonpickle tag: the value is an object (or a tuple, a set, a reference) to restore."""


def _untagged(value: Any) -> Any:
    """A copy of decoded JSON, as ``Unpickler.restore`` returns it when it holds no tag (dicts
    and lists copied, everything else as it is); ``_Tagged`` at the first tag."""
    kind = type(value)
    if kind is dict:
        copied = {}
        for key, item in value.items():
            if type(key) is str and key.startswith(_TAG_PREFIX):
                raise _Tagged(key)
            copied[key] = _untagged(item)
        return copied
    if kind is list:
        return [_untagged(item) for item in value]
    return value


_TAG_PREFIX = "py/"  # every jsonpickle tag (jsonpickle.tags) starts with it


class SqliteStorage(Storage):
    """botbuilder ``Storage`` on a ``StateStore`` (``SqliteStore`` by default; any backend
    implementing the protocol works). The store's calls run in ``pool``, the store's own."""

    def __init__(self, store: StateStore, pool: Pool) -> None:
        super().__init__()
        self.store = store
        self.pool = pool

    async def read(self, keys: Iterable[str] | None) -> dict[str, Any]:
        if not keys:
            return {}
        wanted = [str(k) for k in keys]
        rows = await self.pool.run(self.store.read_state, wanted)
        return {key: restore(value, etag) for key, (value, etag) in rows.items()}

    async def write(self, changes: Mapping[str, Any] | None) -> None:
        if changes is None:
            raise Exception("Changes are required when writing")  # as MemoryStorage
        if not changes:
            return
        batch: dict[str, tuple[dict[str, Any], str | None]] = {}
        for key, item in changes.items():
            value, etag = flatten(item)
            if etag == "":
                raise Exception(f"SqliteStorage.write(): etag missing for {key!r}")
            batch[str(key)] = (value, etag)
        await self.pool.run(self.store.write_state, batch)

    async def delete(self, keys: Iterable[str] | None) -> None:
        if not keys:
            return
        await self.pool.run(self.store.delete_state, [str(k) for k in keys])


class Snapshot(CachedBotState):
    """botbuilder's cached state of a turn, whose change check compares pickle snapshots
    instead of jsonpickle's text. ``is_changed`` (the state now against the snapshot taken when
    it was loaded or last saved) runs three or four times a turn for the private state alone,
    and jsonpickle walks the whole state in Python each time: a tenth of a turn's CPU. pickle
    walks it in C and writes every value, object attribute and shared reference it holds, so a
    change jsonpickle sees it sees too. A state pickle cannot copy (an object it refuses) is
    compared the stock way; two snapshots of different kinds differ, so the state is saved."""

    def compute_hash(self, obj: object) -> Any:
        try:
            return pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
        except Exception:  # pickle refuses it: jsonpickle's text, as botbuilder computes it
            return super().compute_hash(obj)


async def load_snapshot(state: BotState, turn_context: TurnContext, force: bool) -> None:
    """``BotState.load`` (botbuilder 4.17), the cached state kept as a ``Snapshot``."""
    BotAssert.context_not_none(turn_context)
    cached = state.get_cached_state(turn_context)
    if force or not cached or not cached.state:
        key = state.get_storage_key(turn_context)
        items = await state._storage.read([key])
        turn_context.turn_state[state._context_service_key] = Snapshot(items.get(key))


class ConversationSnapshots(ConversationState):
    """``ConversationState`` whose changes are found by ``Snapshot``."""

    async def load(self, turn_context: TurnContext, force: bool = False) -> None:
        await load_snapshot(self, turn_context, force)


class UserSnapshots(UserState):
    """``UserState`` whose changes are found by ``Snapshot``."""

    async def load(self, turn_context: TurnContext, force: bool = False) -> None:
        await load_snapshot(self, turn_context, force)


class PrivateSnapshots(PrivateConversationState):
    """``PrivateConversationState`` whose changes are found by ``Snapshot``."""

    async def load(self, turn_context: TurnContext, force: bool = False) -> None:
        await load_snapshot(self, turn_context, force)


async def save_now(state: BotState, storage: Storage, turn_context: TurnContext) -> None:
    """Save ``state`` in the middle of a turn, and carry on with the eTag that write got (the
    save at the end of the turn is then checked against it, not refused as stale)."""
    await state.save_changes(turn_context)
    cached = state.get_cached_state(turn_context)
    key = state.get_storage_key(turn_context)
    stored = (await storage.read([key])).get(key)
    etag = stored.get(E_TAG) if isinstance(stored, Mapping) else getattr(stored, E_TAG, None)
    if cached is not None and etag is not None:
        cached.state[E_TAG] = etag
        cached.hash = cached.compute_hash(cached.state)


class TurnLeases:
    """One turn at a time per conversation across instances: a short lease in the state store
    (``lease/<conversation id>``), taken with a conditional write before the turn and given back
    after it. Another instance's turn of the same conversation waits for it (the same message
    delivered to two instances, two fast messages on two instances), then reads the state that
    turn saved, instead of both working on the same state and one save being refused.

    A lease ends by itself after ``seconds`` (an instance that died holding it); a turn that has
    waited ``wait`` seconds goes on without it (its save is then still checked by eTag). Hosts'
    clocks must agree (NTP) to well under ``seconds``. The store's calls run in ``pool``."""

    def __init__(
        self, store: StateStore, pool: Pool, *, seconds: float = 15.0, wait: float = 15.0
    ) -> None:
        self.store = store
        self.pool = pool
        self.seconds = seconds
        self.wait = wait

    @contextlib.asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        key = f"lease/{conversation_id}"
        deadline = time.monotonic() + self.wait
        etag: str | None = None
        while etag is None:
            etag = await self.pool.run(self._take, key)
            if etag is None:
                if time.monotonic() > deadline:
                    log.warning("turn of a conversation held elsewhere: going on without lease")
                    break
                await asyncio.sleep(random.uniform(0.02, 0.1))
        try:
            yield
        finally:
            if etag is not None:
                await self.pool.run(self._give_back, key, etag)

    def _take(self, key: str) -> str | None:
        """The lease's eTag if it was free and is now ours, else None."""
        now = time.time()
        held = self.store.read_state([key]).get(key)
        if held is not None and float(held[0].get("until") or 0) > now:
            return None
        # A key that does not exist is written whatever the eTag, but only while it does not:
        # of two instances taking a free lease at once, one is refused.
        etag = held[1] if held is not None else "absent"
        lease = {"owner": uuid.uuid4().hex, "until": now + self.seconds}
        try:
            return self.store.write_state({key: (lease, etag)})[key]
        except ConflictError:
            return None

    def _give_back(self, key: str, etag: str) -> None:
        with contextlib.suppress(ConflictError):  # ran out and taken by another: theirs now
            self.store.write_state({key: ({"owner": "", "until": 0}, etag)})
