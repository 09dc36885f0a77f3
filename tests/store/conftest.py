"""Every test here runs on each backend: ``sqlite`` (a file in the test's folder) and ``blob``
(a container of the test's own on Azurite, tests/support/azurite.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.ops.pools import Pool
from bot.teams.storage import SqliteStorage
from bot.tickets.store.config import BlobConfig, SqliteConfig, StoreConfig
from bot.tickets.store.contract import Store
from bot.tickets.store.factory import open_store as open_configured

BACKENDS = ("sqlite", "blob")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def config(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> StoreConfig:
    if backend == "blob":
        azurite = request.getfixturevalue("azurite")
        return BlobConfig(azurite, request.getfixturevalue("container"))
    return SqliteConfig(tmp_path / "var" / "assistant.sqlite3")


@pytest.fixture
def open_store(config: StoreConfig) -> Iterator[Callable[[], Store]]:
    """Opens one more handle on the same store, as a restart or another instance would."""
    opened: list[Store] = []

    def open_() -> Store:
        opened.append(open_configured(config))
        return opened[-1]

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    return open_store()


@pytest.fixture
def storage(store: Store) -> SqliteStorage:
    return SqliteStorage(store, Pool("store", 2))
