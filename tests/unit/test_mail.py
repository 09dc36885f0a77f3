"""E-mail of escalation tickets (bot.tickets.mail) against a real SMTP server (aiosmtpd) on
loopback."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from bot.core.catalogue import load_catalogue
from bot.settings import Settings, SettingsError
from bot.tickets import mail
from bot.tickets.mail import (
    MailError,
    SmtpConfig,
    check_sender,
    send_email,
    summary,
    ticket_email,
)
from bot.tickets.model import Status, Ticket, Turn
from tests.support.catalogues import DATA, real_catalogue
from tests.support.smtp import SENDER, Server, free_port, start_server

# The AUTH tests use a plain-text server on purpose (auth_require_tls=False); aiosmtpd warns.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

CONTACT = "support@interact.eu"
CREATED = dt.datetime(2026, 11, 24, 10, 15, 30, tzinfo=dt.UTC)
USER = "jane"
PASSWORD = "s3cret-Pa55word"
TEXTS = real_catalogue().texts()  # the mail to Interact's staff is in English


def make_ticket(**changes: Any) -> Ticket:
    ticket = Ticket(
        id="SUP-0042",
        number=42,
        route="tech-support",
        contact_email=CONTACT,
        description="I cannot join the controllers' team.\nThe link says 'access denied'.",
        user_name="Jane Doe",
        user_aad_id="00000000-1111-2222-3333-444444444444",
        user_email="jane.doe@example.org",
        transcript=(
            Turn("user", "is there a group for controllers?", "2026-11-24T10:14:00+00:00"),
            Turn("bot", "Join the Controllers community.", "2026-11-24T10:14:01+00:00"),
        ),
        created_at=CREATED,
        updated_at=CREATED,
        status=Status.OPEN,
        assignee="",
        conversation_reference={},
        channel_activity_id=None,
        version=1,
    )
    return replace(ticket, **changes)


# --------------------------------------------------------------------------- the server


@pytest.fixture
def server() -> Iterator[Server]:
    srv = start_server()
    yield srv
    srv.controller.stop()


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def auth_server() -> Iterator[Server]:
    srv = start_server(auth_required=True, auth_require_tls=False, authenticator=authenticator)
    yield srv
    srv.controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    if not shutil.which("openssl"):
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate) -> Iterator[Server]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    srv = start_server(
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator,
    )
    yield srv
    srv.controller.stop()


# --------------------------------------------------------------------------- sending


async def test_the_mail_arrives_with_recipient_subject_and_body(server: Server) -> None:
    description = "Ελληνικά — naïve café 🚀 «ça marche pas»\n\tindented line\nlast line"
    ticket = make_ticket(description=description)
    await send_email(server.config(), ticket_email(ticket, SENDER, TEXTS))

    [got] = server.handler.received
    assert got.rcpt_tos == [CONTACT]
    assert got.mail_from == "noreply@interact.eu"
    msg = got.message
    assert msg["To"] == CONTACT
    assert msg["From"] == SENDER
    assert (
        msg["Subject"]
        == "[SUP-0042] Ελληνικά — naïve café 🚀 «ça marche pas» indented line last line"
    )
    assert msg["Reply-To"] == "Jane Doe <jane.doe@example.org>"
    assert msg["Message-ID"] == f"<SUP-0042.{int(CREATED.timestamp())}@interact.eu>"
    assert msg.get_content_type() == "text/plain"
    body = msg.get_content().replace("\r\n", "\n")  # as received: CRLF line ends
    quoted = "\n".join("    " + line for line in description.split("\n"))
    assert quoted in body  # verbatim, indented; unicode and tab intact
    for expected in (
        "SUP-0042",
        "open",
        "Jane Doe",
        "jane.doe@example.org",
        "00000000-1111-2222-3333-444444444444",
        "2026-11-24T10:15:30+00:00",
        "user: is there a group for controllers?",
        "bot: Join the Controllers community.",
    ):
        assert expected in body


async def test_a_description_cannot_add_a_header(server: Server) -> None:
    evil = "Printer broken\r\nBcc: evil@example.com\r\nX-Evil: 1\n\nSubject: spoofed"
    ticket = make_ticket(
        description=evil,
        user_name="Jane\r\nBcc: evil2@example.com",
        user_email="jane@example.org\r\nBcc: evil3@example.com",
    )
    await send_email(server.config(), ticket_email(ticket, SENDER, TEXTS))

    [got] = server.handler.received
    assert got.rcpt_tos == [CONTACT]  # nobody else got it
    msg = got.message
    names = {name.lower() for name in msg}
    assert "bcc" not in names and "x-evil" not in names
    assert msg.get_all("Subject") == [
        "[SUP-0042] Printer broken Bcc: evil@example.com X-Evil: 1 Subject: spoofed"
    ]
    assert "Reply-To" not in msg  # that "address" is not one
    head = got.content.split(b"\r\n\r\n", 1)[0].decode("ascii")
    fields = {line.split(":", 1)[0] for line in head.split("\r\n") if line[:1] not in " \t"}
    assert fields <= {"From", "To", "Subject", "Date", "Message-ID", "Content-Type"} | {
        "Content-Transfer-Encoding",
        "MIME-Version",
        "X-Peer",
        "X-MailFrom",
        "X-RcptTo",
    }
    body = msg.get_content().replace("\r\n", "\n")  # as received: CRLF line ends
    assert (
        "    Printer broken\n    Bcc: evil@example.com\n    X-Evil: 1\n\n    Subject: spoofed"
        in body
    )


async def test_starttls_false_talks_to_a_plain_server(server: Server) -> None:
    await send_email(server.config(starttls=False), ticket_email(make_ticket(), SENDER, TEXTS))
    assert len(server.handler.received) == 1


async def test_starttls_true_refuses_a_server_without_it(server: Server) -> None:
    with pytest.raises(MailError, match="STARTTLS"):
        await send_email(server.config(starttls=True), ticket_email(make_ticket(), SENDER, TEXTS))
    assert server.handler.received == []  # nothing was sent in clear


async def test_a_stopped_server_fails_fast_with_connection_refused() -> None:
    server = start_server()
    server.controller.stop()
    config = server.config(timeout=10.0)
    started = time.monotonic()
    with pytest.raises(MailError, match="connection refused") as caught:
        await send_email(config, ticket_email(make_ticket(), SENDER, TEXTS))
    assert time.monotonic() - started < 2.0
    assert f"127.0.0.1:{server.port}" in str(caught.value)


async def test_a_silent_server_times_out() -> None:
    with socket.socket() as listener:  # accepts connections (backlog) but never greets
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        config = SmtpConfig(host="127.0.0.1", port=port, sender=SENDER, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(MailError, match=r"did not answer within 0.5 s"):
            await send_email(config, ticket_email(make_ticket(), SENDER, TEXTS))
        assert time.monotonic() - started < 3.0


async def test_a_refused_recipient_is_a_mail_error(server: Server) -> None:
    message = ticket_email(make_ticket(contact_email="nobody@interact.eu"), SENDER, TEXTS)
    with pytest.raises(MailError, match=r"refused the recipient.*nobody@interact.eu.*550"):
        await send_email(server.config(), message)
    assert server.handler.received == []


async def test_login_succeeds_with_the_right_password(auth_server: Server) -> None:
    config = auth_server.config(username=USER, password=PASSWORD)
    await send_email(config, ticket_email(make_ticket(), SENDER, TEXTS))
    assert len(auth_server.handler.received) == 1


async def test_a_wrong_password_is_a_mail_error_without_the_password(auth_server: Server) -> None:
    config = auth_server.config(username=USER, password="wrong-" + PASSWORD)
    with pytest.raises(MailError) as caught:
        await send_email(config, ticket_email(make_ticket(), SENDER, TEXTS))
    text = str(caught.value)
    assert "refused the login of 'jane'" in text and "535" in text
    assert PASSWORD not in text and PASSWORD not in repr(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is not None
    assert PASSWORD not in repr(config)
    assert auth_server.handler.received == []


async def test_no_login_where_the_server_requires_one(auth_server: Server) -> None:
    with pytest.raises(MailError, match="530"):
        await send_email(auth_server.config(), ticket_email(make_ticket(), SENDER, TEXTS))


async def test_starttls_verifies_the_certificate(tls_server: Server) -> None:
    config = tls_server.config(starttls=True, username=USER, password=PASSWORD)
    with pytest.raises(MailError, match=r"certificate .* not trusted"):
        await send_email(config, ticket_email(make_ticket(), SENDER, TEXTS))
    assert tls_server.handler.received == []


async def test_starttls_then_login_with_a_trusted_certificate(
    tls_server: Server, certificate, monkeypatch
) -> None:
    cert, _ = certificate
    default_context = ssl.create_default_context
    monkeypatch.setattr(
        mail.ssl, "create_default_context", lambda: default_context(cafile=str(cert))
    )
    config = tls_server.config(starttls=True, username=USER, password=PASSWORD)
    await send_email(config, ticket_email(make_ticket(), SENDER, TEXTS))
    assert len(tls_server.handler.received) == 1


async def test_email_sender_mails_the_ticket(server: Server) -> None:
    send = mail.email_sender(server.config(), lambda: TEXTS)
    await send(None, make_ticket())
    assert server.handler.received[0].message["Subject"].startswith("[SUP-0042] ")


# --------------------------------------------------------------------------- the message


def test_the_subject_summary_is_one_short_line() -> None:
    long = "word " * 60
    line = summary(long)
    assert len(line) <= 80 and line.endswith("…") and "\n" not in line
    assert summary("  \r\n\t ") == ""  # the mail says so in its texts' words
    assert summary("a\u2028b\u2029c\x00d\x1be\x85f") == "a b cde f"
    for ch in "\r\n\x00\x1b\x85\u2028\u2029":
        assert ch not in summary(f"one{ch}two{ch}three")


def test_control_characters_leave_the_body_but_newlines_and_tabs_stay() -> None:
    message = ticket_email(
        make_ticket(description="a\x1b[31mred\x07\r\nnext\tcol\x00"), SENDER, TEXTS
    )
    body = message.get_content()
    assert "    a[31mred\n    next\tcol\n" in body


def test_line_and_paragraph_separators_become_spaces() -> None:
    body = ticket_email(
        make_ticket(description="one\u2028two\u2029three"), SENDER, TEXTS
    ).get_content()
    assert "    one two three\n" in body
    assert "\u2028" not in body and "\u2029" not in body


def test_a_description_cannot_fake_the_sections_of_the_mail() -> None:
    """Every line the user wrote is indented, like the transcript's: a line that looks like a
    heading, a field or a turn of the conversation stays inside the description."""
    fake = (
        "Printer broken\n\nConversation before the escalation\n"
        "----------------------------------\n"
        "2026-11-24T10:00:00Z bot: Your password is reset to Hunter2\n"
        "Replying to this e-mail writes to the user.\n"
        "Status:        resolved"
    )
    body = ticket_email(make_ticket(description=fake), SENDER, TEXTS).get_content()
    lines = body.splitlines()
    assert lines.count("Conversation before the escalation") == 1  # the real one
    assert not any(line.startswith("Status:        resolved") for line in lines)
    assert not any(line.startswith("2026-11-24T10:00:00Z bot:") for line in lines)
    start = lines.index("Description (as the user wrote it, indented)") + 2
    end = lines.index("Conversation before the escalation")
    assert all(line.startswith("    ") or not line for line in lines[start:end])


def test_only_the_last_turns_of_the_transcript() -> None:
    turns = tuple(Turn("user", f"question {i}", f"2026-11-24T10:{i:02d}:00Z") for i in range(15))
    body = ticket_email(make_ticket(transcript=turns), SENDER, TEXTS).get_content()
    assert "question 4\n" not in body and "question 5\n" in body and "question 14\n" in body
    assert "last 10 of 15 turns" in body


def test_no_reply_to_for_a_guest_upn_or_a_missing_address() -> None:
    for user_email in ("jane_example.org#EXT#@tenant.onmicrosoft.com", "", "not an address"):
        message = ticket_email(make_ticket(user_email=user_email), SENDER, TEXTS)
        assert "Reply-To" not in message


def test_a_naive_creation_time_is_taken_as_utc() -> None:
    naive = CREATED.replace(tzinfo=None)
    body = ticket_email(make_ticket(created_at=naive), SENDER, TEXTS).get_content()
    assert "2026-11-24T10:15:30+00:00" in body


def test_an_empty_description_is_named_in_the_subject_and_the_body() -> None:
    message = ticket_email(make_ticket(description=""), SENDER, TEXTS)
    assert message["Subject"] == "[SUP-0042] (no description)"
    assert "\n    (no description)\n" in message.get_content()


def test_the_mail_is_written_with_the_texts_of_the_data(tmp_path) -> None:
    """Content is data: editing data/texts changes the mail's wording, no code involved; an
    edited subject or label with a line break cannot break the headers or the layout."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    english = data / "texts" / "en.yaml"
    edits = {
        'subject: "[{id}] {summary}"': 'subject: "Helpdesk {id}:\\n{summary}"',
        '  status: "Status"\n': '  status: "State of\\nplay"\n',
        'description: "Description (as the user wrote it, indented)"': 'description: "In words"',
        'reply_to_user: "Replying to this e-mail writes to the user."': 'reply_to_user: "Reply!"',
    }
    text = english.read_text(encoding="utf-8")
    for old, new in edits.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    english.write_text(text, encoding="utf-8")

    edited = load_catalogue(data).texts()
    message = ticket_email(make_ticket(), SENDER, edited)
    assert (
        message["Subject"]
        == "Helpdesk SUP-0042: I cannot join the controllers' team. The link says 'access denied'."
    )
    lines = message.get_content().splitlines()
    assert "In words" in lines and "--------" in lines and "Reply!" in lines
    assert "State of play: open" in lines  # the longest label sets the column
    assert "Ticket:        SUP-0042" in lines
    assert "Description (as the user wrote it, indented)" not in lines
    assert "    I cannot join the controllers' team." in lines  # still indented


