"""Telemetry's settings (bot.settings): off unless asked for, the standard OTEL_* variables and
Application Insights' connection string read as documented, mistakes refused in one line."""

from __future__ import annotations

import sys

import pytest
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

from bot.ops.otel import build_telemetry
from bot.settings import Settings, SettingsError

CONNECTION = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x/"


def test_telemetry_is_off_unless_asked_for() -> None:
    assert Settings.from_env({}).telemetry is None
    assert Settings().telemetry is None
    assert Settings.from_env({"OTEL_TRACES_EXPORTER": "none"}).telemetry is None
    disabled = {"APPLICATIONINSIGHTS_CONNECTION_STRING": CONNECTION, "OTEL_SDK_DISABLED": "true"}
    assert Settings.from_env(disabled).telemetry is None


def test_application_insights_by_its_connection_string() -> None:
    settings = Settings.from_env(
        {
            "APPLICATIONINSIGHTS_CONNECTION_STRING": CONNECTION,
            "OTEL_SERVICE_NAME": "interact-bot-weu",
            "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=prod,service.namespace=interact",
            "APP_VERSION": "1.2.0",
        }
    )
    config = settings.telemetry
    assert config is not None
    assert config.exporters == ("azure_monitor",)
    assert config.azure_connection_string == CONNECTION
    assert (config.service_name, config.service_version) == ("interact-bot-weu", "1.2.0")
    assert config.resource_attributes == {
        "deployment.environment": "prod",
        "service.namespace": "interact",
    }
    assert CONNECTION not in repr(settings)  # a secret: never printed


@pytest.mark.parametrize(
    ("env", "exporters", "endpoint"),
    [
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"},
            ("otlp",),
            "http://collector:4318/v1/traces",
        ),
        (
            {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://otel.example/api/traces"},
            ("otlp",),
            "https://otel.example/api/traces",
        ),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, ("otlp",), "http://localhost:4318/v1/traces"),
        ({"OTEL_TRACES_EXPORTER": "console"}, ("console",), ""),
        (
            {
                "OTEL_TRACES_EXPORTER": "console,otlp",
                "APPLICATIONINSIGHTS_CONNECTION_STRING": CONNECTION,
            },
            ("azure_monitor", "console", "otlp"),
            "http://localhost:4318/v1/traces",
        ),
    ],
)
def test_the_standard_otel_variables(
    env: dict[str, str], exporters: tuple[str, ...], endpoint: str
) -> None:
    config = Settings.from_env(env).telemetry
    assert config is not None
    assert config.exporters == exporters
    assert config.otlp_endpoint == endpoint


def test_otlp_headers_are_read_and_kept_out_of_repr() -> None:
    env = {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_HEADERS": "api-key=s%3Dcret,x=1"}
    settings = Settings.from_env(env)
    assert settings.telemetry is not None
    assert settings.telemetry.otlp_headers == {"api-key": "s=cret", "x": "1"}
    assert "s=cret" not in repr(settings) and "s%3Dcret" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"OTEL_TRACES_EXPORTER": "jaeger"}, "OTEL_TRACES_EXPORTER"),
        (
            {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
            "OTEL_EXPORTER_OTLP_PROTOCOL",
        ),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, "OTEL_EXPORTER_OTLP_ENDPOINT"),
        (
            {"APPLICATIONINSIGHTS_CONNECTION_STRING": "abc123"},
            "APPLICATIONINSIGHTS_CONNECTION_STRING",
        ),
        (
            {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_HEADERS": "novalue"},
            "OTEL_EXPORTER_OTLP_HEADERS",
        ),
        ({"OTEL_SDK_DISABLED": "maybe"}, "OTEL_SDK_DISABLED"),
    ],
)
def test_a_telemetry_mistake_is_refused_naming_the_variable(
    env: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env(env)
    assert str(info.value).startswith(named) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        (
            {"APPLICATIONINSIGHTS_CONNECTION_STRING": CONNECTION},
            "azure.monitor.opentelemetry.exporter",
        ),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"},
            "opentelemetry.exporter.otlp.proto.http",
        ),
        ({"OTEL_TRACES_EXPORTER": "console"}, "opentelemetry.sdk"),
    ],
)
def test_telemetry_without_its_extra_is_refused_naming_the_extra(
    env: dict[str, str], missing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # as if not installed
    with pytest.raises(SettingsError, match=r"the telemetry extra is not installed: pip install"):
        Settings.from_env(env)


def test_each_exporter_is_built_from_the_settings() -> None:
    env = {
        "APPLICATIONINSIGHTS_CONNECTION_STRING": CONNECTION,
        "OTEL_TRACES_EXPORTER": "console,otlp",
    }
    config = Settings.from_env(env).telemetry
    assert config is not None
    telemetry = build_telemetry(config)
    try:
        processors = telemetry.provider._active_span_processor._span_processors
        exporters = [type(p.span_exporter).__name__ for p in processors]
        assert exporters == ["AzureMonitorTraceExporter", "ConsoleSpanExporter", "OTLPSpanExporter"]
        assert [type(p) for p in processors] == [
            BatchSpanProcessor,
            SimpleSpanProcessor,
            BatchSpanProcessor,
        ]
        assert telemetry.provider.resource.attributes["service.name"] == "interact-communities-bot"
    finally:
        telemetry.close()
