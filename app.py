"""The composition root: configuration -> catalogue -> core -> state -> dialogs -> bot -> adapter
-> web app, wired in one place. ``python app.py`` serves on $PORT (default 3978)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import errno
import json
import logging
import os
import re
import signal
import socket
import sqlite3
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NoReturn

import jwt
from aiohttp import web
from botbuilder.core import (
    ConversationState,
    Storage,
    TurnContext,
    UserState,
)
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity, ActivityTypes, CallerIdConstants
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
)

from bot.assistant import Assistant, AssistantHolder, ReloadError, ReloadNotShared
from bot.core.catalogue import Catalogue, CatalogueError, load_catalogue
from bot.core.learning import Loaded, load_understanding
from bot.exits import ExitCode, data_error_line
from bot.ops.background import Background
from bot.ops.feedback import Analytics
from bot.ops.guards import (
    RATE_LIMITED_TEXT,
    Rate,
    RateLimiter,
    activity_tenants,
    service_url_allowed_without_auth,
    tenant_allowed,
)
from bot.ops.logs import (
    ThrottledLoopErrors,
    correlation_id,
    new_correlation_id,
    setup_logging,
)
from bot.ops.pools import Pool
from bot.ops.redaction import install_log_redaction
from bot.ops.telemetry import SERVER, Telemetry
from bot.settings import Settings, SettingsError
from bot.teams import signing_keys
from bot.teams.bot import InteractBot, error_handler, parse_activity
from bot.teams.connector import EdgeAuthentication, Retrying
from bot.teams.privacy import UserData
from bot.teams.signing_keys import SigningKeysUnavailable
from bot.teams.storage import (
    ConversationSnapshots,
    PrivateSnapshots,
    SqliteStorage,
    TurnLeases,
    UserSnapshots,
    save_now,
)
from bot.teams.support import SupportDesk
from bot.tickets.model import TicketQuota
from bot.tickets.store.contract import Store, StoreError, TicketStore
from bot.tickets.store.factory import open_store
from dialogs.conversation import Conversation
from dialogs.escalation_dialog import EscalationDialog
from dialogs.forget_dialog import ForgetDialog
from dialogs.main_dialog import MainDialog
from dialogs.role_dialog import RoleDialog

log = logging.getLogger("interact.app")

TELEMETRY = web.AppKey("telemetry", Telemetry)  # off (does nothing) unless configured
CONTENT = web.AppKey("content", AssistantHolder)  # the assistant in force (reloadable)
ADAPTER = web.AppKey("adapter", CloudAdapter)
BOT = web.AppKey("bot", TeamsActivityHandler)
DESK = web.AppKey("desk", SupportDesk)
BACKGROUND = web.AppKey("background", Background)
WORKER_TASK = web.AppKey("worker_task", asyncio.Task)
RELOADS: web.AppKey[set[asyncio.Task[None]]] = web.AppKey("reloads", set)
RELOAD_WATCH: web.AppKey[asyncio.Task[None]] = web.AppKey("reload_watch", asyncio.Task)
RELOAD_POLL_SECONDS = web.AppKey("reload_poll_seconds", float)
ALLOWED_TENANTS: web.AppKey[frozenset[str]] = web.AppKey("allowed_tenants", frozenset)
RATE_LIMITER = web.AppKey("rate_limiter", RateLimiter)
STOPPING = web.AppKey("stopping", asyncio.Event)  # set when shutdown begins: /readyz says 503
AUTH_REQUIRED = web.AppKey("auth_required", bool)  # an app id is set: tokens are checked
# ... and only the channels' tokens are taken (not the Emulator's: ALLOW_EMULATOR_TOKENS)
CHANNEL_TOKENS_ONLY = web.AppKey("channel_tokens_only", bool)
CHANNEL_ISSUER = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
CORRELATION_HEADER = "X-Correlation-Id"
READY_TIMEOUT_SECONDS = 5.0
BODY_TIMEOUT_SECONDS = 10.0  # to receive a request's body, once its headers are in
STORE_THREADS = 8  # the store's own pool: every store call, and nothing else (build_bot)
ANALYTICS_THREADS = 2  # of STORE_THREADS at the most for analytics writes (no reply waits)
ANALYTICS_QUEUE = 500  # analytics writes waiting at the most; more are dropped and counted
FLUSH_SECONDS = 5.0  # at shutdown, for the queued analytics writes to finish


async def _reload_on_sighup(app: web.Application) -> None:
    """SIGHUP reloads the content (where the platform and the thread allow a handler)."""
    app[RELOADS] = set()

    def reload() -> None:
        task = asyncio.ensure_future(app[RELOAD].quietly())
        app[RELOADS].add(task)  # kept until done (the loop holds tasks weakly)
        task.add_done_callback(app[RELOADS].discard)

    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, reload)
    except (AttributeError, NotImplementedError, RuntimeError, ValueError):
        log.info("no SIGHUP here: content reloads by the chat command only")


async def _stop_reload_on_sighup(app: web.Application) -> None:
    with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError, ValueError):
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
    for task in list(app.get(RELOADS, ())):
        await task


async def _watch_reload_requests(app: web.Application) -> None:
    """Every instance takes up a "reload catalogue" asked on another (Reloader.watch)."""
    app[RELOAD_WATCH] = asyncio.create_task(app[RELOAD].watch(app[RELOAD_POLL_SECONDS]))


async def _stop_watching_reload_requests(app: web.Application) -> None:
    task = app[RELOAD_WATCH]
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _throttle_loop_errors(app: web.Application) -> None:
    """asyncio's error reports (e.g. "socket.accept() out of system resource", hundreds a
    second when file descriptors run out), each kind at most once a minute (bot.ops.logs)."""
    asyncio.get_running_loop().set_exception_handler(ThrottledLoopErrors())


async def _start_worker(app: web.Application) -> None:
    """Deliveries (support channel, e-mail, notifications) run in the background, retried.
    Without a support channel and without SMTP no ticket reaches Interact by itself: say so."""
    if not (await app[DESK].reach()).automatic:
        log.warning(
            "no delivery channel for support requests: no support channel is chosen and SMTP_HOST "
            "is not set, so users are asked to send the e-mail themselves (an admin types 'use "
            "this channel for support' in a team channel, or set SMTP_HOST)"
        )
    app[WORKER_TASK] = asyncio.create_task(app[DESK].worker.run())


async def _stop_worker(app: web.Application) -> None:
    """Graceful: the worker finishes the delivery it is on, then the store is closed."""
    app[DESK].worker.stop()
    await app[WORKER_TASK]
    await app[BACKGROUND].close(FLUSH_SECONDS)  # the analytics queued, before the store closes
    app[DESK].store.close()
    app[DESK].pool.close()


@dataclass(frozen=True)
class Components:
    content: AssistantHolder
    reload: Reloader
    conversation_state: ConversationState
    user_state: UserState
    bot: InteractBot
    desk: SupportDesk
    background: Background
    on_error: Callable[[TurnContext, Exception], Awaitable[None]]

    @property
    def assistant(self) -> Assistant:
        return self.content.current


Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def load_content(settings: Settings) -> Catalogue:
    """The catalogue of ``settings.data_dir``, with the portal's links configuration sets."""
    return load_catalogue(settings.data_dir).with_portal(
        register_url=settings.register_url,
        all_communities_url=settings.all_communities_url,
        privacy_url=settings.privacy_url,  # "help" links to it, as the Teams app does
    )


