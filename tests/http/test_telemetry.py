"""Telemetry over HTTP: real turns through the real app, exported to memory (OpenTelemetry's
InMemorySpanExporter). What operators need is there; who the user is and what they wrote is not."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from bot.ops.otel import OtelTelemetry
from bot.ops.telemetry import TURN_EVENT
from bot.settings import Settings
from tests.support.connector import activity
from tests.support.http import start_app, wait_for
from tests.support.smtp import SENDER, start_server

ROOT = Path(__file__).resolve().parents[2]

# Who the user is and what they wrote: distinctive, so that any leak is found.
NAME = "Zephyrine Marrowbright"
EMAIL = "zephyrine.marrow@example.net"
WORD = "glimmerquoth"  # in every message the user types
USER = {"id": "29:zq-user-5512", "name": NAME, "aadObjectId": "aad-zq-7781"}
TENANT = "zq-tenant-4471"
CONVERSATION = {"id": "a:zq-conv-9931", "conversationType": "personal", "tenantId": TENANT}
NEVER = [
    "Zephyrine",
    "Marrowbright",
    EMAIL,
    "example.net",
    WORD,
    "zq-user-5512",
    "aad-zq-7781",
    "zq-conv-9931",
    TENANT,
    # what the Teams roster (the connector stub) tells about the user
    "Ana Example",
    "ana@example.org",
]


@pytest.fixture
def exported() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
async def traced(
    settings: Settings, catalogue, exported: InMemorySpanExporter
) -> AsyncIterator[TestClient]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exported))
    smtp = start_server()
    mailing = dataclasses.replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_starttls=False,
        smtp_from=SENDER,
    )
    client = await start_app(mailing, catalogue, telemetry=OtelTelemetry(provider))
    try:
        yield client
    finally:
        await client.close()
        smtp.controller.stop()


async def post(client: TestClient, connector, number: int, text: str | None, **kw: Any) -> str:
    """One activity from the user; the correlation id the bot answered with."""
    body = activity(
        connector,
        text,
        id=f"incoming-{number}",
        conversation=CONVERSATION,
        channelData={"tenant": {"id": TENANT}},
        **{"from": USER, **kw},
    )
    resp = await client.post("/api/messages", json=body)
    assert resp.status in (200, 201), await resp.text()
    return resp.headers["X-Correlation-Id"]


async def a_few_turns(client: TestClient, connector) -> list[str]:
    """A recommendation, a question that falls back, a vote, and a support request by e-mail."""
    ids = [
        await post(client, connector, 1, f"I'm a communication officer, which community? {WORD}"),
        await post(client, connector, 2, f"glorbix {WORD} snorkvat mizzle, mail {EMAIL}"),
        await post(
            client,
            connector,
            3,
            None,
            value={"action": "feedback", "vote": "down", "answer": "faq:register", "q": WORD},
            replyToId="sent-1",
        ),
        await post(client, connector, 4, "I can't log in"),
        await post(client, connector, 5, "yes"),
        await post(client, connector, 6, f"{NAME} here: the mail never arrives, {EMAIL} {WORD}"),
    ]
    return ids


def turn_events(spans: tuple[ReadableSpan, ...]) -> list[tuple[ReadableSpan, dict[str, Any]]]:
    return [(s, dict(e.attributes or {})) for s in spans for e in s.events if e.name == TURN_EVENT]


async def test_nothing_exported_says_who_the_user_is_or_what_they_wrote(
    traced, connector, exported
) -> None:
    await a_few_turns(traced, connector)
    await wait_for(lambda: any(s.name == "smtp send" for s in exported.get_finished_spans()))
    spans = exported.get_finished_spans()
    everything = "\n".join(span.to_json() for span in spans)  # names, attributes, events, resource
    # 3 answers (the last one offers a person), a vote, a "yes" (a dialog's step), a request
    # opened: the search below searched the turns' events too
    assert len(turn_events(spans)) == 6
    leaked = [value for value in NEVER if value.lower() in everything.lower()]
    assert leaked == []


async def test_each_turn_is_one_event_with_what_operators_need(
    traced, connector, exported, catalogue
) -> None:
    ids = await a_few_turns(traced, connector)
    events = turn_events(exported.get_finished_spans())
    # one event per turn: six messages, six events, each on its own request's span
    assert len(events) == len(ids) == len({span.context.span_id for span, _ in events})
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for span, event in events:
        assert span.kind is SpanKind.SERVER  # on the request's span
        by_kind.setdefault(event["interact.kind"], []).append(event)

    answered, fell_back, escalate = by_kind["answer"]
    assert answered["interact.intent"] == "recommend"
    assert answered["interact.confidence"] in ("high", "medium", "low")
    assert answered["interact.fell_back"] is False
    assert answered["interact.language"] == "en"
    recommended = answered["interact.communities"].split(",")
    assert recommended and set(recommended) <= {c.id for c in catalogue.communities}
    assert fell_back["interact.intent"] == "fallback"
    assert fell_back["interact.fell_back"] is True
    assert fell_back["interact.confidence"] == "none"
    assert "interact.communities" not in fell_back
    assert escalate["interact.intent"] == "escalate"

    [vote] = by_kind["vote"]
    assert vote["interact.vote"] == "down" and vote["interact.language"] == "en"
    [step] = by_kind["step"]  # the "yes" to the escalation's question: a dialog's step
    assert step["interact.language"] == "en" and "interact.intent" not in step
    [escalation] = by_kind["escalation"]
    assert escalation["interact.route"] in {c.id for c in catalogue.contacts}


async def test_requests_and_outgoing_calls_are_spans_with_the_correlation_id(
    traced, connector, exported
) -> None:
    correlation_ids = await a_few_turns(traced, connector)
    await wait_for(lambda: any(s.name == "smtp send" for s in exported.get_finished_spans()))
    spans = exported.get_finished_spans()
    requests = [s for s in spans if s.kind is SpanKind.SERVER]
    assert [s.name for s in requests] == ["POST /api/messages"] * len(correlation_ids)
    assert [s.attributes["interact.correlation_id"] for s in requests] == correlation_ids
    assert {s.attributes["http.response.status_code"] for s in requests} <= {200, 201}

    by_id = {s.context.span_id: s for s in spans}

    def request_of(span: ReadableSpan) -> ReadableSpan | None:
        while span.parent is not None and span.parent.span_id in by_id:
            span = by_id[span.parent.span_id]
        return span if span.kind is SpanKind.SERVER else None

    connector_calls = [s for s in spans if s.attributes.get("interact.dependency") == "connector"]
    assert connector_calls and all(s.kind is SpanKind.CLIENT for s in connector_calls)
    assert "POST /v3/conversations/{id}/activities/{id}" in {s.name for s in connector_calls}
    assert all(request_of(s) is not None for s in connector_calls)
    store_calls = [s for s in spans if s.attributes.get("interact.dependency") == "store"]
    assert {"store record_turn", "store create_ticket"} <= {s.name for s in store_calls}
    assert all(request_of(s) is not None for s in store_calls)  # the worker's polls are not
    mails = [s for s in spans if s.name == "smtp send"]
    assert mails and all(s.kind is SpanKind.CLIENT for s in mails)


def test_with_telemetry_off_no_opentelemetry_module_is_loaded(tmp_path: Path) -> None:
    child = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        from app import create_app
        from bot.settings import Settings
        settings = Settings.from_env({{"ASSISTANT_DB": {str(tmp_path / "s.sqlite3")!r}}})
        app = create_app(settings)
        loaded = sorted(m for m in sys.modules if m.startswith(("opentelemetry", "azure.monitor")))
        print(json.dumps({{"off": settings.telemetry is None, "loaded": loaded}}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found == {"off": True, "loaded": []}


async def test_application_insights_gets_the_events_as_the_kql_files_read_them(
    traced, connector, exported, monkeypatch
) -> None:
    """The Azure Monitor exporter's own conversion (its envelope builders: the exporter sends
    what they return) of the same turns: the turn events are Message items (the traces table)
    named interact.turn with the dimensions in their properties (customDimensions), and no
    envelope, tags included (ai.user.id, ai.location.ip ...), says who the user is."""
    from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter

    monkeypatch.setenv("APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL", "true")  # no phoning home
    await a_few_turns(traced, connector)
    await wait_for(lambda: any(s.name == "smtp send" for s in exported.get_finished_spans()))
    azure = AzureMonitorTraceExporter(
        connection_string="InstrumentationKey=00000000-0000-0000-0000-000000000000;"
        "IngestionEndpoint=http://127.0.0.1:9/",
        disable_offline_storage=True,
    )
    try:
        envelopes = []
        for span in exported.get_finished_spans():
            envelopes.append(azure._span_to_envelope(span).as_dict())
            envelopes += [e.as_dict() for e in azure._span_events_to_envelopes(span)]
    finally:
        azure.shutdown()
    everything = json.dumps(envelopes, default=str).lower()
    assert [value for value in NEVER if value.lower() in everything] == []
    turns = [
        e["data"]["baseData"]
        for e in envelopes
        if e["data"]["baseType"] == "MessageData" and e["data"]["baseData"]["message"] == TURN_EVENT
    ]
    kinds = sorted(t["properties"]["interact.kind"] for t in turns)
    assert kinds == ["answer", "answer", "answer", "escalation", "step", "vote"]
    fell_back = [t["properties"].get("interact.fell_back") for t in turns]
    assert "True" in fell_back and "False" in fell_back  # as answered_vs_fell_back.kql reads it
    requests = [e["data"]["baseData"] for e in envelopes if e["data"]["baseType"] == "RequestData"]
    assert len(requests) == 6
    assert all(r["properties"]["interact.correlation_id"] for r in requests)
    assert {r["name"] for r in requests} == {"POST /api/messages"}
    dependencies = {
        e["data"]["baseData"]["name"]
        for e in envelopes
        if e["data"]["baseType"] == "RemoteDependencyData"
    }
    assert {"smtp send", "store create_ticket"} <= dependencies
