"""HTTP fixtures: the real aiohttp app on loopback (the connector stub is tests/conftest.py's)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from bot.core.catalogue import Catalogue
from bot.settings import Settings


@pytest.fixture
async def client(settings: Settings, catalogue: Catalogue) -> AsyncIterator[TestClient]:
    server = TestServer(create_app(settings, catalogue=catalogue), host="127.0.0.1")
    async with TestClient(server) as c:
        yield c
