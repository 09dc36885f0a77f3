"""E-mail delivery of escalation tickets: the message (pure) and its sending over SMTP.

Plain Python (stdlib ``email`` and ``smtplib``), no botbuilder. ``ticket_email`` builds the message
for the contact from a ``Ticket`` and the texts it is written in (the ``mail.*`` texts of
``data/texts``: the subject's wording, the body's sentences, labels and headings; the caller
chooses the language, the support desk English); ``send_email`` sends it with ``smtplib`` in a
worker thread (the mail's own ``Pool``: a slow SMTP server holds none of the threads the store or
the replies use) and turns every failure into a ``MailError`` whose message is readable and
never contains the password.

The user's description is plain text: it goes into the body as typed, only control characters
other than newline and tab are removed. The subject is a one-line summary of it from which every
line break and control character is removed, so a description cannot add a header. The texts
(data, not the user's) are also put on one line each where they head or label something, so
an edited text cannot break the mail's layout or its headers either.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import email.policy
import logging
import re
import smtplib
import socket
import ssl
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from bot.ops.pools import Pool
from bot.ops.telemetry import Telemetry

if TYPE_CHECKING:
    from bot.core.texts import Texts
    from bot.tickets.model import Ticket

log = logging.getLogger("interact.mail")

MAIL_THREADS = 2  # e-mails sent at once by one sender
SUBJECT_SUMMARY_CHARS = 80
TRANSCRIPT_TURNS = 10
# Headers are written unfolded up to RFC 5322's hard limit of 998 characters: when Python folds
# a long non-ASCII subject into several encoded words it drops the space between them
# ("café 🚀" arrives as "café🚀"). Our headers are short, so they never need folding.
_HEADER_POLICY = email.policy.default.clone(max_line_length=998)
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"^{_ATEXT}(?:\.{_ATEXT})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$")
# Line and paragraph separators that str.splitlines() (and some mail readers) treat as breaks.
_BREAKS = frozenset("\u2028\u2029")


class MailError(Exception):
    """An e-mail could not be built or sent; the message says why (never with a password)."""


@dataclass(frozen=True, kw_only=True)
class SmtpConfig:
    host: str
    port: int = 587
    starttls: bool = True
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str  # the From address, e.g. "Interact Communities assistant <noreply@interact.eu>"
    timeout: float = 10.0  # seconds, for the connection and for every command

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


# --------------------------------------------------------------------------- the message


def looks_like_address(text: str) -> bool:
    """A plain ASCII ``local@domain.tld`` address (no display name, no Teams guest UPN such as
    ``jane_example.org#EXT#@tenant.onmicrosoft.com``, which is not a mailbox)."""
    return bool(_ADDRESS.match(text)) and "#ext#" not in text.lower() and len(text) <= 254


def _without_controls(text: str) -> str:
    """``text`` with line endings normalised to ``\\n``, line and paragraph separators turned
    into spaces (words stay apart) and every other control character removed (tab and newline
    are kept)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        " " if ch in _BREAKS else ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    )


def _one_line(text: str) -> str:
    """A single line: every run of whitespace (line breaks included) becomes one space, control
    characters go."""
    line = " ".join(text.split())
    return "".join(ch for ch in line if unicodedata.category(ch) != "Cc" and ch not in _BREAKS)


def summary(description: str, width: int = SUBJECT_SUMMARY_CHARS) -> str:
    """A one-line summary of the description for the subject, cut to ``width`` characters (empty
    when the description has no visible text)."""
    line = _one_line(description)
    if len(line) <= width:
        return line
    cut = line[: width - 1]
    if " " in cut[width // 2 :]:  # end on a word when one ends late enough
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


def sender_address(sender: str) -> str:
    """The address in a From value (``"Name <name@domain>"`` or ``"name@domain"``); raises
    ``MailError`` unless it is exactly one usable address with no control characters."""
    if any(unicodedata.category(ch) == "Cc" for ch in sender):
        raise MailError("the sender address contains a line break or control character")
    try:
        header = email.policy.default.header_factory("From", sender)
        addresses = [a.addr_spec for a in header.addresses]
    except (ValueError, IndexError, TypeError) as exc:
        raise MailError(f"the sender {sender!r} is not a usable e-mail address") from exc
    if header.defects or len(addresses) != 1 or not looks_like_address(addresses[0]):
        raise MailError(f"the sender {sender!r} is not exactly one usable e-mail address")
    return addresses[0]


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _indented(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def _fields(rows: list[tuple[str, str]]) -> list[str]:
    """``Label:   value`` lines, the values aligned after the longest label."""
    labels = [_one_line(label) + ":" for label, _ in rows]
    width = max(map(len, labels))
    return [f"{label:<{width}} {value}" for label, (_, value) in zip(labels, rows, strict=True)]


def _heading(text: str) -> list[str]:
    line = _one_line(text)
    return [line, "-" * len(line)]


def ticket_email(
    ticket: Ticket, sender: str, texts: Texts, *, turns: int = TRANSCRIPT_TURNS
) -> EmailMessage:
    """The e-mail that hands ``ticket`` to its contact, written with ``texts`` (pure: no clock,
    no network, no files).

    Raises ``MailError`` when the contact's address or ``sender`` is not a usable address."""
    to = ticket.contact_email.strip()
    if not looks_like_address(to):
        raise MailError(
            f"ticket {ticket.id}: the contact address {to!r} is not a usable e-mail address"
        )
    sender_addr = sender_address(sender)
    unknown = texts.get("mail.unknown")
    user_name = _one_line(ticket.user_name)
    user_email = _one_line(ticket.user_email)
    created = _utc(ticket.created_at)

    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if looks_like_address(user_email):
        message["Reply-To"] = Address(
            display_name=(user_name or unknown)[:100], addr_spec=user_email
        )
    about = summary(ticket.description) or texts.get("mail.no_description")
    message["Subject"] = _one_line(texts.get("mail.subject", id=ticket.id, summary=about))
    message["Date"] = format_datetime(created)
    domain = sender_addr.rpartition("@")[2]
    message["Message-ID"] = f"<{ticket.id}.{int(created.timestamp())}@{domain}>"

    description = _without_controls(ticket.description).strip("\n")
    lines = [
        texts.get("mail.intro", id=ticket.id),
        "",
        *_fields(
            [
                (texts.get("mail.ticket"), ticket.id),
                (texts.get("mail.status"), ticket.status),
                (texts.get("mail.user"), user_name or unknown),
                (texts.get("mail.email"), user_email or unknown),
                (texts.get("mail.aad_id"), _one_line(ticket.user_aad_id) or unknown),
                (texts.get("mail.created"), created.isoformat(timespec="seconds")),
            ]
        ),
        "",
        *_heading(texts.get("mail.description")),
        _indented(description or texts.get("mail.no_description")),
        "",
    ]
    recent = ticket.transcript[-turns:] if turns > 0 else ()
    if recent:
        shown, total = len(recent), len(ticket.transcript)
        lines += _heading(
            texts.get("mail.transcript_last", shown=shown, total=total)
            if shown < total
            else texts.get("mail.transcript")
        )
        for turn in recent:
            text = _without_controls(turn.text).strip("\n")
            first, _, rest = text.partition("\n")
            lines.append(f"{_one_line(turn.time)} {turn.who}: {first}")
            if rest:
                lines.append(_indented(rest))
        lines.append("")
    if "Reply-To" in message:
        lines.append(texts.get("mail.reply_to_user"))
    else:
        lines.append(texts.get("mail.no_reply_address"))
    body = "\n".join(lines) + "\n"
    message.set_content(body, cte=None if body.isascii() else "quoted-printable")
    message.policy = _HEADER_POLICY  # after the body, which keeps its 78-character lines
    return message


# --------------------------------------------------------------------------- sending


def _scrub(text: str, config: SmtpConfig) -> str:
    """``text`` without the password (as typed, or base64 as in AUTH PLAIN / LOGIN)."""
    if not config.password:
        return text
    secrets = [config.password]
    for raw in (
        config.password,
        f"\0{config.username}\0{config.password}",
        f"{config.username}\0{config.username}\0{config.password}",
    ):
        secrets.append(base64.b64encode(raw.encode("utf-8")).decode("ascii"))
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{exc.smtp_code} {' '.join(str(text).split())}"


def _explain(exc: BaseException, config: SmtpConfig) -> str:
    server = f"SMTP server {config.server}"
    explained = _explain_smtp(exc, config) or _explain_network(exc, config)
    return explained or f"sending through {server} failed: {type(exc).__name__}: {exc}"


def _explain_smtp(exc: BaseException, config: SmtpConfig) -> str | None:
    """What an SMTP-level failure (the server's answer, or its going away) means, or None."""
    server = f"SMTP server {config.server}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"{server} refused the login of {config.username!r}: {_reply(exc)}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{addr} ({code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg})"
            for addr, (code, msg) in exc.recipients.items()
        )
        return f"{server} refused the recipient: {refused}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"{server} refused the sender {exc.sender}: {_reply(exc)}"
    if isinstance(exc, smtplib.SMTPDataError):
        return f"{server} refused the message: {_reply(exc)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{server} answered with an error: {_reply(exc)}"
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(
        exc.__context__, TimeoutError
    ):  # smtplib reports a timed-out read as a disconnection
        return f"{server} did not answer within {config.timeout:g} s"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"{server} closed the connection unexpectedly ({exc})"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"{server} does not support what is needed: {exc}"
    return None


