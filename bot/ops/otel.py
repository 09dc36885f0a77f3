"""The OpenTelemetry adapter of ``bot.ops.telemetry``: imported only when telemetry is on.

app.py builds one ``OtelTelemetry`` (``build_telemetry``) and passes it down; nothing here sets
OpenTelemetry's global tracer provider, and nothing instruments libraries behind the bot's back.
(The Azure Monitor distro's ``configure_azure_monitor`` would do both: its instrumentation of
``requests`` and of logging would send the Bot Connector's URLs, which hold conversation ids,
and every log line. So its exporter is used with a provider of our own.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
)
from opentelemetry.sdk.trace.sampling import ALWAYS_ON
from opentelemetry.trace import INVALID_SPAN, SpanKind, Status, StatusCode, get_current_span
from opentelemetry.trace import Span as OtelSpan

from bot.ops.telemetry import (
    CLIENT,
    INTERNAL,
    SERVER,
    TURN_EVENT,
    AttributeValue,
    Span,
    Telemetry,
    TelemetryConfig,
    TurnEvent,
)

TRACER = "interact.bot"
_KINDS = {SERVER: SpanKind.SERVER, CLIENT: SpanKind.CLIENT, INTERNAL: SpanKind.INTERNAL}


class _Span:
    def __init__(self, span: OtelSpan) -> None:
        self._span = span

    def set(self, key: str, value: AttributeValue) -> None:
        self._span.set_attribute(key, value)

    def error(self, kind: str) -> None:
        self._span.set_attribute("error.type", kind)
        self._span.set_status(Status(StatusCode.ERROR, kind))


class OtelTelemetry(Telemetry):
    """Spans and turn events through an OpenTelemetry ``TracerProvider`` (given: tests pass one
    that exports to memory)."""

    enabled = True

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider
        self.tracer = provider.get_tracer(TRACER)

    @contextmanager
    def span(
        self,
        name: str,
        kind: str = INTERNAL,
        attributes: Mapping[str, AttributeValue] | None = None,
        *,
        child_only: bool = False,
    ) -> Iterator[Span]:
        if child_only and not get_current_span().is_recording():
            yield _Span(INVALID_SPAN)
            return
        # An exception is recorded as its type only: its message may quote what a user wrote.
        with self.tracer.start_as_current_span(
            name,
            kind=_KINDS[kind],
            attributes=dict(attributes or {}),
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            handle = _Span(span)
            try:
                yield handle
            except BaseException as exc:
                handle.error(type(exc).__qualname__)
                raise

    def turn(self, event: TurnEvent) -> None:
        """An event on the current span (the request's), else on a span of its own."""
        current = get_current_span()
        if current.is_recording():
            current.add_event(TURN_EVENT, event.attributes())
            return
        with self.tracer.start_as_current_span("turn", kind=SpanKind.INTERNAL) as span:
            span.add_event(TURN_EVENT, event.attributes())

    def close(self) -> None:
        self.provider.shutdown()


def _processors(config: TelemetryConfig, provider: TracerProvider) -> Iterator[SpanProcessor]:
    for exporter in config.exporters:
        if exporter == "console":
            yield SimpleSpanProcessor(ConsoleSpanExporter(service_name=config.service_name))
        elif exporter == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            otlp = OTLPSpanExporter(
                endpoint=config.otlp_endpoint, headers=dict(config.otlp_headers)
            )
            yield BatchSpanProcessor(otlp)
        elif exporter == "azure_monitor":
            from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter

            # the provider given: else it looks for the service's name in the global one
            azure = AzureMonitorTraceExporter(
                connection_string=config.azure_connection_string, tracer_provider=provider
            )
            yield BatchSpanProcessor(azure)
        else:
            raise ValueError(f"unknown telemetry exporter {exporter!r}")


def build_telemetry(config: TelemetryConfig) -> OtelTelemetry:
    """The provider for ``config``'s exporters, with the service's name on every span."""
    resource = Resource(
        {
            **config.resource_attributes,
            "service.name": config.service_name,
            **({"service.version": config.service_version} if config.service_version else {}),
        }
    )
    provider = TracerProvider(resource=resource, sampler=ALWAYS_ON)
    for processor in _processors(config, provider):
        provider.add_span_processor(processor)
    return OtelTelemetry(provider)
