"""A turn that opens a ticket, killed and run again, opens one ticket and tells its id.

The process "dies" (a BaseException that no handler catches: nothing after it runs, the turn's
state is not saved), and a new instance of the bot opens the same store and state, as a restart
(or a second instance) would; the user then does what users do.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from botbuilder.core.adapters import TestAdapter

from app import Components, build_bot
from bot.core.catalogue import Catalogue
from bot.ops.pools import Pool
from bot.settings import Settings
from bot.teams.storage import SqliteStorage
from bot.tickets.store.sqlite import SqliteStore
from tests.support.chat import Chat, all_text

DESCRIPTION = "The activation mail never arrives, even after three tries"


class Killed(BaseException):
    """The process dies here."""


@pytest.fixture
def restart(settings: Settings, catalogue: Catalogue, tmp_path: Path) -> Iterator:
    opened: list[SqliteStore] = []

    def start() -> Components:
        opened.append(SqliteStore(tmp_path / "shared.sqlite3"))
        store = opened[-1]
        return build_bot(
            settings, SqliteStorage(store, Pool("store", 2)), catalogue=catalogue, store=store
        )

    yield start
    for store in opened:
        store.close()


async def escalate(chat: Chat) -> None:
    await chat.say("I can't log in")
    await chat.say("yes")


async def test_killed_after_the_ticket_before_the_receipt(restart, monkeypatch) -> None:
    first = restart()
    chat = Chat(first)
    await escalate(chat)

    async def die(*args, **kw):
        raise Killed

    monkeypatch.setattr(first.desk.worker, "deliver_ticket", die)  # after the ticket is stored
    with pytest.raises(Killed):
        await chat.say(DESCRIPTION)
    assert [t.id for t in first.desk.store.list_tickets()] == ["SUP-0001"]

    second = restart()
    replies = await Chat(second).say(DESCRIPTION)  # no receipt came: the user sends it again
    assert "SUP-0001" in "\n".join(all_text(r) for r in replies)
    assert [t.id for t in second.desk.store.list_tickets()] == ["SUP-0001"]


async def test_killed_after_the_receipt_before_the_state_is_saved(restart, monkeypatch) -> None:
    first = restart()
    chat = Chat(first)
    await escalate(chat)
    send = TestAdapter.send_activities

    async def send_then_die(self, context, activities):
        responses = await send(self, context, activities)
        if any("SUP-0001" in all_text(a) for a in activities):
            raise Killed  # the receipt went out; the end of the turn never comes
        return responses

    monkeypatch.setattr(TestAdapter, "send_activities", send_then_die)
    with pytest.raises(Killed):
        await chat.say(DESCRIPTION)
    monkeypatch.undo()

    second = restart()
    replies = await Chat(second).say("thanks!")  # not a new ticket
    assert [t.id for t in second.desk.store.list_tickets()] == ["SUP-0001"]
    assert "SUP-0002" not in "\n".join(all_text(r) for r in replies)
    replies = await Chat(second).say("is there a group for controllers?")
    assert replies  # the conversation goes on
    assert [t.id for t in second.desk.store.list_tickets()] == ["SUP-0001"]