def _explain_network(exc: BaseException, config: SmtpConfig) -> str | None:
    """What a connection, name or TLS failure means, or None."""
    server = f"SMTP server {config.server}"
    if isinstance(exc, ConnectionRefusedError):
        return f"cannot connect to {server}: connection refused"
    if isinstance(exc, TimeoutError):
        return f"{server} did not answer within {config.timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve the SMTP host {config.host!r}: {exc.strerror or exc}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the TLS certificate of {server} is not trusted: {exc.verify_message or exc}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {server} failed: {exc.reason or exc}"
    if isinstance(exc, OSError):
        return f"cannot talk to {server}: {exc.strerror or exc}"
    return None


def _open(config: SmtpConfig) -> smtplib.SMTP:
    """Blocking: connect, EHLO, STARTTLS, login; closed again when a step fails."""
    # connects (and closes again when the greeting fails); keeps the host name for STARTTLS
    smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        smtp.ehlo()
        if config.starttls:
            if not smtp.has_extn("starttls"):
                raise smtplib.SMTPNotSupportedError(
                    "STARTTLS is not offered (set SMTP_STARTTLS=false only for a trusted relay)"
                )
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if config.username:
            smtp.login(config.username, config.password)
    except BaseException:
        smtp.close()  # no QUIT: after a timeout it would only wait once more
        raise
    return smtp


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):  # the work is done: a failing QUIT is harmless
        smtp.close()


