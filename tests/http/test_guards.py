"""The request guards on /api/messages (bot.ops.guards, applied by app.py): the serviceUrl of an
unauthenticated request, the tenant allow-list and the per-conversation rate limit."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import RATE_LIMITER, create_app
from bot.core.catalogue import Catalogue
from bot.ops.guards import RATE_LIMITED_TEXT
from bot.settings import Settings
from tests.support.connector import ConnectorStub, activity, replies_text


async def client_for(settings: Settings, catalogue: Catalogue) -> TestClient:
    client = TestClient(TestServer(create_app(settings, catalogue=catalogue), host="127.0.0.1"))
    await client.start_server()
    return client


# --------------------------------------------------------------------------- serviceUrl


@pytest.mark.parametrize(
    "service_url",
    [
        "https://evil.example.com/",
        "http://10.0.0.7:3978/",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1.evil.example.com/",
        "http://localhost.evil.example.com/",
        "http://localhost@evil.example.com/",
        "http://127.0.0.1\\@evil.example.com/",
        "https://smba.trafficmanager.net.evil.example.com/",
        "https://evilbotframework.com/",
        "http://smba.trafficmanager.net/emea/",  # the Bot Framework, but not over https
        "ftp://127.0.0.1/",
        "file:///etc/passwd",
        "//127.0.0.1/",
        "127.0.0.1",
    ],
)
async def test_without_auth_a_foreign_service_url_is_400_and_nothing_is_sent(
    client, connector: ConnectorStub, caplog, service_url: str
) -> None:
    resp = await client.post(
        "/api/messages", json=activity(connector, "which team?", serviceUrl=service_url)
    )
    assert resp.status == 400
    assert "serviceUrl" in (await resp.json())["error"]
    assert connector.sent == [] and connector.updated == []
    assert "serviceUrl" in caplog.text


async def test_without_auth_loopback_service_urls_are_answered(
    client, connector: ConnectorStub
) -> None:
    assert connector.url.startswith("http://127.0.0.1:")
    for i, url in enumerate([connector.url, connector.url.rstrip("/") + "/"]):
        resp = await client.post(
            "/api/messages", json=activity(connector, "hello", id=f"m{i}", serviceUrl=url)
        )
        assert resp.status in (200, 201)
    assert len(connector.sent) == 2


# --------------------------------------------------------------------------- tenants


@pytest.fixture
async def tenant_client(settings: Settings, catalogue: Catalogue) -> AsyncIterator[TestClient]:
    client = await client_for(
        dataclasses.replace(settings, allowed_tenants=frozenset({"t-1", "t-2"})), catalogue
    )
    yield client
    await client.close()


def from_tenant(connector: ConnectorStub, channel_tenant: Any, conversation_tenant: Any, **kw):
    body = activity(connector, "is there a group for controllers?", **kw)
    body["channelData"] = {} if channel_tenant is None else {"tenant": {"id": channel_tenant}}
    if conversation_tenant is None:
        body["conversation"].pop("tenantId", None)
    else:
        body["conversation"]["tenantId"] = conversation_tenant
    return body


@pytest.mark.parametrize(
    ("channel_tenant", "conversation_tenant"),
    [("t-1", "t-1"), ("t-2", None), (None, "t-1"), ("T-1", "t-1")],
)
async def test_allowed_tenants_are_answered(
    tenant_client, connector: ConnectorStub, channel_tenant, conversation_tenant
) -> None:
    body = from_tenant(connector, channel_tenant, conversation_tenant)
    resp = await tenant_client.post("/api/messages", json=body)
    assert resp.status in (200, 201)
    assert "Controllers network" in replies_text(connector)


@pytest.mark.parametrize(
    ("channel_tenant", "conversation_tenant"),
    [
        ("t-3", "t-3"),
        ("t-3", None),
        (None, "t-3"),
        (None, None),  # no tenant at all
        ("t-1", "t-3"),  # one allowed id does not cover another
        ("", ""),
    ],
)
async def test_other_tenants_get_no_answer(
    tenant_client, connector: ConnectorStub, caplog, channel_tenant, conversation_tenant
) -> None:
    caplog.set_level(logging.INFO, logger="interact")
    body = from_tenant(connector, channel_tenant, conversation_tenant)
    resp = await tenant_client.post("/api/messages", json=body)
    assert resp.status == 202
    assert connector.sent == [] and connector.updated == []
    assert "ALLOWED_TENANTS" in caplog.text
    # invokes and installs from such a tenant are ignored too
    for kind in [
        {"type": "invoke", "name": "composeExtension/query", "value": {"parameters": []}},
        {"type": "conversationUpdate", "membersAdded": [{"id": "28:bot-1"}]},
    ]:
        body = from_tenant(connector, channel_tenant, conversation_tenant, **kind)
        resp = await tenant_client.post("/api/messages", json=body)
        assert resp.status == 202
    assert connector.sent == []


async def test_no_allow_list_means_every_tenant(client, connector: ConnectorStub) -> None:
    resp = await client.post("/api/messages", json=from_tenant(connector, "any", None))
    assert resp.status in (200, 201) and connector.sent


# --------------------------------------------------------------------------- rate limit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def limited(
    settings: Settings, catalogue: Catalogue
) -> AsyncIterator[tuple[TestClient, Clock]]:
    client = await client_for(dataclasses.replace(settings, rate_limit_per_minute=3), catalogue)
    clock = Clock()
    limiter = client.server.app[RATE_LIMITER]
    limiter.clock = clock
    yield client, clock
    await client.close()


def texts(connector: ConnectorStub) -> list[str]:
    return [s.get("text") or "(card)" for s in connector.sent]


async def test_over_the_limit_the_bot_says_so_once_then_waits(
    limited, connector: ConnectorStub
) -> None:
    client, clock = limited

    async def say(i: int, conversation: str = "a:conv-1") -> int:
        body = activity(connector, "hello", id=f"m{i}")
        body["conversation"]["id"] = conversation
        return (await client.post("/api/messages", json=body)).status

    for i in range(3):
        assert await say(i) in (200, 201)
        clock.now += 1
    answered = len(connector.sent)
    assert answered >= 3 and RATE_LIMITED_TEXT not in texts(connector)

    assert await say(3) in (200, 201)  # the 4th message in a minute: told, once
    assert texts(connector)[answered:] == [RATE_LIMITED_TEXT]
    for i in range(4, 8):
        clock.now += 1
        assert await say(i) == 202  # then ignored
    assert len(connector.sent) == answered + 1

    assert await say(8, "a:conv-2") in (200, 201)  # another conversation is not affected
    assert len(connector.sent) > answered + 1

    clock.now = 1000.0 + 60  # the first message is a minute old: room for one more
    before = len(connector.sent)
    assert await say(9) in (200, 201)
    assert len(connector.sent) > before and RATE_LIMITED_TEXT not in texts(connector)[before:]


async def test_invokes_are_not_rate_limited(limited, connector: ConnectorStub) -> None:
    client, _ = limited
    for i in range(5):
        body = activity(connector, "hello", id=f"m{i}")
        await client.post("/api/messages", json=body)
    assert RATE_LIMITED_TEXT in texts(connector)
    for i in range(10):  # typing in the compose box: one invoke per keystroke
        body = activity(
            connector,
            None,
            id=f"q{i}",
            type="invoke",
            name="composeExtension/query",
            value={
                "commandId": "findCommunity",
                "parameters": [{"name": "query", "value": "ctrl"}],
            },
        )
        resp = await client.post("/api/messages", json=body)
        assert resp.status == 200 and "composeExtension" in await resp.json()


def test_rate_limit_setting() -> None:
    assert Settings.from_env({}).rate_limit_per_minute == 30
    assert Settings.from_env({"RATE_LIMIT_PER_MINUTE": "0"}).rate_limit_per_minute == 0
    assert Settings.from_env({"RATE_LIMIT_PER_MINUTE": "5"}).rate_limit_per_minute == 5
    from bot.settings import SettingsError

    for bad in ("-1", "many"):
        with pytest.raises(SettingsError, match="RATE_LIMIT_PER_MINUTE"):
            Settings.from_env({"RATE_LIMIT_PER_MINUTE": bad})


def test_allowed_tenants_setting() -> None:
    assert Settings.from_env({}).allowed_tenants == frozenset()
    settings = Settings.from_env({"ALLOWED_TENANTS": " T-1, t-2,,"})
    assert settings.allowed_tenants == frozenset({"t-1", "t-2"})
