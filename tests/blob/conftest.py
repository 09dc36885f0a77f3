"""The Blob Storage tests, against Azurite (the ``azurite`` and ``container`` fixtures of
tests/support/azurite.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from bot.ops.pools import Pool
from bot.teams.storage import SqliteStorage
from bot.tickets.store.blob import BlobStore
from bot.tickets.store.config import BlobConfig


@pytest.fixture
def open_store(azurite: str, container: str) -> Iterator[Callable[[], BlobStore]]:
    """Opens one more BlobStore on the test's container, as another instance would."""
    opened: list[BlobStore] = []

    def open_() -> BlobStore:
        opened.append(BlobStore(BlobConfig(azurite, container)))
        return opened[-1]

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: Callable[[], BlobStore]) -> BlobStore:
    return open_store()


@pytest.fixture
def storage(store: BlobStore) -> SqliteStorage:
    return SqliteStorage(store, Pool("store", 2))
