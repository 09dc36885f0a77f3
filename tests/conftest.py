"""Fixtures shared by every test folder: the catalogue, settings, the bot graph, a Teams-like chat
on TestAdapter, the connector stub. Their helpers live in tests/support/."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from botbuilder.core import MemoryStorage

from app import Components, build_bot
from bot.assistant import Assistant
from bot.core.catalogue import Catalogue
from bot.core.understanding import Understander
from bot.settings import Settings
from tests.support.azurite import azurite as azurite  # Azurite, for the Blob Storage tests
from tests.support.azurite import container as container
from tests.support.catalogues import real_catalogue, served_reader
from tests.support.chat import Chat
from tests.support.connector import ConnectorStub, serving

TODAY = dt.date(2026, 11, 24)
DATA = Path(__file__).resolve().parents[1] / "data"


# The Azure Monitor exporter (telemetry tests) starts threads that call Microsoft's services on
# their own: its configuration service (settings.sdk.monitor.azure.com) and statsbeat. A test
# never reaches the network (tests/http/test_auth.py's offline check caught such a lookup, made
# by a thread an earlier test had started), so both are off for the whole run.
QUIET_AZURE_MONITOR = {
    "APPLICATIONINSIGHTS_CONTROLPLANE_DISABLED": "true",
    "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL": "true",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, value in QUIET_AZURE_MONITOR.items():
        os.environ.setdefault(name, value)


def data_hashes(folder: Path = DATA) -> dict[str, str]:
    """Every file under the folder, by relative path, with a hash of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="session", autouse=True)
def real_data_is_never_written() -> Iterator[None]:
    """No test writes into the real data/ (a test that edits or trains works on a copy), so the
    committed model is checked as committed and a stale one fails the test command."""
    before = data_hashes()
    yield
    after = data_hashes()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"the test run changed data/: {changed}"


@pytest.fixture(autouse=True)
def root_logging_is_restored() -> Iterator[None]:
    """Each test leaves the root logger's handlers and level as it found them.

    A test of the real start-up (``app.main()``: tests/http/test_startup.py, test_auth.py) sets
    up the app's logging: a handler on the root logger that writes to that test's stderr, and
    the root level at INFO. pytest closes that stream after the test, and the handler stayed:
    every later record at INFO, such as those of the SMTP test servers' thread (aiosmtpd's
    ``mail.log``: "EOF received", "connection lost"), printed "--- Logging error ---"."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The real catalogue (data/), loaded once for the whole session: it is frozen."""
    return real_catalogue()


@pytest.fixture(scope="session")
def assistant(catalogue: Catalogue) -> Assistant:
    return Assistant(catalogue)


@pytest.fixture(scope="session")
def understander(assistant: Assistant) -> Understander:
    return assistant.understander


@pytest.fixture(scope="session")
def reader() -> Understander:
    """The understanding as the bot serves it, with data/'s trained model (the content tests')."""
    return served_reader()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        today=TODAY,
        store_path=tmp_path / "assistant.sqlite3",
        rate_limit_per_minute=0,  # tests post fast; tests/http/test_guards.py sets a limit
        support_admins=frozenset({"aad-admin"}),  # tests/support/http.py: ADMIN, AGENT
        support_agents=frozenset({"aad-sam"}),
        tickets_per_user_per_day=0,  # tests open many; tests/dialogs/test_quota.py sets one
    )


@pytest.fixture
def components(settings: Settings, catalogue: Catalogue) -> Components:
    return build_bot(settings, MemoryStorage(), catalogue=catalogue)


@pytest.fixture
def chat(components: Components) -> Chat:
    return Chat(components)


@pytest.fixture
async def connector() -> AsyncIterator[ConnectorStub]:
    async with serving(ConnectorStub()) as stub:
        yield stub
