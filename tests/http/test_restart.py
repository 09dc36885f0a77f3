"""Nothing lost across restarts: tickets, pending deliveries and the buttons of old cards."""

from __future__ import annotations

import asyncio
import datetime as dt

from aiohttp.test_utils import TestClient

from app import DESK
from bot.core.catalogue import Catalogue
from bot.settings import Settings
from tests.support.cards import actions
from tests.support.http import (
    NO_WAIT,
    assign_invoke,
    choose_channel,
    open_ticket,
    posted_to,
    say,
    start_app,
    wait_for,
)


async def start(settings: Settings, catalogue: Catalogue) -> TestClient:
    return await start_app(settings, catalogue, retrying=NO_WAIT)


async def test_tickets_and_deliveries_survive_a_restart(settings, catalogue, connector) -> None:
    first = await start(settings, catalogue)
    await choose_channel(first, connector)
    connector.down_for.add("19:support@thread.tacv2")
    await open_ticket(first, connector)
    assert first.server.app[DESK].store.pending("SUP-0001")
    await first.close()  # the app stops: the store is closed, the worker is stopped

    connector.down_for.clear()
    second = await start(settings, catalogue)
    try:
        desk = second.server.app[DESK]
        ticket = desk.store.get_ticket("SUP-0001")
        assert ticket is not None and ticket.status == "open"
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)  # past the retry backoff
        desk.worker.now = lambda: later
        desk.worker.wake()
        await wait_for(lambda: not desk.store.pending("SUP-0001"))
        card = posted_to(connector, "19:support@thread.tacv2")[-1]["attachments"][0]["content"]
        assign = next(a for a in actions(card) if a.get("verb") == "ticket.assign")

        # "Assign to me" pressed on the card after the restart still notifies the user.
        invoke = assign_invoke(connector, assign["data"], None)
        resp = await second.post("/api/messages", json=invoke)
        assert resp.status == 200
        await wait_for(lambda: any("was taken by" in (s.get("text") or "") for s in connector.sent))
        assert desk.store.get_ticket("SUP-0001").status == "assigned"
    finally:
        await second.close()


async def test_state_survives_a_restart_mid_dialog(settings, catalogue, connector) -> None:
    first = await start(settings, catalogue)
    await say(first, connector, "I can't log in")
    await first.close()
    second = await start(settings, catalogue)
    try:
        await say(second, connector, "yes")  # the confirm prompt of before the restart
        await asyncio.sleep(0)
        assert "describe the problem" in (connector.sent[-1].get("text") or "")
    finally:
        await second.close()