def load_assistant(
    settings: Settings,
    detect: Callable[[str], str] | None = None,
    understanding: Loaded | None = None,
) -> Assistant:
    """The assistant of ``settings.data_dir``: the catalogue checked as ``bot check`` does
    (CatalogueError, TrainingError), the saved understanding model if it matches the data,
    else one trained now (a stale model is never served)."""
    catalogue = load_content(settings)
    understanding = understanding or load_understanding(settings.data_dir, catalogue)
    if understanding.retrained:
        log.warning("understanding model: %s; trained a fresh one", understanding.retrained)
    return Assistant(
        catalogue, detect, model=understanding.model, languages=understanding.languages
    )


# Store setting: the last "reload catalogue" an admin asked for, on any instance ({"id", "at"}).
RELOAD_REQUEST = "content_reload"


class Reloader:
    """Takes up edited content (SIGHUP, or a support admin's "reload catalogue"): loads and
    checks the data folder in a thread, retrains if needed, and swaps the new assistant in;
    on any error the old one keeps serving and the error is logged and raised (ReloadError).
    One reload at a time.

    Several instances: the chat command reaches one of them, which reloads (``everywhere``) and
    records a reload request in the store; every instance's ``watch`` sees a request it has
    not seen and reloads from its own data folder (``ASSISTANT_DATA_DIR``)."""

    def __init__(
        self,
        settings: Settings,
        content: AssistantHolder,
        detect: Callable[[str], str] | None = None,
        *,
        store: TicketStore,
        pool: Pool,
        now: Clock,
    ) -> None:
        self.settings = settings
        self.content = content
        self.detect = detect
        self.store = store
        self.pool = pool  # the store's
        self.now = now
        self._lock = asyncio.Lock()
        self._seen: str | None = None  # the request this instance has taken up
        self._known = False  # whether _seen was read from the store yet

    async def __call__(self) -> str:
        """Reload; the version now in force."""
        async with self._lock:
            old = self.content.current.catalogue.version
            try:
                new = await asyncio.to_thread(load_assistant, self.settings, self.detect)
            except CatalogueError as exc:
                problem = data_error_line(exc, self.settings.data_dir)
            except Exception as exc:  # a training file, an unreadable folder ...
                problem = f"{self.settings.data_dir}: {type(exc).__name__}: {exc}"
            else:
                self.content.swap(new)
                log.info("catalogue reloaded: version %s (was %s)", new.catalogue.version, old)
                return new.catalogue.version
            log.error("catalogue reload refused, version %s keeps serving: %s", old, problem)
            raise ReloadError(problem)

    async def quietly(self) -> None:
        """Reload, the outcome only logged (SIGHUP: nobody to tell)."""
        with contextlib.suppress(ReloadError):
            await self()

    async def everywhere(self) -> str:
        """The chat command: reload here (ReloadError: refused, and asked of nobody else), then
        record the request for the other instances (ReloadNotShared: the store failed); the
        version now in force here."""
        version = await self()
        request = uuid.uuid4().hex
        self._seen, self._known = request, True  # this instance has taken it up already
        try:
            await self.pool.run(
                self.store.set_setting,
                RELOAD_REQUEST,
                {"id": request, "at": self.now().isoformat()},
            )
        except Exception as exc:  # this instance serves the new content; the others do not
            problem = f"the store failed: {type(exc).__name__}"
            log.error(
                "catalogue reloaded here, but the request for the other instances could not "
                "be recorded: %s: %s",
                type(exc).__name__,
                exc,
            )
            raise ReloadNotShared(version, problem) from exc
        return version

    async def check(self) -> bool:
        """Reload if another instance recorded a request this one has not taken up; whether it
        tried. The first look only learns the request in force (the content was loaded since)."""
        found = await self.pool.run(self.store.get_setting, RELOAD_REQUEST)
        request = str((found or {}).get("id") or "") or None
        if not self._known:
            self._seen, self._known = request, True
            return False
        if request is None or request == self._seen:
            return False
        self._seen = request
        log.info("catalogue reload asked on another instance: reloading")
        await self.quietly()
        return True

    async def watch(self, poll_seconds: float) -> None:
        """``check`` every ``poll_seconds`` until cancelled; a store that fails is logged once
        (and its recovery), never fatal."""
        failing = False
        while True:
            try:
                await self.check()
            except Exception as exc:
                if not failing:
                    log.warning(
                        "cannot look for catalogue reload requests in the store: %s: %s",
                        type(exc).__name__,
                        exc,
                    )
                failing = True
            else:
                if failing:
                    log.info("looking for catalogue reload requests in the store again")
                failing = False
            await asyncio.sleep(poll_seconds)


