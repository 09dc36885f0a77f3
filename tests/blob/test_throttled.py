"""A throttled Blob service holds a store thread for seconds, not a minute (issue 13, item 9):
the SDK's retries sleep in the calling thread, so they are few and short. No Azurite: a stub on
loopback answers every request 503 ServerBusy, as Azure Storage does when it throttles."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from azure.core.exceptions import HttpResponseError

from bot.tickets.store.blob import BlobStore
from bot.tickets.store.config import BlobConfig
from tests.support.azurite import ACCOUNT, ACCOUNT_KEY

BUSY = (
    '<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code>'
    "<Message>The server is busy.</Message></Error>"
)


@dataclass
class Throttling:
    url: str = ""
    attempts: list[float] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.attempts.append(time.monotonic())
        return web.Response(
            status=503,
            text=BUSY,
            content_type="application/xml",
            headers={"x-ms-error-code": "ServerBusy"},
        )


@pytest.fixture
async def throttling() -> AsyncIterator[Throttling]:
    stub = Throttling()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", stub.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    stub.url = str(server.make_url(f"/{ACCOUNT}"))
    try:
        yield stub
    finally:
        await server.close()


async def test_a_throttled_service_fails_a_store_call_within_seconds(
    throttling: Throttling,
) -> None:
    connection = (
        f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
        f"BlobEndpoint={throttling.url};"
    )
    started = time.monotonic()
    with pytest.raises(HttpResponseError) as info:
        await asyncio.to_thread(BlobStore, BlobConfig(connection, "busy"))
    assert info.value.status_code == 503
    assert len(throttling.attempts) == 3  # the request and two retries
    assert time.monotonic() - started < 5.0  # the default policy slept about a minute
