"""The telemetry port (bot.ops.telemetry) and its OpenTelemetry adapter, on their own."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from bot.core.understanding import Intent, Match, Understanding
from bot.ops.otel import OtelTelemetry
from bot.ops.telemetry import CLIENT, TURN_EVENT, Telemetry, TurnEvent, confidence_band


@pytest.mark.parametrize(
    ("understanding", "band"),
    [
        (Understanding("x", Intent.FALLBACK), "none"),
        (Understanding("x", Intent.CLARIFY, source="model"), "low"),
        (Understanding("x", Intent.RECOMMEND, source="both"), "high"),
        (Understanding("x", Intent.RECOMMEND, matches=(Match("c", 4.5, ()),)), "high"),
        (Understanding("x", Intent.RECOMMEND, matches=(Match("c", 1.0, ()),)), "medium"),
        (Understanding("x", Intent.FAQ, faq_id="f", faq_score=0.95), "high"),
        (Understanding("x", Intent.FAQ, faq_id="f", faq_score=0.6), "medium"),
        (Understanding("x", Intent.RECOMMEND, source="model"), "medium"),
    ],
)
def test_the_confidence_band(understanding: Understanding, band: str) -> None:
    assert confidence_band(understanding) == band


def test_an_event_carries_only_the_fields_it_has() -> None:
    assert TurnEvent("vote", language="de", vote="down").attributes() == {
        "interact.kind": "vote",
        "interact.language": "de",
        "interact.vote": "down",
    }


def test_telemetry_off_does_nothing_and_passes_errors_on() -> None:
    off = Telemetry()
    with off.span("store get", CLIENT, {"a": 1}) as span:
        span.set("b", 2)
    off.turn(TurnEvent("answer"))
    with pytest.raises(KeyError), off.span("x"):
        raise KeyError("k")


@pytest.fixture
def memory() -> tuple[OtelTelemetry, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return OtelTelemetry(provider), exporter


def test_a_failure_is_recorded_as_its_type_only(memory) -> None:
    telemetry, exported = memory
    with pytest.raises(ValueError), telemetry.span("store put", CLIENT):
        raise ValueError("Zephyrine wrote: my secret question")
    [span] = exported.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "ValueError"
    assert "Zephyrine" not in span.to_json() and not span.events


def test_child_only_spans_need_a_parent_and_a_lone_turn_gets_a_span(memory) -> None:
    telemetry, exported = memory
    with telemetry.span("store due", CLIENT, child_only=True):
        pass
    assert exported.get_finished_spans() == ()  # the worker's poll, outside any request
    with telemetry.span("POST /api/messages"), telemetry.span("store due", child_only=True):
        pass
    assert [s.name for s in exported.get_finished_spans()] == ["store due", "POST /api/messages"]
    exported.clear()
    telemetry.turn(TurnEvent("vote", vote="up"))  # no request around it: a span of its own
    [span] = exported.get_finished_spans()
    assert [e.name for e in span.events] == [TURN_EVENT]