RELOAD = web.AppKey("reload", Reloader)


def build_bot(
    settings: Settings,
    storage: Storage | None = None,
    *,
    catalogue: Catalogue | None = None,
    store: Store | None = None,
    now: Clock = utc_now,
    detect: Callable[[str], str] | None = None,
    understanding: Loaded | None = None,
    telemetry: Telemetry | None = None,
) -> Components:
    """Configuration -> catalogue -> core -> store and state -> dialogs -> bot (no web server).

    Each collaborator is made from ``settings`` unless it is given: the catalogue
    (``load_content``), the store (``open_store``: the SQLite file, or Azure Blob Storage) that
    holds the tickets and, unless ``storage`` is given (tests pass ``MemoryStorage``), the
    bot's conversation, user and dialog state too, and the clock. The understanding model
    (``load_understanding``: the saved model, or a fresh one when it is stale) comes with the
    catalogue of ``settings``; with a catalogue given and no ``understanding``, the exact rules
    alone understand messages. ``detect`` (text -> language) defaults to the understanding's.
    ``telemetry`` (off unless given) gets the store's and SMTP's spans and the turn events."""
    telemetry = telemetry or Telemetry()
    if catalogue is None:
        assistant = load_assistant(settings, detect, understanding)
    elif understanding is None:
        assistant = Assistant(catalogue, detect)
    else:
        assistant = Assistant(
            catalogue, detect, model=understanding.model, languages=understanding.languages
        )
    content = AssistantHolder(assistant)
    store = store or open_store(settings.store_config())  # SQLite, or Azure Blob (ASSISTANT_STORE)
    # Every store call runs in this pool and nothing else does (bot/ops/pools.py): the store
    # neither waits for nor holds up other blocking work (outgoing HTTP, SMTP: pools of their own).
    pool = Pool("store", STORE_THREADS, telemetry)
    reload = Reloader(settings, content, detect, store=store, pool=pool, now=now)
    # Analytics no reply waits for: a bounded queue, a few pool threads (bot/ops/background.py)
    background = Background(pool, workers=ANALYTICS_THREADS, limit=ANALYTICS_QUEUE)
    # Several instances share the Blob container: a conversation's turns take a lease there.
    blob = storage is None and settings.store_backend == "blob"
    leases = TurnLeases(store, pool) if blob else None
    storage = storage or SqliteStorage(store, pool)
    conversation_state = ConversationSnapshots(storage)
    user_state = UserSnapshots(storage)  # only whether the user was welcomed
    # What a user told the bot stays in the conversation where it was told (issue 11, 4).
    private_state = PrivateSnapshots(storage)
    conversation = Conversation(
        content=content,
        memory=private_state.create_property("memory"),
        history=private_state.create_property("history"),
        analytics=Analytics(store, dt.timedelta(days=settings.fallback_retention_days)),
        today=settings.date_today,
        now=now,
        background=background,
        telemetry=telemetry,
    )
    desk = SupportDesk(
        store,
        settings.smtp_config(),
        settings.app_id,
        now,
        content,  # the desk's texts come from the assistant in force, as the dialogs' do
        admins=settings.support_admins,
        agents=settings.support_agents,
        lease=dt.timedelta(seconds=settings.delivery_lease_seconds),
        quota=TicketQuota(settings.tickets_per_user_per_day, settings.tickets_per_tenant_per_day),
        pool=pool,
        telemetry=telemetry,
        retention_days=settings.ticket_retention_days,
    )
    # "forget me": every chat's private state, the profile, the tickets' personal data.
    user_data = UserData(storage, store, pool, now, conversation_state, user_state, private_state)
    dialog = MainDialog(
        conversation,
        RoleDialog(conversation),
        EscalationDialog(conversation, desk, partial(save_now, conversation_state, storage)),
        ForgetDialog(conversation, user_data),
    )
    bot = InteractBot(
        conversation,
        conversation_state,
        user_state,
        private_state,
        dialog,
        desk,
        leases,
        reload.everywhere,
        user_data,
    )
    return Components(
        content,
        reload,
        conversation_state,
        user_state,
        bot,
        desk,
        background,
        error_handler(conversation_state, conversation.texts),
    )