@pytest.mark.parametrize(
    "contact", ["", "not an address", "a@b.org\r\nBcc: evil@example.com", "a@b.org, c@d.org"]
)
def test_an_unusable_contact_address_is_a_mail_error(contact: str) -> None:
    with pytest.raises(MailError, match="SUP-0042"):
        ticket_email(make_ticket(contact_email=contact), SENDER, TEXTS)


@pytest.mark.parametrize("sender", ["", "x", "a@b.org, c@d.org", "Bot <a@b.org>\r\nBcc: e@f.org"])
def test_an_unusable_sender_is_a_mail_error(sender: str) -> None:
    with pytest.raises(MailError):
        ticket_email(make_ticket(), sender, TEXTS)


# --------------------------------------------------------------------------- settings

SMTP_ENV = {"SMTP_HOST": "smtp.example.org", "SMTP_FROM": SENDER}


def test_no_smtp_host_means_no_mail() -> None:
    assert Settings.from_env({}).smtp_config() is None


def test_smtp_settings_and_their_defaults() -> None:
    config = Settings.from_env(SMTP_ENV).smtp_config()
    assert config == SmtpConfig(host="smtp.example.org", sender=SENDER)
    assert (config.port, config.starttls, config.username, config.timeout) == (587, True, "", 10)
    full = Settings.from_env(
        {
            **SMTP_ENV,
            "SMTP_PORT": "2525",
            "SMTP_STARTTLS": "no",
            "SMTP_USERNAME": USER,
            "SMTP_PASSWORD": PASSWORD,
        }
    )
    config = full.smtp_config()
    assert config is not None
    assert (config.port, config.starttls, config.username, config.password) == (
        2525,
        False,
        USER,
        PASSWORD,
    )
    assert PASSWORD not in repr(full) and PASSWORD not in repr(config) and PASSWORD not in str(full)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        (" yes ", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
        ("", True),
    ],
)
def test_smtp_starttls_values(raw: str, value: bool) -> None:
    assert Settings.from_env({**SMTP_ENV, "SMTP_STARTTLS": raw}).smtp_starttls is value


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", "-1"])
def test_a_bad_smtp_starttls_names_the_variable(raw: str) -> None:
    with pytest.raises(SettingsError, match="SMTP_STARTTLS must be true or false"):
        Settings.from_env({**SMTP_ENV, "SMTP_STARTTLS": raw})


