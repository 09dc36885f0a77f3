"""The escalation tells the truth for the configuration in force, over HTTP: with a support
channel (staff take the ticket there, the user is told here), with e-mail only (SMTP: sent by
e-mail, no message here promised), with both, and with neither (nothing reaches Interact by
itself: the prefilled e-mail is the main action). The start-up warning names the last case."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient

from bot.core.catalogue import Catalogue
from bot.settings import Settings
from cards.builders import card_text
from tests.support.cards import actions
from tests.support.connector import ConnectorStub
from tests.support.http import choose_channel, open_ticket, posted_to, say, start_app
from tests.support.smtp import SENDER, Server, free_port, start_server

USER_CHAT = "a:conv-1"
TEAM = "Interact's tech support (tech.support@interact.eu)"
MESSAGE_HERE = "You will get a message here when someone takes it and when it is resolved."
KEEP_TRYING = "I will keep trying"
CHANNEL = "Interact's support channel"
EMAIL = "e-mail to tech.support@interact.eu"


@pytest.fixture
def smtp() -> Iterator[Server]:
    server = start_server()
    yield server
    server.controller.stop()


def with_smtp(settings: Settings, server: Server) -> Settings:
    return dataclasses.replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=server.port,
        smtp_starttls=False,
        smtp_from=SENDER,
    )


@pytest.fixture
async def app_for(catalogue: Catalogue) -> AsyncIterator[Any]:
    clients: list[TestClient] = []

    async def start(settings: Settings, **collaborators: Any) -> TestClient:
        client = await start_app(settings, catalogue, **collaborators)
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()


def said_to_user(connector: ConnectorStub) -> list[str]:
    """Every message the user got in their chat, text and card text, oldest first."""
    out = []
    for sent in posted_to(connector, USER_CHAT):
        parts = [sent.get("text") or ""]
        for att in sent.get("attachments") or []:
            parts.extend(card_text(att.get("content")))
        out.append("\n".join(p for p in parts if p))
    return out


def receipt_of(connector: ConnectorStub) -> tuple[str, dict[str, Any]]:
    """The receipt's text and card: the one card in the user's chat that names SUP-0001."""
    cards = [
        att.get("content")
        for sent in posted_to(connector, USER_CHAT)
        for att in sent.get("attachments") or []
    ]
    found = [c for c in cards if "SUP-0001" in "\n".join(card_text(c))]
    assert len(found) == 1, said_to_user(connector)
    return "\n".join(card_text(found[0])), found[0]


async def test_with_a_support_channel_only(settings, app_for, connector) -> None:
    client = await app_for(settings)
    await choose_channel(client, connector)
    await open_ticket(client, connector)
    text, _ = receipt_of(connector)
    assert MESSAGE_HERE in text, text
    assert f"✅ Delivered to: {CHANNEL}." in text, text
    assert EMAIL not in text and KEEP_TRYING not in text, text
    assert any("Shall I pass your request to tech.support@" in s for s in said_to_user(connector))


async def test_with_smtp_only(settings, app_for, connector, smtp) -> None:
    """No support channel: nobody can take the ticket in Teams, so no message here is promised,
    and the channel that is not chosen is not a place the request "waits" for."""
    client = await app_for(with_smtp(settings, smtp))
    await open_ticket(client, connector)
    text, _ = receipt_of(connector)
    assert f"✅ Sent by e-mail to {TEAM}." in text, text
    for wrong in ("message here", KEEP_TRYING, "support channel", "Not delivered"):
        assert wrong not in text, text
    [mail] = smtp.handler.received
    assert mail.rcpt_tos == ["tech.support@interact.eu"] and "SUP-0001" in mail.message["Subject"]


async def test_with_smtp_only_while_the_mail_server_is_down(settings, app_for, connector) -> None:
    """The e-mail is retried: the receipt says it is not sent yet, and that it keeps trying."""
    down = dataclasses.replace(
        settings, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False
    )
    client = await app_for(dataclasses.replace(down, smtp_from=SENDER))
    await open_ticket(client, connector)
    text, _ = receipt_of(connector)
    assert f"⏳ The e-mail to {TEAM} is not sent yet. I will keep trying." in text, text
    assert "message here" not in text and "Sent by e-mail" not in text, text


async def test_with_a_support_channel_and_smtp(settings, app_for, connector, smtp) -> None:
    client = await app_for(with_smtp(settings, smtp))
    await choose_channel(client, connector)
    await open_ticket(client, connector)
    text, _ = receipt_of(connector)
    assert MESSAGE_HERE in text, text
    assert f"✅ Delivered to: {CHANNEL} and {EMAIL}." in text, text
    assert KEEP_TRYING not in text, text


async def test_with_a_support_channel_and_smtp_in_german(
    settings, app_for, connector, smtp
) -> None:
    """The places it arrived are named in the user's language (they were English)."""
    # (The session's catalogue comes without the language word lists: German is said here.)
    client = await app_for(with_smtp(settings, smtp), detect=lambda text: "de")
    await choose_channel(client, connector)
    for text in (
        "Support kontaktieren",  # the manifest's German command
        "ja",
        "Die Aktivierungsmail kommt nie an, auch nach drei Versuchen nicht",
    ):
        await say(client, connector, text, locale="de-DE")
    text, _ = receipt_of(connector)
    assert "Sie erhalten hier eine Nachricht" in text, text
    assert "✅ Zugestellt an: Supportkanal von Interact und E-Mail an tech.support@" in text, text
    assert "support channel" not in text and "e-mail to" not in text, text


async def test_with_neither(settings, app_for, connector) -> None:
    """Nothing reaches Interact by itself: the question says so, and the receipt promises
    nothing; its main action is the prefilled e-mail to the contact."""
    client = await app_for(settings)
    await say(client, connector, "I can't log in")
    question = said_to_user(connector)[-1]
    assert "Nothing reaches Interact from here by itself yet" in question, question
    assert "Shall I pass your request" not in question, question
    await say(client, connector, "yes")
    await say(client, connector, "The activation mail never arrives, even after three tries")
    text, card = receipt_of(connector)
    assert "please send them the e-mail below" in text, text
    for wrong in ("message here", KEEP_TRYING, "support channel", "Sent by e-mail", "Delivered"):
        assert wrong not in text, text
    main = actions(card)[0]
    assert main["type"] == "Action.OpenUrl" and main.get("style") == "positive", main
    assert urlsplit(main["url"]).path == "tech.support@interact.eu"


async def test_start_up_warns_only_when_nothing_delivers(
    settings, app_for, connector, smtp, caplog
) -> None:
    """The warning at start-up: with neither; not with SMTP; not once a support channel is
    chosen (the choice is kept in the store, so the next start finds it)."""
    caplog.set_level(logging.WARNING, logger="interact.app")

    def warned() -> bool:
        return any("no delivery channel" in r.getMessage() for r in caplog.records)

    first = await app_for(settings)
    assert warned()
    caplog.clear()
    await app_for(with_smtp(settings, smtp))
    assert not warned()
    await choose_channel(first, connector)
    await first.close()
    caplog.clear()
    await app_for(settings)
    assert not warned()
