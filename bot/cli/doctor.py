"""``python -m bot doctor``: what must be true before the bot goes live.

Each finding is ``ok``, a ``warning`` (works, but check it is meant) or a ``blocker`` (the bot
must not go live so), with how to fix it. The command exits with ``ExitCode.FAILED`` when there
is a blocker. It reads the same settings as ``python app.py`` and talks to what they name: the
store (a test write) and the SMTP server (a conversation up to the sender, nothing is sent).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TextIO, TypeVar

from bot.core.catalogue import Catalogue, CatalogueError, load_catalogue
from bot.core.model import MODEL_FILE, ModelError, expected_fingerprint, load_model
from bot.core.training import TrainingError
from bot.exits import ExitCode, data_error_line
from bot.settings import (
    DEFAULT_WEBSITE_URL,
    MANAGED_IDENTITY,
    MULTI_TENANT,
    SINGLE_TENANT,
    Settings,
    SettingsError,
)
from bot.teams.support import SUPPORT_CHANNEL
from bot.tickets.mail import MailError, check_sender
from bot.tickets.store.factory import open_store

STORE_TIMEOUT_SECONDS = 30.0  # the Blob store retries a while before it gives up
WRITE_CHECK = "doctor.write_check"  # the store setting the doctor writes and reads back
T = TypeVar("T")


class Level(StrEnum):
    OK = "ok"
    WARNING = "warning"
    BLOCKER = "blocker"


@dataclass(frozen=True)
class Finding:
    level: Level
    topic: str
    text: str
    fix: str = ""


def _ok(topic: str, text: str) -> Finding:
    return Finding(Level.OK, topic, text)


# --------------------------------------------------------------------------- settings only


def identity(settings: Settings) -> list[Finding]:
    if not settings.auth_enabled:
        return [
            Finding(
                Level.BLOCKER,
                "authentication",
                "MicrosoftAppId is not set: authentication is off, anyone who can reach the "
                "bot can talk to it as anyone",
                "register the bot (README, Install in Teams) and set MicrosoftAppId, "
                "MicrosoftAppType (UserAssignedMSI or SingleTenant), MicrosoftAppTenantId",
            )
        ]
    try:
        settings.check_identity()
    except SettingsError as exc:
        return [Finding(Level.BLOCKER, "authentication", str(exc), "README, configuration")]
    kind = f"MicrosoftAppType={settings.app_type}"
    if settings.app_type == MULTI_TENANT:
        return [
            Finding(
                Level.WARNING,
                "authentication",
                f"on, {kind}: new multi-tenant registrations are no longer allowed, and its "
                "client secret expires (expired secrets are the first cause of dead bots)",
                f"prefer {MANAGED_IDENTITY} (no secret) or {SINGLE_TENANT} (README, "
                "configuration); meanwhile note the secret's expiry date and renew it before",
            )
        ]
    if settings.app_type == SINGLE_TENANT:
        note = "renew its client secret before it expires"
    else:
        note = "the managed identity has no secret to expire"
    return [_ok("authentication", f"on, {kind}, app id {settings.app_id}: {note}")]


def audience(settings: Settings) -> list[Finding]:
    """Who may talk to the bot (an empty ALLOWED_TENANTS: any tenant), and who may act for
    support (bot.teams.support: nobody, without SUPPORT_ADMINS)."""
    if not settings.auth_enabled:
        return []
    found = []
    if settings.allowed_tenants:
        found.append(_ok("tenants", f"ALLOWED_TENANTS: {len(settings.allowed_tenants)} tenant(s)"))
    else:
        found.append(
            Finding(
                Level.WARNING,
                "tenants",
                "ALLOWED_TENANTS is empty: users of any Microsoft 365 tenant that installs the "
                "app can use the bot and open tickets",
                "set ALLOWED_TENANTS to Interact's tenant id (and any partner's), comma-separated",
            )
        )
    staff = f"SUPPORT_ADMINS: {len(settings.support_admins)}, SUPPORT_AGENTS: "
    staff += f"{len(settings.support_agents)} person(s)"
    if settings.support_admins:
        found.append(_ok("staff", staff))
    else:
        found.append(
            Finding(
                Level.WARNING,
                "staff",
                f"{staff}: nobody can choose the support channel, and only the agents can "
                "assign or resolve tickets in Teams",
                "set SUPPORT_ADMINS (and SUPPORT_AGENTS) to the AAD object ids of the support "
                "staff, comma-separated",
            )
        )
    return found


_EXPORTERS = {
    "azure_monitor": "Application Insights",
    "otlp": "an OTLP collector at {endpoint}",
    "console": "the console",
}


def telemetry(settings: Settings) -> Finding:
    """Where traces and turn events go (README, "Telemetry"): nowhere unless configured."""
    config = settings.telemetry
    if config is None:
        return _ok(
            "telemetry",
            "off (APPLICATIONINSIGHTS_CONNECTION_STRING or OTEL_EXPORTER_OTLP_ENDPOINT turn it on)",
        )
    where = [_EXPORTERS[e].format(endpoint=config.otlp_endpoint) for e in config.exporters]
    return _ok("telemetry", f"on, service {config.service_name}, to {' and '.join(where)}")


def links(settings: Settings) -> list[Finding]:
    urls = {"PRIVACY_URL": settings.privacy_url, "TERMS_URL": settings.terms_url}
    defaults = [name for name, value in urls.items() if value == DEFAULT_WEBSITE_URL]
    if not defaults:
        return [_ok("app links", "PRIVACY_URL and TERMS_URL are set")]
    return [
        Finding(
            Level.WARNING,
            "app links",
            f"{' and '.join(defaults)} still point{'s' if len(defaults) == 1 else ''} to "
            f"{DEFAULT_WEBSITE_URL} (the default): the Teams app links them as the privacy "
            "statement and terms of use",
            f"set {' and '.join(defaults)} to Interact's pages, then build the package again",
        )
    ]


# --------------------------------------------------------------------------- data


def data(settings: Settings) -> list[Finding]:
    try:
        catalogue = load_catalogue(settings.data_dir)
    except CatalogueError as exc:
        finding = Finding(
            Level.BLOCKER,
            "data",
            data_error_line(exc, settings.data_dir),
            f"python -m bot check {settings.data_dir} lists every problem",
        )
        return [finding]
    valid = _ok("data", f"{settings.data_dir} is valid (version {catalogue.version})")
    return [valid, model(settings, catalogue), portal(settings, catalogue)]


def model(settings: Settings, catalogue: Catalogue) -> Finding:
    """The trained understanding model matches the data it was trained on (bot.core.model's
    fingerprint); a stale one is retrained at each start-up, untested, instead of served."""
    path = settings.data_dir / MODEL_FILE
    try:
        items, fingerprint = expected_fingerprint(settings.data_dir, catalogue)
        load_model(path, fingerprint)
    except TrainingError as exc:
        text = f"{settings.data_dir}/{exc.problems[0]}" if exc.problems else str(exc)
        return Finding(
            Level.BLOCKER, "model", text, f"python -m bot check {settings.data_dir} lists them"
        )
    except ModelError as exc:
        return Finding(
            Level.BLOCKER,
            "model",
            f"the understanding model is not current: {exc}",
            f"python -m bot train, check its figures, and deploy {path} with the data",
        )
    return _ok("model", f"the understanding model matches the data ({len(items)} examples)")


def portal(settings: Settings, catalogue: Catalogue) -> Finding:
    """The portal's addresses in the data are placeholders until marked ``confirmed``; the
    environment overrides them."""
    data = catalogue.portal
    placeholders = [
        name
        for name, given, value in (
            ("PORTAL_REGISTER_URL", settings.register_url, data.register_url),
            ("PORTAL_ALL_COMMUNITIES_URL", settings.all_communities_url, data.all_communities_url),
        )
        if not data.confirmed and given in (None, value)
    ]
    if not placeholders:
        return _ok("portal", "the portal's addresses are confirmed")
    return Finding(
        Level.BLOCKER,
        "portal",
        f"the portal's addresses in {settings.data_dir}/catalogue.yaml are placeholders not "
        f"yet confirmed (not overridden: {', '.join(placeholders)}); every join button opens them",
        "confirm them with Interact, then set confirmed: true under portal: in catalogue.yaml, "
        f"or set {' and '.join(placeholders)}",
    )


# --------------------------------------------------------------------------- the outside


class _TimedOut(Exception):
    pass


def _within(seconds: float, work: Callable[[], T]) -> T:
    """``work()`` in a daemon thread; ``_TimedOut`` if it takes longer than ``seconds`` (it is
    then left to finish on its own: the process exits anyway)."""
    result: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:
            error.append(exc)

    thread = threading.Thread(target=run, name="doctor", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise _TimedOut
    if error:
        raise error[0]
    return result[0]


def _store_where(settings: Settings) -> str:
    if settings.store_backend == "blob":
        return f"the Azure Blob Storage container {settings.azure_storage_container}"
    return f"the SQLite store {settings.store_path}"


def store(settings: Settings, timeout: float) -> tuple[list[Finding], bool | None]:
    """Opens the store, writes a setting and reads it back; also tells whether a support channel
    has been chosen (None: unknown)."""

    def probe() -> bool:
        with contextlib.closing(open_store(settings.store_config())) as opened:
            stamp = {"at": dt.datetime.now(dt.UTC).isoformat()}
            opened.set_setting(WRITE_CHECK, stamp)
            if opened.get_setting(WRITE_CHECK) != stamp:
                raise RuntimeError("what was written could not be read back")
            return opened.get_setting(SUPPORT_CHANNEL) is not None

    where = _store_where(settings)
    try:
        channel = _within(timeout, probe)
    except _TimedOut:
        text = f"{where} did not answer within {timeout:g} s"
    except Exception as exc:  # the backends' own errors; they never hold the secret
        text = f"{where} cannot be used: {type(exc).__name__}: {exc}"
    else:
        return [_ok("store", f"{where} is reachable and writable")], channel
    fix = (
        "check AZURE_STORAGE_ACCOUNT_URL (and the identity's role on the account) or "
        "AZURE_STORAGE_CONNECTION_STRING, and the network"
        if settings.store_backend == "blob"
        else "check ASSISTANT_DB: its folder must exist or be creatable, and be writable"
    )
    return [Finding(Level.BLOCKER, "store", " ".join(text.split()), fix)], None


def tickets(settings: Settings, channel: bool | None) -> list[Finding]:
    """Where tickets go: the support channel (chosen in Teams), e-mail (SMTP), or nowhere."""
    config = settings.smtp_config()
    found: list[Finding] = []
    if channel:
        found.append(_ok("tickets", "a support channel has been chosen in Teams"))
    if config is None:
        if channel is None:
            found.append(
                Finding(
                    Level.WARNING,
                    "tickets",
                    "SMTP_HOST is not set, and whether a support channel has been chosen is "
                    "unknown (the store cannot be read)",
                    "fix the store, then run the doctor again",
                )
            )
        elif not channel:
            found.append(
                Finding(
                    Level.BLOCKER,
                    "tickets",
                    "tickets reach nobody: no support channel has been chosen and SMTP_HOST "
                    "is not set",
                    "set SMTP_HOST and SMTP_FROM to e-mail each ticket to its contact, and/or "
                    "have someone on SUPPORT_ADMINS type “use this channel for support” in the "
                    "support team's channel",
                )
            )
        return found
    try:
        check_sender(config)
    except MailError as exc:
        found.append(
            Finding(
                Level.BLOCKER,
                "e-mail",
                f"tickets cannot be e-mailed: {exc}",
                "check SMTP_HOST, SMTP_PORT, SMTP_STARTTLS, SMTP_USERNAME, SMTP_PASSWORD and "
                "SMTP_FROM (the server must accept this sender)",
            )
        )
    else:
        found.append(_ok("e-mail", f"{config.server} accepts the sender {config.sender}"))
    return found


# --------------------------------------------------------------------------- the command


def examine(settings: Settings, *, store_timeout: float = STORE_TIMEOUT_SECONDS) -> list[Finding]:
    """Every finding, in the order they are printed."""
    store_findings, channel = store(settings, store_timeout)
    return [
        *data(settings),
        *identity(settings),
        *audience(settings),
        *links(settings),
        *store_findings,
        *tickets(settings, channel),
        telemetry(settings),
    ]


def report(findings: list[Finding], out: TextIO) -> ExitCode:
    for f in findings:
        out.write(f"{f.level:<8} {f.topic:<15} {f.text}\n")
        if f.fix and f.level is not Level.OK:
            out.write(f"{'':<8} {'':<15} fix: {f.fix}\n")
    blockers = sum(f.level is Level.BLOCKER for f in findings)
    warnings = sum(f.level is Level.WARNING for f in findings)
    verdict = "not ready to go live" if blockers else "ready to go live"
    out.write(f"doctor: {blockers} blocker(s), {warnings} warning(s): {verdict}\n")
    return ExitCode.FAILED if blockers else ExitCode.OK
