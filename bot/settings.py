"""Configuration: the one place that reads the environment (and an optional ``.env`` file).

``Settings.from_env(mapping)`` takes the mapping explicitly, so tests pass their own; the
Bot Framework's usual names are used for its settings (``MicrosoftAppId`` ...).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.ops.guards import is_loopback_url, parse_tenants
from bot.ops.telemetry import TelemetryConfig
from bot.tickets.mail import MailError, SmtpConfig, sender_address
from bot.tickets.store.config import DEFAULT_CONTAINER, BlobConfig, SqliteConfig, StoreConfig

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "data"
DEFAULT_WEBSITE_URL = "https://www.interact.eu/"


class SettingsError(ValueError):
    """A configuration value is not usable; the message names the variable."""


_DOTENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a ``.env`` file (comments, blanks and ``export`` allowed). A line that
    is none of these is refused, naming the file and line (not the line: it may hold a secret)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, equals, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if not equals or not _DOTENV_KEY.match(key):
            raise SettingsError(
                f"{path}, line {number}: not a KEY=value line (nor a # comment); "
                "a KEY is letters, digits and _"
            )
        if value[:1] in ("'", '"'):
            if len(value) < 2 or value[-1] != value[0]:
                raise SettingsError(f"{path}, line {number}: {key}'s value has no closing quote")
            value = value[1:-1]
        values[key] = value
    return values


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from exc
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _https(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name, "").strip()
    if raw and not raw.startswith("https://"):
        raise SettingsError(f"{name} must be an https:// address, not {raw!r}")
    return raw or None


def _metadata_url(env: Mapping[str, str], name: str) -> str:
    """An OpenID metadata address: https, or http on this machine (tests run their own keys)."""
    raw = env.get(name, "").strip()
    if raw and not (raw.startswith("https://") or is_loopback_url(raw)):
        raise SettingsError(
            f"{name} must be an https:// address (or http:// on localhost), not {raw!r}"
        )
    return raw


def _ids(env: Mapping[str, str], name: str) -> frozenset[str]:
    """Comma-separated AAD object ids (compared without case, as Teams may send either)."""
    return frozenset(a.strip().lower() for a in env.get(name, "").split(",") if a.strip())


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise SettingsError(f"{name} must be true or false (also 1/0, yes/no, on/off), not {raw!r}")


def _smtp_from(env: Mapping[str, str]) -> str:
    """SMTP_FROM, required when SMTP_HOST is set: a sender address cannot be guessed."""
    raw = env.get("SMTP_FROM", "").strip()  # checked as the mail itself checks it
    if not raw:
        if env.get("SMTP_HOST", "").strip():
            raise SettingsError(
                "SMTP_FROM must be set when SMTP_HOST is: the sender of the ticket e-mails, "
                "e.g. 'Interact Communities assistant <noreply@interact.eu>'"
            )
        return ""
    try:
        sender_address(raw)
    except MailError as exc:
        raise SettingsError(
            f"SMTP_FROM must be an e-mail address ('Name <name@domain>' or 'name@domain'), "
            f"not {raw!r}"
        ) from exc
    return raw


def _smtp_password(env: Mapping[str, str]) -> str:
    password = env.get("SMTP_PASSWORD", "").strip()
    username = env.get("SMTP_USERNAME", "").strip()
    if username and not password:
        raise SettingsError("SMTP_PASSWORD must be set when SMTP_USERNAME is")
    if password and not username:
        raise SettingsError("SMTP_USERNAME must be set when SMTP_PASSWORD is")
    return password


STORE_BACKENDS = ("sqlite", "blob")
_CONTAINER = re.compile(r"^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$")


def _store_backend(env: Mapping[str, str]) -> str:
    """ASSISTANT_STORE: the embedded SQLite file (default) or Azure Blob Storage (several
    instances), reached with AZURE_STORAGE_ACCOUNT_URL (and the host's Azure identity) or
    AZURE_STORAGE_CONNECTION_STRING (a key): one of them."""
    backend = env.get("ASSISTANT_STORE", "").strip().lower() or "sqlite"
    if backend not in STORE_BACKENDS:
        raise SettingsError(f"ASSISTANT_STORE must be sqlite or blob, not {backend!r}")
    url = env.get("AZURE_STORAGE_ACCOUNT_URL", "").strip()
    key = env.get("AZURE_STORAGE_CONNECTION_STRING", "").strip()
    if backend == "blob" and not (url or key):
        raise SettingsError(
            "ASSISTANT_STORE=blob needs AZURE_STORAGE_ACCOUNT_URL (recommended: "
            "https://ACCOUNT.blob.core.windows.net, reached with the host's Azure identity) or "
            "AZURE_STORAGE_CONNECTION_STRING (the account's key: Azure portal, Access keys)"
        )
    if url and key:
        raise SettingsError(
            "AZURE_STORAGE_ACCOUNT_URL and AZURE_STORAGE_CONNECTION_STRING are both set: "
            "keep one (the account URL, with the host's Azure identity, needs no key)"
        )
    return backend


def _container(env: Mapping[str, str]) -> str:
    raw = env.get("AZURE_STORAGE_CONTAINER", "").strip() or DEFAULT_CONTAINER
    if not _CONTAINER.match(raw):
        raise SettingsError(
            "AZURE_STORAGE_CONTAINER must be a container name (3-63 lower-case letters, digits "
            f"and single hyphens, starting and ending with a letter or digit), not {raw!r}"
        )
    return raw


def _log_format(env: Mapping[str, str]) -> str:
    raw = env.get("LOG_FORMAT", "").strip().lower() or "json"
    if raw not in ("json", "text"):
        raise SettingsError(f"LOG_FORMAT must be json or text, not {raw!r}")
    return raw


TRACES_EXPORTERS = ("otlp", "console", "none")
TELEMETRY_EXTRA = (
    "pip install 'interact-communities-bot[telemetry]' (or pip install -r requirements.lock)"
)
# What each exporter needs installed (the ``telemetry`` extra): a module of it, found or not.
_EXPORTER_MODULES = {
    "azure_monitor": "azure.monitor.opentelemetry.exporter",
    "otlp": "opentelemetry.exporter.otlp.proto.http",
    "console": "opentelemetry.sdk",
}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent missing, or blocked (None in sys.modules)
        return False


def _key_values(env: Mapping[str, str], name: str) -> dict[str, str]:
    """OpenTelemetry's ``key=value,key2=value2`` lists (values percent-encoded)."""
    values: dict[str, str] = {}
    for item in env.get(name, "").split(","):
        if not item.strip():
            continue
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise SettingsError(f"{name} must be key=value pairs separated by commas")
        values[urllib.parse.unquote(key.strip())] = urllib.parse.unquote(value.strip())
    return values


def _traces_exporters(env: Mapping[str, str]) -> list[str]:
    """OTEL_TRACES_EXPORTER (otlp, console, none; comma-separated); unset: otlp when an OTLP
    endpoint is set, else none. Telemetry is opt-in: nothing set, nothing sent."""
    raw = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "") or env.get(
        "OTEL_EXPORTER_OTLP_ENDPOINT", ""
    )
    names = [n.strip() for n in raw.split(",") if n.strip()] or (
        ["otlp"] if endpoint.strip() else []
    )
    for name in names:
        if name not in TRACES_EXPORTERS:
            raise SettingsError(
                f"OTEL_TRACES_EXPORTER must be {', '.join(TRACES_EXPORTERS)} (comma-separated), "
                f"not {name!r}"
            )
    return [n for n in names if n != "none"]


