"""A real SMTP server (aiosmtpd) on loopback that keeps every message it is sent."""

from __future__ import annotations

import email
import email.message
import email.policy
import socket
from dataclasses import dataclass
from typing import Any

from aiosmtpd.controller import Controller

from bot.tickets.mail import SmtpConfig

SENDER = "Interact Communities assistant <noreply@interact.eu>"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


class Collector:
    """An aiosmtpd handler that keeps every message; refuses senders and recipients named
    nobody@."""

    def __init__(self) -> None:
        self.received: list[Received] = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        if address.startswith("nobody@"):
            return "553 5.7.1 sender not allowed here"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        )
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    controller: Controller
    handler: Collector
    port: int

    def config(self, **changes: Any) -> SmtpConfig:
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "starttls": False,
            "sender": SENDER,
            "timeout": 5.0,
        }
        return SmtpConfig(**{**values, **changes})


def start_server(**smtp_options: Any) -> Server:
    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **smtp_options)
    controller.start()
    return Server(controller, handler, port)