def _send(config: SmtpConfig, message: EmailMessage) -> None:
    """Blocking: connect, EHLO, STARTTLS, login, send, quit."""
    smtp = _open(config)
    try:
        refused = smtp.send_message(message)
        if refused:  # some recipients were accepted, some not
            raise smtplib.SMTPRecipientsRefused(refused)
    except BaseException:
        smtp.close()
        raise
    _quit(smtp)


def _try_sender(config: SmtpConfig) -> None:
    """Blocking: what sending does up to the sender (MAIL FROM), then RSET and QUIT."""
    sender = sender_address(config.sender)
    smtp = _open(config)
    try:
        code, reply = smtp.mail(sender)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        smtp.rset()
    except BaseException:
        smtp.close()
        raise
    _quit(smtp)


def check_sender(config: SmtpConfig) -> None:
    """Blocking: the server is reachable (within ``config.timeout`` per step), speaks STARTTLS
    if asked to, takes the login and accepts the sender; no message is sent. Raises
    ``MailError`` saying which step failed (never with the password)."""
    try:
        _try_sender(config)
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        raise MailError(_scrub(_explain(exc, config), config)) from None


async def send_email(config: SmtpConfig, message: EmailMessage, pool: Pool | None = None) -> None:
    """Send ``message`` through the configured SMTP server, in a thread of ``pool`` (without
    one, of the default executor: the CLI, tests).

    Raises ``MailError`` with a readable reason on any failure: connection refused, timeout,
    TLS, authentication, a refused sender, recipient or message."""
    try:
        if pool is None:
            await asyncio.to_thread(_send, config, message)
        else:
            await pool.run(_send, config, message)
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        raise MailError(_scrub(_explain(exc, config), config)) from None
    log.info("mail %s sent to %s through %s", message["Message-ID"], message["To"], config.server)


def email_sender(
    config: SmtpConfig, texts: Callable[[], Texts], telemetry: Telemetry | None = None
) -> Callable[[Any, Ticket], Awaitable[None]]:
    """A delivery sender (``bot.tickets.delivery.Sender``) that mails the ticket to its contact,
    written with the texts in force when it is sent (``texts()``), in a pool of its own (each
    mail a span, with ``telemetry``)."""
    pool = Pool("smtp", MAIL_THREADS, telemetry, child_only=False)

    async def send(_delivery: Any, ticket: Ticket) -> None:
        await send_email(config, ticket_email(ticket, config.sender, texts()), pool)

    return send
