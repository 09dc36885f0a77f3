"""Telemetry: the port through which the bot reports traces and one event per turn.

Off by default. ``Telemetry`` itself is the "off" implementation: every call does nothing and
nothing of OpenTelemetry is imported. ``bot.ops.otel.OtelTelemetry`` (built by app.py when
``bot.settings`` finds telemetry configured) is the OpenTelemetry adapter; the layers above
(dialogs, the Teams edge, the store's and the mail's pools) only ever see this port.

What may be reported is decided here, by the shape of ``TurnEvent``: the intent, a confidence
band, the recommended community ids, whether the answer fell back, a vote, an escalation route
and the reply language. There is no field for the user's text, name, e-mail or any id of a user,
conversation or tenant, so none can be sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from bot.core.understanding import FAQ_STRONG, MIN_SCORE, Intent, Understanding

SERVER, CLIENT, INTERNAL = "server", "client", "internal"  # span kinds
TURN_EVENT = "interact.turn"  # the event's name: Application Insights' traces.message
PREFIX = "interact."
AttributeValue = str | bool | int | float


@dataclass(frozen=True)
class TelemetryConfig:
    """Where traces go (bot.settings reads it from the environment): ``exporters`` are any of
    ``azure_monitor`` (Application Insights), ``otlp`` (an OTLP/HTTP collector) and
    ``console`` (stdout)."""

    exporters: tuple[str, ...]
    service_name: str = "interact-communities-bot"
    service_version: str = ""
    resource_attributes: Mapping[str, str] = field(default_factory=dict)
    azure_connection_string: str = field(default="", repr=False)  # a secret
    otlp_endpoint: str = ""  # the traces address (…/v1/traces)
    otlp_headers: Mapping[str, str] = field(default_factory=dict, repr=False)  # may hold keys


class Span(Protocol):
    def set(self, key: str, value: AttributeValue) -> None:
        """Set an attribute on the span (a no-op when telemetry is off)."""

    def error(self, kind: str) -> None:
        """Mark the span failed; ``kind`` (an exception's type, a status) is all it says."""


class _NoSpan:
    def set(self, key: str, value: AttributeValue) -> None:
        pass

    def error(self, kind: str) -> None:
        pass


@dataclass(frozen=True)
class TurnEvent:
    """What one turn tells the operators. ``kind``: ``answer`` (a question answered or fallen
    back), ``vote`` (a feedback button), ``escalation`` (a support request opened) or ``step``
    (any other message turn: a dialog's step, a command in ``intent``, a staff action)."""

    kind: str
    language: str = ""
    intent: str = ""
    confidence: str = ""  # high, medium, low or none (``confidence_band``)
    communities: tuple[str, ...] = ()  # recommended community ids (catalogue ids)
    fell_back: bool | None = None
    vote: str = ""  # up or down
    route: str = ""  # the support contact's id a request went to

    def attributes(self) -> dict[str, AttributeValue]:
        """The event's attributes: ``interact.<field>``, the fields that have a value."""
        values: dict[str, AttributeValue] = {f"{PREFIX}kind": self.kind}
        for name in ("language", "intent", "confidence", "vote", "route"):
            value = getattr(self, name)
            if value:
                values[PREFIX + name] = value
        if self.fell_back is not None:
            values[f"{PREFIX}fell_back"] = self.fell_back
        if self.communities:  # one string: Application Insights keeps every value as text
            values[f"{PREFIX}communities"] = ",".join(self.communities)
        return values


def confidence_band(understanding: Understanding) -> str:
    """How sure the understanding was, as a band (never a score an operator must interpret):
    ``none`` fell back; ``low`` asked back (clarify); ``high`` the rules and the model agreed,
    or the rules' evidence or FAQ match is strong; ``medium`` otherwise."""
    if understanding.intent == Intent.FALLBACK:
        return "none"
    if understanding.intent == Intent.CLARIFY:
        return "low"
    if understanding.source == "both":
        return "high"
    best = max((m.score for m in understanding.matches), default=0.0)
    strong_faq = understanding.intent == Intent.FAQ and understanding.faq_score >= FAQ_STRONG
    if understanding.source == "rules" and (best >= 2 * MIN_SCORE or strong_faq):
        return "high"
    return "medium"


class Telemetry:
    """Telemetry off: spans and events go nowhere (the default; see bot.ops.otel for on)."""

    enabled = False

    @contextmanager
    def span(
        self,
        name: str,
        kind: str = INTERNAL,
        attributes: Mapping[str, AttributeValue] | None = None,
        *,
        child_only: bool = False,
    ) -> Iterator[Span]:
        """A span around the block, a child of the current one. ``child_only``: only within a
        traced request (a store call the background worker makes every few seconds is not
        worth a trace of its own)."""
        yield _NoSpan()

    def turn(self, event: TurnEvent) -> None:
        """Report one turn (an event on the request's span)."""

    def close(self) -> None:
        """Send what is buffered; no more telemetry after."""
