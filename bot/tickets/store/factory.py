"""Open the store a configuration names: the SQLite file, or Azure Blob Storage (whose SDK is
imported only then)."""

from __future__ import annotations

from bot.tickets.store.config import BlobConfig, StoreConfig
from bot.tickets.store.contract import Store
from bot.tickets.store.sqlite import SqliteStore


def open_store(config: StoreConfig) -> Store:
    """A ``TicketStore`` and ``StateStore``: ``BlobStore`` for a ``BlobConfig``, else
    ``SqliteStore``."""
    if isinstance(config, BlobConfig):
        from bot.tickets.store.blob import BlobStore

        return BlobStore(config)
    return SqliteStore(config.path)