def make_telemetry(settings: Settings) -> Telemetry:
    """OpenTelemetry as configured (bot.ops.otel: imported only then), else telemetry off."""
    if settings.telemetry is None:
        return Telemetry()
    from bot.ops.otel import build_telemetry

    return build_telemetry(settings.telemetry)


def auth_config(settings: Settings) -> SimpleNamespace:
    """botbuilder's authentication configuration. The public cloud's endpoints, issuer and
    caller id are spelled out (the values botbuilder uses when none are given) so that the
    address of the token signing keys can be set (``openid_metadata_url``: the tests publish
    their own keys) while every check stays the one production runs."""
    return SimpleNamespace(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.app_tenant_id,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX,
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        OAUTH_URL=AuthenticationConstants.OAUTH_URL,
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=(
            settings.openid_metadata_url
            or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
        ),
        TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL=(
            settings.emulator_openid_metadata_url
            or AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
        ),
        CALLER_ID=CallerIdConstants.public_azure_channel,
    )


def create_app(
    settings: Settings,
    storage: Storage | None = None,
    *,
    catalogue: Catalogue | None = None,
    store: Store | None = None,
    now: Clock = utc_now,
    retrying: Retrying | None = None,
    detect: Callable[[str], str] | None = None,
    telemetry: Telemetry | None = None,
) -> web.Application:
    """The web app: the bot behind a CloudAdapter, plus the health endpoints. The collaborators
    are ``build_bot``'s, and the retry rules of the requests sent to the Bot Connector
    (``Retrying()``, msrest's own settings within a budget, unless given). ``telemetry``: as
    ``settings`` say (``make_telemetry``: off unless configured) unless given."""
    secrets = [settings.app_password, settings.smtp_password]
    secrets.append(settings.azure_storage_connection_string)
    if settings.telemetry is not None:
        secrets.append(settings.telemetry.azure_connection_string)
        secrets += settings.telemetry.otlp_headers.values()
    install_log_redaction(secrets)
    telemetry = telemetry or make_telemetry(settings)
    parts = build_bot(
        settings,
        storage,
        catalogue=catalogue,
        store=store,
        now=now,
        detect=detect,
        telemetry=telemetry,
    )
    # the signing keys: fetched without blocking, once at a time, refreshed for a new key id:
    # bot/teams/signing_keys.py
    signing_keys.install()
    # Connector clients (and their msrest retry policies) built once, not per turn:
    # bot/teams/connector.py
    edge = EdgeAuthentication(
        ConfigurationBotFrameworkAuthentication(auth_config(settings)),
        retrying=retrying,
        telemetry=telemetry,
    )
    adapter = CloudAdapter(edge)
    adapter.on_turn_error = parts.on_error
    parts.desk.attach(adapter)

    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[_correlate],
        # a body left unread (refused before or while reading it) closes the connection at
        # once; aiohttp would otherwise go on reading it for 10 s ("lingering")
        handler_args={"lingering_time": 0.0},
    )
    app[TELEMETRY] = telemetry
    app[STOPPING] = asyncio.Event()
    app.on_shutdown.append(_stopping)
    app[CONTENT] = parts.content
    app[RELOAD] = parts.reload
    app.on_startup.append(_reload_on_sighup)
    app.on_cleanup.append(_stop_reload_on_sighup)
    app[RELOAD_POLL_SECONDS] = float(settings.content_reload_poll_seconds)
    app.on_startup.append(_watch_reload_requests)
    app.on_cleanup.append(_stop_watching_reload_requests)
    app[ADAPTER] = adapter
    app[BOT] = parts.bot
    app.on_startup.append(_throttle_loop_errors)
    app.on_startup.append(_start_worker)
    app.on_cleanup.append(_stop_worker)
    app.on_cleanup.append(lambda _app: _close(edge))
    app.on_cleanup.append(_close_telemetry)  # last: what the cleanup itself traced is sent too
    app[DESK] = parts.desk
    app[BACKGROUND] = parts.background
    app[ALLOWED_TENANTS] = settings.allowed_tenants
    app[AUTH_REQUIRED] = settings.auth_enabled
    app[CHANNEL_TOKENS_ONLY] = settings.auth_enabled and not settings.allow_emulator_tokens
    app[RATE_LIMITER] = RateLimiter(settings.rate_limit_per_minute)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


