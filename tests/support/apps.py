"""The web app under test, started on loopback."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from bot.core.catalogue import Catalogue
from bot.settings import Settings
from bot.teams.connector import Retrying

# Replies that meet a connector that is down are retried without waiting (the retries' timing
# is tested in tests/http/test_connector.py).
NO_WAIT = Retrying(backoff_factor=0)


async def start_app(settings: Settings, catalogue: Catalogue, **collaborators: Any) -> TestClient:
    """``create_app`` with the session's catalogue, served on loopback (the caller closes it)."""
    app = create_app(settings, catalogue=catalogue, **collaborators)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client
