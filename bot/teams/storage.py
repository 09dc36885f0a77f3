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
from collections.abc import Iterable, Mapping
from typing import Any

from botbuilder.core import Storage
from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler

from bot.tickets.store.contract import StateStore

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
    """The stored value as the object (or dict) it was, with its current ``e_tag``."""
    return Unpickler(safe=True).restore({**value, E_TAG: etag}, reset=True)


class SqliteStorage(Storage):
    """botbuilder ``Storage`` on a ``StateStore`` (``SqliteStore`` by default; any backend
    implementing the protocol works). The store's calls run in a worker thread."""

    def __init__(self, store: StateStore) -> None:
        super().__init__()
        self.store = store

    async def read(self, keys: Iterable[str] | None) -> dict[str, Any]:
        if not keys:
            return {}
        wanted = [str(k) for k in keys]
        rows = await asyncio.to_thread(self.store.read_state, wanted)
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
        await asyncio.to_thread(self.store.write_state, batch)

    async def delete(self, keys: Iterable[str] | None) -> None:
        if not keys:
            return
        await asyncio.to_thread(self.store.delete_state, [str(k) for k in keys])
