"""Support ticket cards: valid for Teams (offline validator), version 1.4, the right Universal
Actions per status, user text inert, an honest receipt and a prefilled e-mail."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from bot.tickets.model import Reach, Status, Ticket, Turn
from cards.builders import card_text, contact_text, mailto, plain
from cards.tickets import (
    ASSIGN_VERB,
    DESCRIPTION_LIMIT,
    MAIL_URL_LIMIT,
    RESOLVE_VERB,
    TICKET_ACTION,
    TRANSCRIPT_TURNS,
    TURN_LIMIT,
    WORD_LIMIT,
    ticket_card,
    ticket_receipt_card,
    ticket_update_text,
    when,
)
from tests.support.cards import TEAMS_MAX_BYTES, actions, cards_in, validate_cards, walk
from tests.support.catalogues import real_catalogue

TEXTS = real_catalogue().texts()  # the texts the bot writes (data/texts/en.yaml)
BOTH = Reach(channel=True, email=True)  # a support channel is chosen and SMTP is configured
CHANNEL, EMAIL, NEITHER = Reach(channel=True), Reach(email=True), Reach()
CREATED = dt.datetime(2025, 6, 3, 14, 5, 9, tzinfo=dt.UTC)
RESOLVED_AT = dt.datetime(2025, 6, 4, 9, 12, tzinfo=dt.UTC)
HOSTILE = (
    "[click](https://evil.example) **bold** _it_ ~~x~~ <at>Admin</at>"
    " {{DATE(2017-02-14T06:08:00Z)}} ${name} # h\n\n- item\n1. one &#91;x&#93; `code`"
    " \u202eexe.txt\u0000 ![img](https://evil.example/x.png) <a href='https://evil.example'>a</a>"
)
RTL = "مرحبا، لا أستطيع تسجيل الدخول إلى البوابة. שלום, אני לא מצליח להתחבר"
UNICODE = "Zażółć gęślą jaźń 👩‍💻 — 東京の事務所からです ✔"
LONG = ("My activation e-mail never arrived and I tried three times. " * 120).strip()
DESCRIPTIONS = {"plain": "I cannot log in to the portal.\n\nThe page says 'error 42'."}
DESCRIPTIONS |= {"hostile": HOSTILE, "rtl": RTL, "unicode": UNICODE, "long": LONG, "empty": ""}
TRANSCRIPT = (
    Turn("user", "hi", "2025-06-03T14:01:00+00:00"),
    Turn("bot", "Hello! What do you do?", "2025-06-03T14:01:01+00:00"),
    Turn("user", "I'm a controller", "2025-06-03T14:02:00+00:00"),
    Turn("bot", "I recommend **Controllers network**. " + "x" * 400, "2025-06-03T14:02:01+00:00"),
    Turn("user", HOSTILE, "2025-06-03T14:03:00+00:00"),
    Turn("bot", "Shall I hand this to Interact's tech support?", "2025-06-03T14:03:01+00:00"),
    Turn("user", "yes", "2025-06-03T14:04:00+00:00"),
    Turn("bot", "Please describe the problem.", "2025-06-03T14:04:01+00:00"),
)


def make(status: Status = Status.OPEN, **kw: Any) -> Ticket:
    values: dict[str, Any] = {
        "id": "SUP-0042",
        "number": 42,
        "route": "tech-support",
        "contact_email": "tech.support@interact.eu",
        "description": DESCRIPTIONS["plain"],
        "user_name": "Maria Rossi",
        "user_aad_id": "00000000-0000-0000-0000-000000000042",
        "user_email": "maria.rossi@programme.example",
        "transcript": TRANSCRIPT,
        "created_at": CREATED,
        "updated_at": RESOLVED_AT if status == Status.RESOLVED else CREATED,
        "status": status,
        "assignee": "" if status == Status.OPEN else "Anna Support",
        "conversation_reference": {"conversation": {"id": "a:1"}},
        "channel_activity_id": None,
        "version": 3,
    }
    values.update(kw)
    return Ticket(**values)


def all_ticket_cards() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for status in Status:
        for dname, desc in DESCRIPTIONS.items():
            out[f"ticket-{status}-{dname}"] = ticket_card(make(status, description=desc), TEXTS)
        out[f"ticket-{status}-hostile-user"] = ticket_card(
            make(status, user_name=HOSTILE, user_email=HOSTILE, assignee=HOSTILE), TEXTS
        )
        out[f"ticket-{status}-no-email"] = ticket_card(make(status, user_email=""), TEXTS)
        out[f"ticket-{status}-nobody"] = ticket_card(
            make(status, user_name="", user_email=""), TEXTS
        )
        out[f"ticket-{status}-no-transcript"] = ticket_card(make(status, transcript=()), TEXTS)
        out[f"ticket-{status}-rtl-user"] = ticket_card(
            make(status, user_name=RTL, assignee=RTL), TEXTS
        )
    truths = {
        "both": (["channel"], ["email"], BOTH),
        "delivered": (["channel", "email"], [], BOTH),
        "pending": ([], ["channel", "email"], BOTH),
        "emailed": (["email"], ["channel"], EMAIL),
        "email-waiting": ([], ["channel", "email"], EMAIL),
        "manual": ([], ["channel"], NEITHER),
    }
    for tname, (delivered, pending, reach) in truths.items():
        out[f"receipt-truth-{tname}"] = ticket_receipt_card(
            make(), delivered, pending, TEXTS, reach
        )
    for dname, desc in DESCRIPTIONS.items():
        out[f"receipt-description-{dname}"] = ticket_receipt_card(
            make(description=desc), ["channel"], [], TEXTS, CHANNEL
        )
    out["receipt-communication"] = ticket_receipt_card(
        make(route="communication", contact_email="communication@interact.eu"),
        ["channel"],
        [],
        TEXTS,
        CHANNEL,
    )
    return out


@pytest.fixture(scope="module")
def every() -> dict[str, dict[str, Any]]:
    return all_ticket_cards()


def text(doc: Any) -> str:
    return "\n".join(card_text(doc))


def executes(doc: Any) -> list[dict[str, Any]]:
    return [a for a in actions(doc) if a["type"] == "Action.Execute"]


def mail_button(doc: Any) -> dict[str, Any]:
    [button] = [a for a in actions(doc) if a["type"] == "Action.OpenUrl"]
    return button


# --------------------------------------------------------------------------- the validator


def test_every_ticket_card_passes_the_teams_validator(every, tmp_path):
    result = validate_cards(every, tmp_path, strict=True)
    assert f"{len(every)} card(s) in {len(every)} file(s)" in result


def test_every_ticket_card_is_1_4_and_compact(every):
    assert len(every) > 40
    for name, doc in every.items():
        [found] = cards_in(doc)
        assert found["version"] == "1.4", name
        size = len(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode())
        assert size < TEAMS_MAX_BYTES * 0.85, (name, size)


# --------------------------------------------------------------------------- the support card


def test_open_ticket_offers_assign_then_resolve():
    doc = ticket_card(make(Status.OPEN), TEXTS)
    buttons = executes(doc)
    assert [(b["title"], b["verb"]) for b in buttons] == [
        ("Assign to me", ASSIGN_VERB),
        ("Resolve", RESOLVE_VERB),
    ]
    assert ASSIGN_VERB == "ticket.assign" and RESOLVE_VERB == "ticket.resolve"
    assert all(b["data"] == {"ticket": "SUP-0042", "version": 3} for b in buttons)
    assert buttons[0]["style"] == "positive" and "style" not in buttons[1]
    # nothing else to click: each button and its fallback for clients without universal actions
    assert actions(doc) == [a for b in buttons for a in (b, b["fallback"])]
    lines = card_text(doc)
    assert lines[0] == "SUP-0042" and lines[1] == "OPEN"
    assert "Assigned to:" not in text(doc)


@pytest.mark.parametrize("status", [Status.OPEN, Status.ASSIGNED])
def test_every_ticket_button_has_an_action_submit_fallback(status):
    for button in executes(ticket_card(make(status), TEXTS)):
        fallback = button["fallback"]
        assert fallback["type"] == "Action.Submit" and fallback["title"] == button["title"]
        assert fallback["data"] == {
            "action": TICKET_ACTION,
            "verb": button["verb"],
            **button["data"],
        }


def test_assigned_ticket_offers_resolve_then_take_over():
    doc = ticket_card(make(Status.ASSIGNED, version=7), TEXTS)
    buttons = executes(doc)
    assert [(b["title"], b["verb"]) for b in buttons] == [
        ("Resolve", RESOLVE_VERB),
        ("Assign to me", ASSIGN_VERB),
    ]
    assert all(b["data"] == {"ticket": "SUP-0042", "version": 7} for b in buttons)
    assert "Assigned to: Anna Support" in card_text(doc)
    assert card_text(doc)[1] == "ASSIGNED"


def test_resolved_ticket_has_no_buttons_and_says_who_and_when():
    doc = ticket_card(make(Status.RESOLVED), TEXTS)
    assert "actions" not in doc and not actions(doc)
    assert "✅ Resolved by Anna Support · 2025-06-04 09:12 UTC" in card_text(doc)
    assert card_text(doc)[1] == "RESOLVED"
    nobody = ticket_card(make(Status.RESOLVED, assignee=""), TEXTS)
    assert "✅ Resolved · 2025-06-04 09:12 UTC" in card_text(nobody)


def test_status_label_colours():
    colours = {}
    for status in Status:
        doc = ticket_card(make(status), TEXTS)
        label = doc["body"][0]["columns"][1]["items"][0]
        colours[status] = label["style"]
        assert "color" not in label["items"][0]  # the style's own text colour: readable
    assert colours == {
        Status.OPEN: "attention",
        Status.ASSIGNED: "accent",
        Status.RESOLVED: "good",
    }


def test_ticket_card_shows_who_where_when_and_what():
    doc = ticket_card(make(), TEXTS)
    lines = card_text(doc)
    assert "From: Maria Rossi · maria.rossi@programme.example" in lines
    assert "For: Tech support (tech.support@interact.eu)" in lines
    assert "Created: 2025-06-03 14:05 UTC" in lines
    assert "I cannot log in to the portal." in lines and "The page says 'error 42'." in lines
    comm = ticket_card(
        make(route="communication", contact_email="communication@interact.eu"), TEXTS
    )
    assert "For: Communication (communication@interact.eu)" in card_text(comm)


def test_ticket_card_without_email_or_name():
    assert "From: Maria Rossi" in card_text(ticket_card(make(user_email=""), TEXTS))
    assert "From: unknown user" in card_text(ticket_card(make(user_name="", user_email=""), TEXTS))


def test_transcript_shows_the_last_turns_compact():
    lines = card_text(ticket_card(make(), TEXTS))
    start = lines.index("Conversation before the request (last 6 of 8 messages)")
    turns = lines[start + 1 : start + 1 + TRANSCRIPT_TURNS]
    assert turns[0].startswith("User: I'm a controller")
    # a TextRun is inert as it is; a word too long for one line is cut
    assert turns[1] == "Bot: I recommend **Controllers network**. " + "x" * (WORD_LIMIT - 1) + "…"
    assert turns[2].replace("\u2060", "").startswith("User: " + plain(HOSTILE)[:30])
    assert turns[-1] == "Bot: Please describe the problem."
    short = card_text(ticket_card(make(transcript=TRANSCRIPT[:2]), TEXTS))
    assert "Conversation before the request" in short and "User: hi" in short
    wordy = Turn("user", "word " * 100, "2025-06-03T14:05:00+00:00")
    [long_turn] = [
        x for x in card_text(ticket_card(make(transcript=(wordy,)), TEXTS)) if "word" in x
    ]
    assert len(long_turn) == len("User: ") + TURN_LIMIT and long_turn.endswith("…")
    empty = text(ticket_card(make(transcript=()), TEXTS))
    assert "Conversation before the request" not in empty


def test_long_description_is_cut():
    doc = ticket_card(make(description=LONG), TEXTS)
    [shown] = [line for line in card_text(doc) if line.startswith("My activation")]
    assert len(shown) == DESCRIPTION_LIMIT and shown.endswith("…")
    many = ticket_card(make(description="\n".join(f"line {i}" for i in range(100))), TEXTS)
    assert len(card_text(many)) < 60
    assert "(no description)" in card_text(ticket_card(make(description="  \n "), TEXTS))


_MARKDOWN = re.compile(r"[\\`*_~\[\]<>{}#&|]")


def seen(doc: Any) -> str:
    """What a reader sees (the invisible word joiners that break ``${`` and ``{{`` removed)."""
    return text(doc).replace("\u2060", "")


def _user_text_is_inert(doc: dict[str, Any], *texts: str) -> None:
    """User text reads as typed, and nothing in it works: TextBlocks carry no unescaped markdown,
    TextRuns (never markdown) no date function, the card no template expression; nothing can be
    clicked but our own buttons."""
    for t in texts:
        for line in t.splitlines():
            assert plain(line)[:150] in seen(doc), line
    assert "${" not in json.dumps(doc, ensure_ascii=False)
    for n in walk(doc):
        if n.get("type") == "TextBlock":
            assert not _MARKDOWN.search(re.sub(r"\\.", "", n["text"])), n["text"]
            assert "](" not in n["text"], n["text"]
        if n.get("type") == "TextRun":
            assert "{{" not in n["text"], n["text"]
        if n.get("type") == "Action.OpenUrl":
            assert "evil" not in urlsplit(n["url"]).path
        assert n.get("type") not in ("Image", "Media", "FactSet")
        assert "selectAction" not in n


@pytest.mark.parametrize("status", list(Status))
def test_hostile_text_is_inert_on_the_ticket_card(status):
    doc = ticket_card(
        make(status, description=HOSTILE, user_name=HOSTILE, user_email=HOSTILE), TEXTS
    )
    _user_text_is_inert(doc, HOSTILE)
    assert "\u202e" not in json.dumps(doc, ensure_ascii=False)
    assert "\x00" not in json.dumps(doc, ensure_ascii=False)
    rtl = ticket_card(make(status, description=RTL, user_name=RTL, assignee=RTL), TEXTS)
    _user_text_is_inert(rtl, RTL)
    if status != Status.OPEN:
        who = ticket_card(make(status, assignee=HOSTILE), TEXTS)
        _user_text_is_inert(who, HOSTILE)


# --------------------------------------------------------------------------- the receipt


def test_receipt_says_what_happens_next():
    doc = ticket_receipt_card(make(), ["channel"], [], TEXTS, CHANNEL)
    lines = card_text(doc)
    assert lines[0] == "Your request SUP-0042"
    assert lines[1] == (
        "Interact's tech support (tech.support@interact.eu) will look at it. You will get a "
        "message here when someone takes it and when it is resolved."
    )
    assert "Your description" in lines and "I cannot log in to the portal." in lines
    comm = ticket_receipt_card(
        make(route="communication", contact_email="communication@interact.eu"),
        ["channel"],
        [],
        TEXTS,
        CHANNEL,
    )
    assert card_text(comm)[1].startswith("Interact's communication team (communication@")


def test_receipt_tells_the_truth_about_delivery():
    channel, mail = "Interact's support channel", "e-mail to tech.support@interact.eu"
    both = text(ticket_receipt_card(make(), ["channel"], ["email"], TEXTS, BOTH))
    assert f"✅ Delivered to: {channel}." in both
    assert f"⏳ Not delivered yet: {mail}. I will keep trying." in both
    assert "stored and waiting" not in both
    delivered = text(ticket_receipt_card(make(), ["channel", "email"], [], TEXTS, BOTH))
    assert f"✅ Delivered to: {channel} and {mail}." in delivered
    assert "Not delivered" not in delivered and "keep trying" not in delivered
    pending = text(ticket_receipt_card(make(), [], ["channel", "email"], TEXTS, BOTH))
    assert f"⏳ Not delivered yet: {channel} and {mail}. I will keep trying." in pending
    assert "Delivered to" not in pending
    none = text(ticket_receipt_card(make(), [], [], TEXTS, CHANNEL))
    assert "stored and waiting for delivery" in none and "I will keep trying." in none
    assert "Delivered to" not in none and "Not delivered" not in none


def test_with_email_only_the_receipt_says_it_was_emailed_and_promises_no_message_here():
    """Nobody takes the ticket in Teams without a support channel: no "message here" promised,
    and the support channel that is not chosen is not listed as a place it waits for."""
    team = "Interact's tech support (tech.support@interact.eu)"
    sent = text(ticket_receipt_card(make(), ["email"], ["channel"], TEXTS, EMAIL))
    assert f"✅ Sent by e-mail to {team}." in sent
    waiting = text(ticket_receipt_card(make(), [], ["channel", "email"], TEXTS, EMAIL))
    assert f"⏳ The e-mail to {team} is not sent yet. I will keep trying." in waiting
    for said in (sent, waiting):
        assert "message here" not in said and "support channel" not in said
        assert "Delivered to" not in said, said


def test_without_channel_or_email_the_receipt_promises_nothing():
    said = text(ticket_receipt_card(make(), [], ["channel"], TEXTS, NEITHER))
    assert "please send them the e-mail below" in said
    for promise in ("keep trying", "message here", "support channel", "Sent by e-mail"):
        assert promise not in said, said
    assert mail_button(ticket_receipt_card(make(), [], ["channel"], TEXTS, NEITHER))


@pytest.mark.parametrize("language", ["en", "de", "fr", "it", "es"])
def test_every_language_promises_only_what_the_configuration_does(language):
    """The sentences that promise a message here or more attempts appear only where the
    configuration keeps them, in every language."""
    texts = real_catalogue().texts(language)
    name = contact_text(texts, "tech-support", "team")
    team = texts.get("receipt.team_with_email", team=name, email="tech.support@interact.eu")
    message_here = texts.get("receipt.next", team=team)
    trying = texts.get("receipt.keep_trying", places="").strip(" .")
    manual = texts.get("receipt.manual", team=team, id="SUP-0042")

    def said(delivered: list[str], pending: list[str], reach: Reach) -> str:
        return text(ticket_receipt_card(make(), delivered, pending, texts, reach))

    assert message_here in said(["channel"], [], CHANNEL)
    assert message_here in said(["channel", "email"], [], BOTH)
    emailed = said(["email"], ["channel"], EMAIL)
    assert texts.get("receipt.emailed", team=team) in emailed
    assert message_here not in emailed and trying not in emailed
    assert texts.get("support.where_channel") not in emailed
    neither = said([], ["channel"], NEITHER)
    assert manual in neither
    assert message_here not in neither and trying not in neither


def test_receipt_names_the_places_in_the_readers_language():
    german = real_catalogue().texts("de")
    said = text(ticket_receipt_card(make(), ["channel"], ["email"], german, BOTH))
    assert "✅ Zugestellt an: Supportkanal von Interact." in said
    assert "⏳ Noch nicht zugestellt: E-Mail an tech.support@interact.eu." in said
    assert "support channel" not in said


def test_receipt_mail_button():
    doc = ticket_receipt_card(make(), [], [], TEXTS, NEITHER)
    button = mail_button(doc)
    assert button["title"] == "E-mail tech.support@interact.eu"
    assert button["style"] == "positive"
    url = urlsplit(button["url"])
    assert url.scheme == "mailto" and url.path == "tech.support@interact.eu"
    query = parse_qs(url.query)
    assert query["subject"] == ["[SUP-0042] Interact Communities request"]
    [body] = query["body"]
    assert "I cannot log in to the portal.\r\n\r\nThe page says 'error 42'." in body
    assert "SUP-0042" in body
    assert quote("I cannot log in to the portal.", safe="") in button["url"]
    assert " " not in button["url"] and "\n" not in button["url"]
    # the card says the same (and nothing clickable but the button)
    assert "tech.support@interact.eu" in card_text(doc)


@pytest.mark.parametrize("name", ["hostile", "rtl", "unicode", "long", "empty"])
def test_receipt_mail_body_and_description_with_any_text(name):
    desc = DESCRIPTIONS[name]
    doc = ticket_receipt_card(make(description=desc), [], [], TEXTS, NEITHER)
    _user_text_is_inert(doc, desc[: DESCRIPTION_LIMIT - 1])
    button = mail_button(doc)
    assert len(button["url"]) <= MAIL_URL_LIMIT
    [body] = parse_qs(urlsplit(button["url"]).query)["body"]
    assert "SUP-0042" in body
    assert "\u202e" not in body and "\x00" not in body
    if name == "long":
        assert "… (shortened: the full text is in request SUP-0042)" in body
        assert body.startswith(LONG[:500])
    elif desc:
        first = plain(desc.splitlines()[0])
        assert body.startswith(first)
        assert quote(first, safe="") in button["url"]


# --------------------------------------------------------------------------- updates and helpers


def test_update_texts():
    assert ticket_update_text(make(Status.ASSIGNED), TEXTS) == (
        "Your request SUP-0042 was taken by Anna Support."
    )
    resolved = ticket_update_text(make(Status.RESOLVED), TEXTS)
    assert resolved.startswith("Your request SUP-0042 was resolved by Anna Support. ")
    assert "tech.support@interact.eu" in resolved
    assert ticket_update_text(make(Status.OPEN), TEXTS) == "Your request SUP-0042 is open again."
    sneaky = ticket_update_text(make(Status.ASSIGNED, assignee="Eve\u202e\n\x00 Admin"), TEXTS)
    assert sneaky == "Your request SUP-0042 was taken by Eve Admin."
    nobody = ticket_update_text(make(Status.ASSIGNED, assignee=""), TEXTS)
    assert nobody == "Your request SUP-0042 was taken by Interact's support team."


def test_when_is_utc_and_readable():
    assert when(CREATED) == "2025-06-03 14:05 UTC"
    cet = dt.timezone(dt.timedelta(hours=2))
    assert when(dt.datetime(2025, 6, 3, 16, 5, tzinfo=cet)) == "2025-06-03 14:05 UTC"
    assert when(dt.datetime(2025, 12, 31, 23, 59)) == "2025-12-31 23:59 UTC"  # naive = UTC


def test_mailto_body_is_optional_and_encoded():
    assert mailto("a@b.eu", "Hi there") == "mailto:a@b.eu?subject=Hi%20there"
    url = mailto("a@b.eu", "[X] s", "one & two\nthree\r\nfour ü?")
    assert url == (
        "mailto:a@b.eu?subject=%5BX%5D%20s&body=one%20%26%20two%0D%0Athree%0D%0Afour%20%C3%BC%3F"
    )
    assert parse_qs(urlsplit(url).query)["body"] == ["one & two\r\nthree\r\nfour ü?"]


def test_ticket_value_is_not_changed(every):
    ticket = make(Status.ASSIGNED)
    before = dataclasses.asdict(ticket)
    ticket_card(ticket, TEXTS)
    ticket_receipt_card(ticket, ["channel"], ["email"], TEXTS, BOTH)
    assert dataclasses.asdict(ticket) == before
