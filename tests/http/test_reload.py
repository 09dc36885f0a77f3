"""Content changes without a redeploy: an edited copy of data/ is taken up on SIGHUP and on a
support admin's "reload catalogue", checked as ``bot check`` checks it; a broken edit is refused
and the old catalogue keeps serving (README, "Content updates")."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import shutil
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import CONTENT, RELOAD, RELOAD_REQUEST, Reloader, create_app, utc_now
from bot.assistant import Assistant, AssistantHolder
from bot.ops.pools import Pool
from bot.settings import DEFAULT_DATA_DIR, Settings
from tests.support.catalogues import fixture_catalogue
from tests.support.connector import ConnectorStub
from tests.support.http import ADMIN, AGENT, say, wait_for
from tests.support.instances import reload_reaches_every_instance

THANKS = "You're welcome! Ask me again any time."
EDITED = "You are most welcome, come back soon."


@pytest.fixture
async def served(settings: Settings, tmp_path: Path) -> AsyncIterator[tuple[TestClient, Path]]:
    """The app on a copy of data/ that the test edits (the real loading path: no catalogue
    given)."""
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    app = create_app(dataclasses.replace(settings, data_dir=data))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client, data


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


async def version(client: TestClient) -> str:
    resp = await client.get("/healthz")
    assert resp.status == 200
    return str((await resp.json())["catalogue"]["version"])


async def last_reply(client: TestClient, connector: ConnectorStub, text: str, **kw: object) -> str:
    before = len(connector.sent)
    await say(client, connector, text, **kw)
    await wait_for(lambda: len(connector.sent) > before)
    return str(connector.sent[-1].get("text") or "")


async def test_sighup_takes_up_an_edit_and_a_broken_edit_keeps_the_old_one(
    served: tuple[TestClient, Path], connector: ConnectorStub, caplog: pytest.LogCaptureFixture
) -> None:
    client, data = served
    assert await version(client) == "2025.1"
    assert await last_reply(client, connector, "thanks") == THANKS
    edit(data / "texts" / "en.yaml", THANKS, EDITED)
    edit(data / "catalogue.yaml", 'version: "2025.1"', 'version: "2025.2"')
    os.kill(os.getpid(), signal.SIGHUP)
    for _ in range(200):
        if await version(client) == "2025.2":
            break
        await asyncio.sleep(0.05)
    assert await version(client) == "2025.2"
    assert await last_reply(client, connector, "thanks") == EDITED

    caplog.set_level(logging.ERROR)
    edit(data / "catalogue.yaml", 'version: "2025.2"', 'version: "2025.3"')
    (data / "faq.yaml").write_text("faqs: [unclosed\n", encoding="utf-8")
    os.kill(os.getpid(), signal.SIGHUP)
    await wait_for(lambda: "catalogue reload refused" in caplog.text)
    assert "faq.yaml" in caplog.text
    assert await version(client) == "2025.2"  # the old one keeps serving
    assert await last_reply(client, connector, "thanks") == EDITED


async def test_a_support_admin_reloads_in_chat_and_is_told_the_outcome(
    served: tuple[TestClient, Path], connector: ConnectorStub
) -> None:
    client, data = served
    edit(data / "catalogue.yaml", 'version: "2025.1"', 'version: "2025.4"')
    said = await last_reply(client, connector, "reload catalogue", **{"from": AGENT})
    assert "only the support admins" in said  # an agent is not an admin
    assert await version(client) == "2025.1"
    said = await last_reply(client, connector, "reload catalogue", **{"from": ADMIN})
    assert "version 2025.4 is in force" in said
    assert await version(client) == "2025.4"
    old = client.server.app[CONTENT].current
    edit(data / "catalogue.yaml", 'version: "2025.4"', "version: [")
    said = await last_reply(client, connector, "reload catalogue", **{"from": ADMIN})
    assert "was refused" in said and "catalogue.yaml" in said
    assert client.server.app[CONTENT].current is old and await version(client) == "2025.4"


async def test_a_stale_model_is_retrained_on_reload(
    served: tuple[TestClient, Path], connector: ConnectorStub, caplog: pytest.LogCaptureFixture
) -> None:
    client, data = served
    # the training data changed: the saved model no longer matches it (retrained in seconds,
    # its thresholds kept; without a model file it would be built with the minutes of
    # cross-validation of `python -m bot train`, longer than a turn may take)
    edit(
        data / "training" / "questions.yaml",
        '"explore all the teams",',
        '"explore all the teams", "the range of teams you run, please",',
    )
    caplog.set_level(logging.WARNING)
    said = await last_reply(client, connector, "reload catalogue", **{"from": ADMIN})
    assert "is in force" in said
    assert "trained a fresh one" in caplog.text
    assert client.server.app[CONTENT].current.understander.model is not None


async def test_a_reload_asked_on_one_instance_reaches_the_other(
    settings: Settings, connector: ConnectorStub, tmp_path: Path
) -> None:
    """Two instances on one SQLite file: the admin's command reaches one, the other takes it up
    from the store within CONTENT_RELOAD_POLL_SECONDS, each from its own data folder."""
    await reload_reaches_every_instance(
        dataclasses.replace(settings, content_reload_poll_seconds=1), connector, tmp_path
    )


class FlakyStore:
    """The settings of a store that fails until ``failing`` is cleared."""

    def __init__(self) -> None:
        self.failing = True
        self.settings: dict[str, dict[str, object]] = {}

    def get_setting(self, key: str) -> dict[str, object] | None:
        if self.failing:
            raise OSError("store unreachable")
        return self.settings.get(key)

    def set_setting(self, key: str, value: dict[str, object]) -> None:
        self.settings[key] = dict(value)


async def test_a_store_that_fails_is_logged_once_and_the_request_taken_up_after(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    content = AssistantHolder(Assistant(fixture_catalogue()))
    store = FlakyStore()
    reloader = Reloader(
        settings,
        content,
        store=store,
        pool=Pool("store", 1),
        now=utc_now,  # type: ignore[arg-type]
    )
    caplog.set_level(logging.INFO, logger="interact.app")
    watch = asyncio.create_task(reloader.watch(0.01))
    try:
        await asyncio.sleep(0.2)  # some twenty failed looks
        assert caplog.text.count("cannot look for catalogue reload requests") == 1
        store.failing = False
        await wait_for(
            lambda: "looking for catalogue reload requests in the store again" in caplog.text
        )
        assert content.current.catalogue.version == fixture_catalogue().version  # nothing asked
        store.settings[RELOAD_REQUEST] = {"id": "another-instance", "at": "now"}
        await wait_for(lambda: "catalogue reloaded" in caplog.text)
        assert content.current.catalogue.version == "2025.1"  # settings.data_dir: data/
    finally:
        watch.cancel()
        reloader.pool.close()


class UnwritableSettings:
    """The app's store, its settings refusing writes."""

    def __init__(self, store: object) -> None:
        self.store = store

    def set_setting(self, key: str, value: object) -> None:
        raise OSError("disk full")

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)


async def test_the_admin_is_told_when_the_other_instances_cannot_be_asked(
    served: tuple[TestClient, Path], connector: ConnectorStub
) -> None:
    client, data = served
    reloader = client.server.app[RELOAD]
    reloader.store = UnwritableSettings(reloader.store)  # type: ignore[assignment]
    edit(data / "catalogue.yaml", 'version: "2025.1"', 'version: "2025.5"')
    said = await last_reply(client, connector, "reload catalogue", **{"from": ADMIN})
    assert "version 2025.5 is in force on this instance" in said
    assert "the other instances could not be asked" in said and "OSError" in said
    assert await version(client) == "2025.5"  # this instance took it up all the same