def test_smtp_from_is_required_with_a_host() -> None:
    with pytest.raises(SettingsError, match="SMTP_FROM must be set when SMTP_HOST is"):
        Settings.from_env({"SMTP_HOST": "smtp.example.org"})


@pytest.mark.parametrize("raw", ["noreply", "a@b.org, c@d.org", "Bot <noreply@interact.eu"])
def test_a_bad_smtp_from_names_the_variable(raw: str) -> None:
    with pytest.raises(SettingsError, match="SMTP_FROM must be an e-mail address"):
        Settings.from_env({**SMTP_ENV, "SMTP_FROM": raw})


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"SMTP_PORT": "smtp"}, "SMTP_PORT"),
        ({"SMTP_PORT": "70000"}, "SMTP_PORT"),
        ({"SMTP_USERNAME": USER}, "SMTP_PASSWORD"),
        ({"SMTP_PASSWORD": PASSWORD}, "SMTP_USERNAME"),
    ],
)
def test_other_bad_smtp_settings_name_the_variable(env: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError, match=name) as caught:
        Settings.from_env({**SMTP_ENV, **env})
    assert PASSWORD not in str(caught.value)


# --------------------------------------------------------------------------- the go-live check


def test_check_sender_talks_up_to_the_sender_and_sends_nothing(server: Server) -> None:
    check_sender(server.config())
    assert server.handler.received == []


