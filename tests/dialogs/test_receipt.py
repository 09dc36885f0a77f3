"""The ticket receipt tells the truth for the configuration in force: with no support channel and
no SMTP nothing reaches Interact by itself, so it promises nothing and its main action is the
prefilled e-mail to the right contact."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.support.cards import actions
from tests.support.chat import Chat, all_text, card_of

ROOT = Path(__file__).resolve().parents[2]
PROMISES = ("I will keep trying", "You will get a message here", "waiting for delivery")


async def test_without_channel_or_smtp_the_receipt_asks_the_user_to_send_the_email(chat: Chat):
    await chat.say("I can't log in")
    await chat.say("yes")
    [receipt] = await chat.say("The activation e-mail never arrives, I tried three times")
    text = all_text(receipt)
    assert "SUP-0001" in text
    for promise in PROMISES:
        assert promise not in text, text
    assert "please send them the e-mail below" in text
    buttons = actions(card_of(receipt) or {})
    main = buttons[0]
    assert main["type"] == "Action.OpenUrl" and main.get("style") == "positive"
    url = urlsplit(main["url"])
    assert url.scheme == "mailto" and url.path == "tech.support@interact.eu"
    assert parse_qs(url.query)["subject"][0].startswith("[SUP-0001]")
    assert "activation e-mail never arrives" in parse_qs(url.query)["body"][0]


async def test_talk_to_support_reaches_whom_the_manifest_names(chat: Chat, catalogue) -> None:
    """The manifest's support command (what the bot's support button sends) says it reaches
    Interact's tech support, and does."""
    manifest = json.loads((ROOT / "manifest" / "manifest.json").read_text("utf-8"))
    commands = {
        c["title"]: c["description"]
        for group in manifest["bots"][0]["commandLists"]
        for c in group["commands"]
    }
    command = catalogue.texts().get("choice.support.says")
    assert "tech support" in commands[command]
    said = [command]
    for language in ("de", "fr", "it", "es"):  # the command as each language's manifest says it
        localized = json.loads((ROOT / "manifest" / f"{language}.json").read_text("utf-8"))
        said.append(localized["bots[0].commandLists[0].commands[5].title"])
    assert manifest["bots"][0]["commandLists"][0]["commands"][5]["title"] == command
    for message in said:
        replies = await chat.say(message)
        text = all_text(replies[0])
        assert catalogue.contact("tech-support").email in text, message
        assert catalogue.contact("communication").email not in text, message
        await chat.say("no")  # decline the hand-over


async def test_start_up_warns_when_nothing_delivers_support_requests(
    settings, catalogue, caplog
) -> None:
    from tests.support.http import start_app

    caplog.set_level(logging.WARNING, logger="interact.app")
    client = await start_app(settings, catalogue)
    await client.close()
    assert any("no delivery channel for support requests" in r.getMessage() for r in caplog.records)

    caplog.clear()
    smtp = dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_from="bot@example.org")
    client = await start_app(smtp, catalogue)
    await client.close()
    assert not any("no delivery channel" in r.getMessage() for r in caplog.records)
