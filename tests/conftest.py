"""Fixtures shared by every test folder: the catalogue, settings, the bot graph, a Teams-like chat
on TestAdapter, the connector stub. Their helpers live in tests/support/."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
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
from tests.support.catalogues import real_catalogue
from tests.support.chat import Chat
from tests.support.connector import ConnectorStub, serving

TODAY = dt.date(2026, 11, 24)


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