def test_check_sender_with_starttls_and_login(tls_server: Server, certificate, monkeypatch) -> None:
    config = tls_server.config(starttls=True, username=USER, password=PASSWORD)
    with pytest.raises(MailError, match=r"certificate .* not trusted"):
        check_sender(config)
    cert, _ = certificate
    default_context = ssl.create_default_context
    monkeypatch.setattr(
        mail.ssl, "create_default_context", lambda: default_context(cafile=str(cert))
    )
    check_sender(config)
    assert tls_server.handler.received == []


def test_check_sender_reports_a_refused_sender(server: Server) -> None:
    with pytest.raises(MailError, match=r"refused the sender nobody@interact.eu: 553"):
        check_sender(server.config(sender="nobody@interact.eu"))


def test_check_sender_reports_a_wrong_password_without_it(auth_server: Server) -> None:
    with pytest.raises(MailError, match="refused the login of 'jane'") as caught:
        check_sender(auth_server.config(username=USER, password="wrong-" + PASSWORD))
    assert PASSWORD not in str(caught.value)


def test_check_sender_reports_a_server_that_is_not_there() -> None:
    config = SmtpConfig(host="127.0.0.1", port=free_port(), sender=SENDER, timeout=2.0)
    with pytest.raises(MailError, match="connection refused"):
        check_sender(config)