def _otlp_endpoint(env: Mapping[str, str]) -> str:
    """The OTLP/HTTP traces address: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, else
    OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, else the collector's default on this machine."""
    protocol = env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "") or env.get(
        "OTEL_EXPORTER_OTLP_PROTOCOL", ""
    )
    if protocol.strip() not in ("", "http/protobuf"):
        raise SettingsError(
            "OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf (the collector's port 4318), "
            f"not {protocol.strip()!r}: the bot does not ship the gRPC exporter"
        )
    for name, suffix in (
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ""),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "/v1/traces"),
    ):
        raw = env.get(name, "").strip()
        if raw:
            if not raw.startswith(("http://", "https://")):
                raise SettingsError(f"{name} must be an http:// or https:// address, not {raw!r}")
            return raw.rstrip("/") + suffix
    return "http://localhost:4318/v1/traces"


def _telemetry(env: Mapping[str, str], version: str) -> TelemetryConfig | None:
    """OpenTelemetry, opt-in: APPLICATIONINSIGHTS_CONNECTION_STRING (Azure Monitor) and/or the
    standard OTEL_* variables; None (off) when neither is set or OTEL_SDK_DISABLED is true."""
    if _bool(env, "OTEL_SDK_DISABLED", False):
        return None
    connection = env.get("APPLICATIONINSIGHTS_CONNECTION_STRING", "").strip()
    if connection and "instrumentationkey=" not in connection.lower():
        raise SettingsError(
            "APPLICATIONINSIGHTS_CONNECTION_STRING must be the Application Insights resource's "
            "connection string (InstrumentationKey=...;IngestionEndpoint=...), from its Overview"
        )
    exporters = (["azure_monitor"] if connection else []) + _traces_exporters(env)
    if not exporters:
        return None
    for exporter in exporters:
        if not _installed(_EXPORTER_MODULES[exporter]):
            setting = (
                "APPLICATIONINSIGHTS_CONNECTION_STRING"
                if exporter == "azure_monitor"
                else "OTEL_TRACES_EXPORTER / OTEL_EXPORTER_OTLP_ENDPOINT"
            )
            raise SettingsError(
                f"{setting} is set but the telemetry extra is not installed: {TELEMETRY_EXTRA}"
            )
    return TelemetryConfig(
        exporters=tuple(exporters),
        service_name=env.get("OTEL_SERVICE_NAME", "").strip() or "interact-communities-bot",
        service_version=version,
        resource_attributes=_key_values(env, "OTEL_RESOURCE_ATTRIBUTES"),
        azure_connection_string=connection,
        otlp_endpoint=_otlp_endpoint(env) if "otlp" in exporters else "",
        otlp_headers=_key_values(env, "OTEL_EXPORTER_OTLP_HEADERS"),
    )


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level(env: Mapping[str, str]) -> str:
    raw = env.get("LOG_LEVEL", "").strip()
    level = {"WARN": "WARNING"}.get(raw.upper(), raw.upper()) or "INFO"
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {raw!r}")
    return level