@web.middleware
async def _correlate(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """One correlation id per request, on every log record made while it is handled
    (bot.ops.logs): the caller's X-Correlation-Id, else (set in ``messages``) the activity's id,
    else a fresh one. The response carries it back; the request is logged with it (this is
    the access log: ``main`` turns aiohttp's own off). With telemetry on, the request is a
    span (health probes excepted) carrying the correlation id, the parent of the outgoing
    calls' spans and of the turn's event."""
    token = correlation_id.set(new_correlation_id(request.headers.get(CORRELATION_HEADER)))
    started = time.perf_counter()
    probe = request.path in ("/healthz", "/readyz")  # every few seconds: not at INFO
    try:
        if probe:
            response = await handler(request)
        else:
            response = await _traced(request, handler)
        response.headers[CORRELATION_HEADER] = correlation_id.get() or ""
        log.log(
            logging.DEBUG if probe else logging.INFO,
            "%s %s %d %.0f ms",
            request.method,
            request.path,
            response.status,
            (time.perf_counter() - started) * 1000,
        )
        return response
    finally:
        correlation_id.reset(token)


async def _traced(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """The request as a span: its route (never the path as sent), method, status and
    correlation id (known once the activity is read)."""
    resource = request.match_info.route.resource
    route = resource.canonical if resource is not None else "unmatched"
    attributes = {"http.request.method": request.method, "http.route": route}
    with request.app[TELEMETRY].span(f"{request.method} {route}", SERVER, attributes) as span:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            span.set("http.response.status_code", exc.status)
            raise
        finally:
            span.set("interact.correlation_id", correlation_id.get() or "")
        span.set("http.response.status_code", response.status)
        if response.status >= 500:
            span.error(str(response.status))
        return response


async def _close_telemetry(app: web.Application) -> None:
    await asyncio.to_thread(app[TELEMETRY].close)  # a last export may take a moment


async def _close(edge: EdgeAuthentication) -> None:
    edge.close()


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _closing(response: web.Response) -> web.Response:
    """The answer to a request whose body was not (all) read: ``Connection: close``, and the
    connection is closed after it (``lingering_time`` is 0)."""
    response.force_close()
    return response


def _bearer_token(header: str | None) -> bool:
    """The Authorization header is ``Bearer <JWT>``, the only form botbuilder accepts (it
    checks the token itself later, once the activity is read)."""
    scheme, _, token = (header or "").partition(" ")
    return scheme == "Bearer" and token.count(".") == 2 and " " not in token


def _token_issuer(header: str | None) -> str | None:
    """The ``iss`` a bearer token claims, unverified (botbuilder picks its checks by it: the
    channels' issuer, or the Emulator's and skills' AAD tenants); None if it has none."""
    try:
        claims = jwt.decode((header or "").partition(" ")[2], options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    return issuer if isinstance(issuer, str) else None


def _header_refusal(request: web.Request) -> web.Response | None:
    """The refusal of a request whose Authorization header cannot be good, before its body is
    read: no bearer token, or (authentication on, no ALLOW_EMULATOR_TOKENS) a token not issued
    to channels: botbuilder checks no serviceurl claim on the Emulator's, so the bot would post
    its own token wherever such a request says."""
    header = request.headers.get("Authorization")
    if request.app[AUTH_REQUIRED] and not _bearer_token(header):
        # refused before the body is read: no token, no connection held open for its body
        log.info("request refused, not authenticated: no bearer token")
        return _closing(_error(401, "unauthorized"))
    if request.app[CHANNEL_TOKENS_ONLY] and _token_issuer(header) != CHANNEL_ISSUER:
        log.warning(
            "request refused, not authenticated: the token is not a channel's (issuer %.100r); "
            "Emulator tokens need ALLOW_EMULATOR_TOKENS=true (development only)",
            _token_issuer(header),
        )
        return _closing(_error(401, "unauthorized"))
    return None


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_body(raw: bytes) -> Any:
    """The request's JSON, with lone surrogates (``\\ud800`` escapes: valid JSON, but no
    text) replaced by U+FFFD, so that every string can be written out (logs, store, e-mail)."""
    body = json.loads(raw)
    if _SURROGATE_ESCAPE.search(raw):  # pairs are joined by the parser: any left are lone
        body = json.loads(_SURROGATE.sub("\ufffd", json.dumps(body, ensure_ascii=False)))
    return body


async def messages(request: web.Request) -> web.Response:
    """Bot Framework activities in; malformed requests refused with the right status."""
    read = await _read_activity(request)
    if isinstance(read, web.Response):
        return read
    body, activity = read
    if CORRELATION_HEADER not in request.headers and activity.id:
        correlation_id.set(new_correlation_id(activity.id))
    adapter = request.app[ADAPTER]
    auth = await _authenticate(adapter, activity, request.headers.get("Authorization") or None)
    if isinstance(auth, web.Response):
        return auth
    if (
        request.app[CHANNEL_TOKENS_ONLY]
        and auth.claims_identity.claims.get("iss") != CHANNEL_ISSUER
    ):
        log.warning("request refused, not authenticated: the checked token is not a channel's")
        return _error(401, "unauthorized")
    refusal = _guard(request.app, body, activity, auth.claims_identity)
    if refusal is not None:
        return refusal
    logic = request.app[BOT].on_turn
    if activity.type == ActivityTypes.message:
        rate = request.app[RATE_LIMITER].check(activity.conversation.id)
        if rate is Rate.DROP:
            return web.Response(status=202)
        if rate is Rate.WARN:
            log.info("a conversation is over the rate limit: told once, then ignored a while")
            logic = _rate_limited
    invoke = await adapter.process_activity(auth, activity, logic)
    if invoke is not None:
        return web.json_response(invoke.body, status=invoke.status)
    return web.Response(status=201)


async def _read_activity(request: web.Request) -> tuple[dict[str, Any], Activity] | web.Response:
    """The request's activity (and its JSON), or the refusal of a malformed request."""
    raw = await _read_body(request)
    if isinstance(raw, web.Response):
        return raw
    try:
        body = _json_body(raw)
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, an int over Python's digit limit
        return _error(400, "body is not valid JSON")
    if not isinstance(body, dict):
        return _error(400, "body must be a JSON object (an activity)")
    try:
        return body, parse_activity(body)
    except ValueError as exc:
        return _error(400, str(exc))


async def _read_body(request: web.Request) -> bytes | web.Response:
    """The request's body, or the refusal of a request whose body must not or did not arrive."""
    if request.content_type != "application/json":
        return _error(415, "Content-Type must be application/json")
    limit = request.app._client_max_size  # the same limit aiohttp enforces while reading
    if request.content_length is not None and request.content_length > limit:
        return _closing(_error(413, f"body larger than {limit} bytes"))
    refusal = _header_refusal(request)
    if refusal is not None:
        return refusal
    try:
        async with asyncio.timeout(BODY_TIMEOUT_SECONDS):
            return await request.read()
    except TimeoutError:
        log.info("request refused: its body did not arrive within %g s", BODY_TIMEOUT_SECONDS)
        return _closing(_error(408, "the request body did not arrive in time"))
    except (ConnectionError, RuntimeError):  # the caller left mid-body ("Connection closed.")
        return _closing(_error(400, "the connection closed before the body arrived"))
    except web.HTTPRequestEntityTooLarge:
        return _closing(_error(413, f"body larger than {limit} bytes"))


async def _authenticate(
    adapter: CloudAdapter, activity: Activity, authorization: str | None
) -> AuthenticateRequestResult | web.Response:
    """The Bot Framework's verdict on the request's token, or the refusal (401, or 503 when the
    token cannot be checked now)."""
    try:
        auth = await adapter.bot_framework_authentication.authenticate_request(
            activity, authorization
        )
    except SigningKeysUnavailable as exc:
        # no signing keys known and the key host out of reach: the token cannot be checked
        # now. That is not the caller's fault, nor a reason to let in.
        log.warning("cannot check a token: the signing keys are out of reach (%s)", exc)
        return _error(503, "cannot verify the request now; try again later")
    except Exception as exc:  # PermissionError, and PyJWT's and botbuilder's own bad-token errors
        log.info("request refused, not authenticated: %s: %s", type(exc).__name__, exc)
        return _error(401, "unauthorized")
    if auth.claims_identity.claims and "exp" not in auth.claims_identity.claims:
        # PyJWT checks an expiry only if there is one: a token without would be good forever
        log.info("request refused, not authenticated: the token has no expiry")
        return _error(401, "unauthorized")
    return auth


def _guard(
    app: web.Application, body: dict[str, Any], activity: Activity, identity: ClaimsIdentity
) -> web.Response | None:
    """The answer for an activity the bot must not handle (bot.ops.guards), or None."""
    anonymous = (
        identity.authentication_type == AuthenticationConstants.ANONYMOUS_AUTH_TYPE
        or not identity.claims
    )
    if anonymous and not service_url_allowed_without_auth(activity.service_url):
        log.warning(
            "request refused: serviceUrl %.200r is not allowed without authentication",
            activity.service_url,
        )
        return _error(
            400,
            "serviceUrl not allowed: with authentication off, replies go only to this machine "
            "or to the Bot Framework",
        )
    tenants = activity_tenants(body)
    allowed = app[ALLOWED_TENANTS]
    if not tenant_allowed(tenants, allowed):
        log.info("activity ignored: tenant %s is not in ALLOWED_TENANTS", sorted(tenants))
        return web.Response(status=202)
    return None


async def _rate_limited(turn_context: TurnContext) -> None:
    await turn_context.send_activity(RATE_LIMITED_TEXT)


async def healthz(request: web.Request) -> web.Response:
    catalogue = request.app[CONTENT].current.catalogue  # the version in force
    return web.json_response(
        {"status": "ok", "catalogue": {"version": catalogue.version, **catalogue.counts()}}
    )


async def _stopping(app: web.Application) -> None:
    """Shutdown begins: no new traffic should come (readiness fails) while the turns in flight
    finish (aiohttp waits up to ``shutdown_timeout`` for them), then the worker stops."""
    app[STOPPING].set()
    log.info("shutting down: finishing the requests in flight")


async def readyz(request: web.Request) -> web.Response:
    """Readiness (/healthz is liveness): 200 when the catalogue is loaded, the store answers a
    trivial query and the delivery worker runs, else 503 with the reason; 503 too once
    shutdown has begun."""
    if request.app[STOPPING].is_set():
        return _not_ready("shutting down")
    worker = request.app.get(WORKER_TASK)
    if worker is not None and worker.done():  # deliveries would wait forever
        return _not_ready("the delivery worker has stopped")
    catalogue = request.app[CONTENT].current.catalogue
    if not catalogue.counts().get("teams"):
        return _not_ready("the catalogue has no communities")
    desk = request.app[DESK]
    try:
        await asyncio.wait_for(
            desk.pool.run(desk.store.get_setting, "readyz"), timeout=READY_TIMEOUT_SECONDS
        )
    except TimeoutError:
        return _not_ready(f"the store did not answer within {READY_TIMEOUT_SECONDS:g} s")
    except Exception as exc:
        log.warning("not ready: the store fails: %s: %s", type(exc).__name__, exc)
        return _not_ready(f"the store fails ({type(exc).__name__})")
    return web.json_response(
        {"status": "ready", "catalogue": {"version": catalogue.version}, "store": "ok"}
    )


def _not_ready(reason: str) -> web.Response:
    return web.json_response({"status": "unavailable", "reason": reason}, status=503)


def listen(host: str, port: int) -> list[socket.socket]:
    """Bound, listening sockets on every address of ``host`` (as aiohttp would bind them), so
    that a port in use is known before the bot says where it serves."""
    infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _name, address in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(128)  # from here on, connections wait for the server
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def listen_error(host: str, port: int, exc: OSError) -> str:
    """One line saying why the bot cannot listen, and which setting to change."""
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (PORT): stop the other process "
            "or choose another PORT"
        )
    if exc.errno == errno.EACCES:
        return f"not allowed to listen on port {port} (PORT): choose a PORT above 1023"
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host!r} (HOST): not an address of this machine"
    return f"cannot listen on {host}:{port} (HOST, PORT): {exc.strerror or exc}"


def _exit(code: ExitCode, message: str, sockets: Iterable[socket.socket] = ()) -> NoReturn:
    for sock in sockets:
        sock.close()
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)


