"""Several instances of the bot on one store, each with its own copy of data/ (as each container
of one image has its own), served on loopback: for what must reach every instance."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from bot.settings import DEFAULT_DATA_DIR, Settings
from tests.support.connector import ConnectorStub
from tests.support.http import ADMIN, say, wait_for


@dataclasses.dataclass(frozen=True)
class Instance:
    client: TestClient
    data: Path  # its own data folder (ASSISTANT_DATA_DIR), a copy of data/ the test may edit

    async def version(self) -> str:
        """The catalogue version in force (/healthz)."""
        resp = await self.client.get("/healthz")
        assert resp.status == 200
        return str((await resp.json())["catalogue"]["version"])

    def set_version(self, version: str) -> None:
        """Edit its data folder's catalogue version (an editor's change, not yet taken up)."""
        path = self.data / "catalogue.yaml"
        text = path.read_text(encoding="utf-8")
        old = next(line for line in text.splitlines() if line.startswith("version:"))
        path.write_text(text.replace(old, f'version: "{version}"'), encoding="utf-8")


@contextlib.asynccontextmanager
async def instances(
    settings: Settings, folder: Path, count: int = 2
) -> AsyncIterator[list[Instance]]:
    """``count`` apps on ``settings``' store (the real loading path: no catalogue given), each on
    a copy of data/ in ``folder``."""
    started: list[Instance] = []
    try:
        for n in range(count):
            data = folder / f"data-{n}"
            shutil.copytree(DEFAULT_DATA_DIR, data)
            app = create_app(dataclasses.replace(settings, data_dir=data))
            client = TestClient(TestServer(app, host="127.0.0.1"))
            await client.start_server()
            started.append(Instance(client, data))
        yield started
    finally:
        for instance in started:
            await instance.client.close()


async def reload_reaches_every_instance(
    settings: Settings, connector: ConnectorStub, folder: Path
) -> None:
    """The test of both stores: a support admin's "reload catalogue", typed on instance A,
    reaches B through the store (``settings.content_reload_poll_seconds``: 1 s), and each takes
    up its own data folder; a second command, on B, reaches A again."""
    async with instances(settings, folder) as (a, b):
        assert await a.version() == await b.version() == "2025.1"
        a.set_version("2025.7")
        b.set_version("2025.8")  # B's own folder: each reads its own
        await asyncio.sleep(1.5)  # a poll or more: nothing is reloaded unasked
        assert (await a.version(), await b.version()) == ("2025.1", "2025.1")
        before = len(connector.sent)
        await say(a.client, connector, "reload catalogue", **{"from": ADMIN})
        await wait_for(lambda: len(connector.sent) > before)
        assert "version 2025.7 is in force" in str(connector.sent[-1].get("text"))
        await wait_until(lambda: b.version(), "2025.8")
        a.set_version("2025.9")
        await say(b.client, connector, "reload catalogue", **{"from": ADMIN})
        await wait_until(lambda: a.version(), "2025.9")
        assert await b.version() == "2025.8"


async def wait_until(read: Callable[[], Awaitable[str]], value: str, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if await read() == value:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"still {await read()!r}, not {value!r}, after {seconds:g} s")