_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def _app_id(env: Mapping[str, str]) -> str:
    """MicrosoftAppId: empty (authentication off) or a GUID."""
    app_id = env.get("MicrosoftAppId", "").strip()
    if app_id and not _GUID.match(app_id):
        raise SettingsError(
            "MicrosoftAppId must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx): the app id "
            f"of the bot's registration, not {app_id!r}"
        )
    return app_id


SINGLE_TENANT, MANAGED_IDENTITY, MULTI_TENANT = "SingleTenant", "UserAssignedMSI", "MultiTenant"
_APP_TYPES = (
    f"{SINGLE_TENANT} (recommended: a registration in your tenant, with MicrosoftAppTenantId and "
    f"MicrosoftAppPassword), {MANAGED_IDENTITY} (recommended on Azure: no secret to expire; "
    "MicrosoftAppId is the managed identity's client id, with MicrosoftAppTenantId) or "
    f"{MULTI_TENANT} (an existing multi-tenant registration only)"
)


def _app_type(env: Mapping[str, str]) -> str:
    """MicrosoftAppType, spelled as botbuilder documents it; empty when not set."""
    raw = env.get("MicrosoftAppType", "").strip()
    for name in (SINGLE_TENANT, MANAGED_IDENTITY, MULTI_TENANT):
        if raw.lower() == name.lower():
            return name
    if raw:
        raise SettingsError(f"MicrosoftAppType must be {_APP_TYPES}; not {raw!r}")
    return ""