def main() -> None:
    """``python app.py``. A setting, a data file, the port or the store that stops the bot is
    one line on stderr and an exit code (bot.exits.ExitCode), never a traceback."""
    try:
        settings = Settings.from_env(os.environ, dotenv=Path(".env"))
        settings.check_identity()
    except SettingsError as exc:
        _exit(ExitCode.SETTINGS, str(exc))
    setup_logging(settings.log_level, settings.log_format)
    if not settings.auth_enabled:
        log.warning(
            "MicrosoftAppId is not set: authentication is OFF (local testing only). "
            "Set MicrosoftAppId and MicrosoftAppType to run in Teams (README, configuration)."
        )
    try:
        sockets = listen(settings.host, settings.port)
    except OSError as exc:
        _exit(ExitCode.PORT, listen_error(settings.host, settings.port, exc))
    try:
        app = create_app(settings)
    except CatalogueError as exc:
        _exit(ExitCode.DATA, data_error_line(exc, settings.data_dir), sockets)
    except (StoreError, sqlite3.Error, OSError) as exc:
        where = (
            f"Azure Blob Storage container {settings.azure_storage_container}"
            if settings.store_backend == "blob"
            else f"ASSISTANT_DB={settings.store_path}"
        )
        _exit(ExitCode.STORE, f"cannot open the store ({where}): {exc}", sockets)
    host, port = sockets[0].getsockname()[:2]
    log.info("serving on http://%s:%d/api/messages", f"[{host}]" if ":" in host else host, port)
    web.run_app(
        app,
        sock=sockets,
        print=None,
        shutdown_timeout=settings.shutdown_timeout,  # in-flight turns finish, then cleanup
        access_log=None,  # _correlate logs each request, with its correlation id
    )


if __name__ == "__main__":
    main()
