"""The ticket quota (TICKETS_PER_USER_PER_DAY, TICKETS_PER_TENANT_PER_DAY): past it no ticket is
opened, the user is told plainly and gets back what they wrote."""

from __future__ import annotations

import dataclasses

import pytest
from botbuilder.schema import Activity

from bot.settings import Settings
from tests.support.chat import Chat, all_text


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, tickets_per_user_per_day=2)


def texts(replies: list[Activity]) -> str:
    return "\n".join(all_text(r) for r in replies)


async def escalate(chat: Chat, description: str) -> list[Activity]:
    await chat.say("I can't log in")
    await chat.say("yes")
    return await chat.say(description)


async def test_past_the_daily_quota_no_ticket_and_the_description_comes_back(chat: Chat) -> None:
    assert "SUP-0001" in texts(await escalate(chat, "The activation mail never arrives"))
    assert "SUP-0002" in texts(await escalate(chat, "The password reset link has expired"))
    third = "The portal shows error 500 after login, since this morning at 9"
    replies = await escalate(chat, third)
    store = chat.components.desk.store
    assert [t.id for t in store.list_tickets()] == ["SUP-0002", "SUP-0001"]
    text = texts(replies)
    assert "limit" in text and "2 a day per person" in text and "tech.support@interact.eu" in text
    assert third in [r.text for r in replies]  # nothing they wrote is lost
    # the conversation goes on as usual
    assert "Controllers network" in texts(await chat.say("is there a group for controllers?"))


def test_quota_settings_and_their_defaults() -> None:
    assert Settings.from_env({}).tickets_per_user_per_day == 5
    assert Settings.from_env({}).tickets_per_tenant_per_day == 100
    env = {"TICKETS_PER_USER_PER_DAY": "0", "TICKETS_PER_TENANT_PER_DAY": "7"}
    assert Settings.from_env(env).tickets_per_user_per_day == 0
    assert Settings.from_env(env).tickets_per_tenant_per_day == 7