def _tenant_id(env: Mapping[str, str]) -> str:
    raw = env.get("MicrosoftAppTenantId", "").strip()
    if raw and not _GUID.match(raw):
        raise SettingsError(
            "MicrosoftAppTenantId must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx): the "
            f"directory (tenant) id, not {raw!r}"
        )
    return raw


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR
    today: dt.date | None = None  # fixed date for dated answers (tests, demos); None = real date
    register_url: str | None = None
    all_communities_url: str | None = None
    app_id: str = ""
    app_password: str = field(default="", repr=False)
    app_type: str = ""  # SingleTenant, UserAssignedMSI or MultiTenant: chosen, never assumed
    app_tenant_id: str = ""
    # Where the Bot Framework's token signing keys are published; empty: the public cloud's.
    openid_metadata_url: str = ""
    # The Bot Framework Emulator's (and skills') keys; empty: the public cloud's.
    emulator_openid_metadata_url: str = ""
    # Development only: also take tokens the Emulator gets from the Bot Framework's own AAD
    # tenants. botbuilder checks no serviceurl claim on those, so with this on the bot would post
    # its own token to any serviceUrl such a token's request names.
    allow_emulator_tokens: bool = False
    allowed_tenants: frozenset[str] = frozenset()  # lower-case tenant ids; empty: any tenant
    rate_limit_per_minute: int = 30  # messages per conversation per minute; 0: no limit
    host: str = "0.0.0.0"
    port: int = 3978
    max_body_bytes: int = 256 * 1024
    fallback_retention_days: int = 90  # questions that fell back are kept this long (analytics)
    # The personal data of a resolved ticket is erased this long after it was resolved.
    ticket_retention_days: int = 180
    store_path: Path = ROOT / "var" / "assistant.sqlite3"  # tickets and bot state (SQLite)
    # "sqlite" (store_path) or "blob": Azure Blob Storage, shared by several instances.
    store_backend: str = "sqlite"
    azure_storage_connection_string: str = field(default="", repr=False)  # a secret
    azure_storage_container: str = DEFAULT_CONTAINER
    # or, without a key: the account's address, reached with DefaultAzureCredential
    azure_storage_account_url: str = ""
    log_level: str = "INFO"
    log_format: str = "json"  # one JSON object per line (bot.ops.logs); "text" for a terminal
    shutdown_timeout: int = 8  # seconds in-flight turns get to finish on SIGTERM / Ctrl-C
    # How long a worker holds a delivery it sends: another takes it over after (a dead instance).
    delivery_lease_seconds: int = 60
    # How often each instance looks in the store for a "reload catalogue" asked on another one.
    content_reload_poll_seconds: int = 10
    # AAD object ids. Admins choose the support channel (nobody can while this is empty); admins
    # and agents press the ticket cards' buttons there.
    support_admins: frozenset[str] = frozenset()
    support_agents: frozenset[str] = frozenset()
    # Tickets a day (UTC) one user, one tenant may open (0: no limit).
    tickets_per_user_per_day: int = 5
    tickets_per_tenant_per_day: int = 100
    # E-mail of escalation tickets (bot.tickets.mail); no SMTP_HOST: no e-mail is sent.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = ""  # required when smtp_host is set
    # Teams app package (``python -m bot package``); checked by bot.packaging.package, not here.
    teams_app_id: str = ""  # empty: derived from app_id (uuid5), so builds are reproducible
    bot_domain: str = ""  # the bot's public host name, for the manifest's validDomains
    app_version: str = "1.0.0"
    developer_website_url: str = DEFAULT_WEBSITE_URL
    privacy_url: str = DEFAULT_WEBSITE_URL
    terms_url: str = DEFAULT_WEBSITE_URL
    # OpenTelemetry (bot.ops.telemetry): None, off (the default); see the README, "Telemetry".
    telemetry: TelemetryConfig | None = None

    @property
    def auth_enabled(self) -> bool:
        return bool(self.app_id)

    def check_identity(self) -> None:
        """What serving needs beyond what ``from_env`` checks (``python -m bot package`` needs
        only the app id): an app type chosen explicitly, with what botbuilder needs for it
        (botbuilder.integration.aiohttp.ConfigurationServiceClientCredentialFactory), and
        nothing that it would silently ignore."""
        kind, tenant, password = self.app_type, self.app_tenant_id, self.app_password
        if not self.app_id:
            given = [
                name
                for name, value in (
                    ("MicrosoftAppPassword", password),
                    ("MicrosoftAppType", kind),
                    ("MicrosoftAppTenantId", tenant),
                )
                if value
            ]
            if given:
                raise SettingsError(
                    f"MicrosoftAppId must be set when {given[0]} is (without an app id, "
                    f"authentication is off: to keep it off, remove {', '.join(given)})"
                )
            return
        if not kind:
            raise SettingsError(f"MicrosoftAppType must be set with MicrosoftAppId: {_APP_TYPES}")
        if kind != MULTI_TENANT and not tenant:
            raise SettingsError(
                f"MicrosoftAppTenantId must be set with MicrosoftAppType={kind}: the directory "
                "(tenant) id of the registration (Azure portal, Microsoft Entra ID, Overview)"
            )
        if kind == MULTI_TENANT and tenant:
            raise SettingsError(
                f"MicrosoftAppTenantId is not used with MicrosoftAppType={MULTI_TENANT}: for a "
                f"registration in one tenant set MicrosoftAppType={SINGLE_TENANT}, else remove "
                "MicrosoftAppTenantId"
            )
        if kind == MANAGED_IDENTITY and password:
            raise SettingsError(
                f"MicrosoftAppPassword must not be set with MicrosoftAppType={MANAGED_IDENTITY}: "
                "the managed identity needs no secret (remove it)"
            )
        if kind != MANAGED_IDENTITY and not password:
            raise SettingsError(
                f"MicrosoftAppPassword must be set with MicrosoftAppType={kind}: a client secret "
                "of the registration (Azure portal, the Azure Bot's Configuration, Manage Password)"
            )

    def date_today(self) -> dt.date:
        return self.today or dt.date.today()

    def store_config(self) -> StoreConfig:
        """Where the store is (``bot.tickets.store.factory.open_store`` opens it)."""
        if self.store_backend == "blob":
            return BlobConfig(
                self.azure_storage_connection_string,
                self.azure_storage_container,
                account_url=self.azure_storage_account_url,
            )
        return SqliteConfig(self.store_path)

    def smtp_config(self) -> SmtpConfig | None:
        """How to send the ticket e-mails, or None when ``SMTP_HOST`` is not set."""
        if not self.smtp_host:
            return None
        return SmtpConfig(
            host=self.smtp_host,
            port=self.smtp_port,
            starttls=self.smtp_starttls,
            username=self.smtp_username,
            password=self.smtp_password,
            sender=self.smtp_from,
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str], dotenv: Path | None = None) -> Settings:
        merged = {**(read_dotenv(dotenv) if dotenv else {}), **env}
        today_raw = merged.get("ASSISTANT_TODAY", "").strip()
        try:
            today = dt.date.fromisoformat(today_raw) if today_raw else None
        except ValueError as exc:
            raise SettingsError(
                f"ASSISTANT_TODAY must be a date (YYYY-MM-DD), not {today_raw!r}"
            ) from exc
        return cls(
            data_dir=Path(merged.get("ASSISTANT_DATA_DIR", "").strip() or DEFAULT_DATA_DIR),
            today=today,
            register_url=_https(merged, "PORTAL_REGISTER_URL"),
            all_communities_url=_https(merged, "PORTAL_ALL_COMMUNITIES_URL"),
            app_id=_app_id(merged),
            app_password=merged.get("MicrosoftAppPassword", "").strip(),
            app_type=_app_type(merged),
            app_tenant_id=_tenant_id(merged),
            openid_metadata_url=_metadata_url(merged, "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL"),
            emulator_openid_metadata_url=_metadata_url(
                merged, "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL"
            ),
            allow_emulator_tokens=_bool(merged, "ALLOW_EMULATOR_TOKENS", False),
            allowed_tenants=parse_tenants(merged.get("ALLOWED_TENANTS", "")),
            rate_limit_per_minute=_int(merged, "RATE_LIMIT_PER_MINUTE", 30, 0, 100_000),
            host=merged.get("HOST", "").strip() or "0.0.0.0",
            port=_int(merged, "PORT", 3978, 0, 65535),  # 0: any free port (logged)
            max_body_bytes=_int(merged, "MAX_BODY_BYTES", 256 * 1024, 1024, 64 * 1024 * 1024),
            fallback_retention_days=_int(merged, "FALLBACK_RETENTION_DAYS", 90, 1, 3650),
            ticket_retention_days=_int(merged, "TICKET_RETENTION_DAYS", 180, 1, 3650),
            store_path=Path(
                merged.get("ASSISTANT_DB", "").strip() or ROOT / "var" / "assistant.sqlite3"
            ),
            store_backend=_store_backend(merged),
            azure_storage_connection_string=merged.get(
                "AZURE_STORAGE_CONNECTION_STRING", ""
            ).strip(),
            azure_storage_container=_container(merged),
            azure_storage_account_url=_https(merged, "AZURE_STORAGE_ACCOUNT_URL") or "",
            log_level=_log_level(merged),
            log_format=_log_format(merged),
            shutdown_timeout=_int(merged, "SHUTDOWN_TIMEOUT", 8, 0, 3600),
            delivery_lease_seconds=_int(merged, "DELIVERY_LEASE_SECONDS", 60, 5, 3600),
            content_reload_poll_seconds=_int(merged, "CONTENT_RELOAD_POLL_SECONDS", 10, 1, 3600),
            support_admins=_ids(merged, "SUPPORT_ADMINS"),
            support_agents=_ids(merged, "SUPPORT_AGENTS"),
            tickets_per_user_per_day=_int(merged, "TICKETS_PER_USER_PER_DAY", 5, 0, 100_000),
            tickets_per_tenant_per_day=_int(merged, "TICKETS_PER_TENANT_PER_DAY", 100, 0, 10**6),
            smtp_host=merged.get("SMTP_HOST", "").strip(),
            smtp_port=_int(merged, "SMTP_PORT", 587, 1, 65535),
            smtp_starttls=_bool(merged, "SMTP_STARTTLS", True),
            smtp_username=merged.get("SMTP_USERNAME", "").strip(),
            smtp_password=_smtp_password(merged),
            smtp_from=_smtp_from(merged),
            teams_app_id=merged.get("TEAMS_APP_ID", "").strip(),
            bot_domain=(
                merged.get("BOT_DOMAIN", "").strip() or merged.get("PUBLIC_HOSTNAME", "").strip()
            ),
            app_version=merged.get("APP_VERSION", "").strip() or "1.0.0",
            developer_website_url=(
                merged.get("DEVELOPER_WEBSITE_URL", "").strip() or DEFAULT_WEBSITE_URL
            ),
            privacy_url=merged.get("PRIVACY_URL", "").strip() or DEFAULT_WEBSITE_URL,
            terms_url=merged.get("TERMS_URL", "").strip() or DEFAULT_WEBSITE_URL,
            telemetry=_telemetry(merged, merged.get("APP_VERSION", "").strip()),
        )
