"""The composition root: configuration -> catalogue -> core -> state -> dialogs -> bot -> adapter
-> web app, wired in one place. ``python app.py`` serves on $PORT (default 3978)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from aiohttp import web
from botbuilder.core import ConversationState, Storage, TurnContext, UserState
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity

from bot.assistant import Assistant
from bot.catalogue import load_catalogue
from bot.feedback import FeedbackLog
from bot.mail import smtp_config
from bot.settings import Settings
from bot.sqlite_storage import SqliteStorage
from bot.store import SqliteStore
from bot.teams_bot import InteractBot, error_handler
from bot.teams_support import SupportDesk
from dialogs.conversation import Conversation
from dialogs.escalation_dialog import EscalationDialog
from dialogs.main_dialog import MainDialog
from dialogs.role_dialog import RoleDialog

log = logging.getLogger("interact.app")

ASSISTANT = web.AppKey("assistant", Assistant)
ADAPTER = web.AppKey("adapter", CloudAdapter)
BOT = web.AppKey("bot", TeamsActivityHandler)
DESK = web.AppKey("desk", SupportDesk)
WORKER_TASK = web.AppKey("worker_task", asyncio.Task)


async def _start_worker(app: web.Application) -> None:
    """Deliveries (support channel, e-mail, notifications) run in the background, retried."""
    app[WORKER_TASK] = asyncio.create_task(app[DESK].worker.run())


async def _stop_worker(app: web.Application) -> None:
    """Graceful: the worker finishes the delivery it is on, then the store is closed."""
    app[DESK].worker.stop()
    await app[WORKER_TASK]
    app[DESK].store.close()


@dataclass(frozen=True)
class Components:
    assistant: Assistant
    conversation_state: ConversationState
    user_state: UserState
    bot: InteractBot
    desk: SupportDesk
    on_error: Callable[[TurnContext, Exception], Awaitable[None]]


def build_bot(settings: Settings, storage: Storage | None = None) -> Components:
    """Configuration -> catalogue -> core -> store and state -> dialogs -> bot (no web server).

    The SQLite store at ``settings.store_path`` holds the tickets and, unless ``storage`` is
    given (tests pass ``MemoryStorage``), the bot's conversation, user and dialog state too."""
    catalogue = load_catalogue(settings.data_dir).with_portal(
        register_url=settings.register_url, all_communities_url=settings.all_communities_url
    )
    assistant = Assistant(catalogue)
    store = SqliteStore(settings.store_path)
    storage = storage or SqliteStorage(store)
    conversation_state = ConversationState(storage)
    user_state = UserState(storage)

    def now() -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    conversation = Conversation(
        assistant=assistant,
        profile=user_state.create_property("profile"),
        history=conversation_state.create_property("history"),
        feedback=FeedbackLog(settings.feedback_path),
        today=settings.date_today,
        now=now,
    )
    desk = SupportDesk(
        store, smtp_config(settings), settings.app_id, now, admins=settings.support_admins
    )
    dialog = MainDialog(
        conversation, RoleDialog(conversation), EscalationDialog(conversation, desk)
    )
    bot = InteractBot(conversation, conversation_state, user_state, dialog, desk)
    return Components(
        assistant, conversation_state, user_state, bot, desk, error_handler(conversation_state)
    )


def create_app(settings: Settings, storage: Storage | None = None) -> web.Application:
    """The web app: the bot behind a CloudAdapter, plus the health endpoint."""
    parts = build_bot(settings, storage)
    auth_config = SimpleNamespace(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.app_tenant_id,
    )
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(auth_config))
    adapter.on_turn_error = parts.on_error
    parts.desk.attach(adapter)

    app = web.Application(client_max_size=settings.max_body_bytes)
    app[ASSISTANT] = parts.assistant
    app[ADAPTER] = adapter
    app[BOT] = parts.bot
    app.on_startup.append(_start_worker)
    app.on_cleanup.append(_stop_worker)
    app[DESK] = parts.desk
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return app


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def messages(request: web.Request) -> web.Response:
    """Bot Framework activities in; malformed requests refused with the right status."""
    if request.content_type != "application/json":
        return _error(415, "Content-Type must be application/json")
    limit = request.app._client_max_size  # the same limit aiohttp enforces while reading
    if request.content_length is not None and request.content_length > limit:
        return _error(413, f"body larger than {limit} bytes")
    try:
        body = json.loads(await request.read())
    except web.HTTPRequestEntityTooLarge:
        return _error(413, f"body larger than {limit} bytes")
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return _error(400, "body is not valid JSON")
    if not isinstance(body, dict):
        return _error(400, "body must be a JSON object (an activity)")
    try:
        activity = Activity().deserialize(body)
    except Exception:
        return _error(400, "body is not a valid activity")
    if not isinstance(activity.type, str) or not activity.type:
        return _error(400, "activity has no type")
    auth_header = request.headers.get("Authorization", "")
    try:
        invoke = await request.app[ADAPTER].process_activity(
            auth_header, activity, request.app[BOT].on_turn
        )
    except PermissionError:
        return _error(401, "unauthorized")
    if invoke is not None:
        return web.json_response(invoke.body, status=invoke.status)
    return web.Response(status=201)


async def healthz(request: web.Request) -> web.Response:
    catalogue = request.app[ASSISTANT].catalogue
    return web.json_response(
        {"status": "ok", "catalogue": {"version": catalogue.version, **catalogue.counts()}}
    )


def main() -> None:
    settings = Settings.from_env(os.environ, dotenv=Path(".env"))
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if not settings.auth_enabled:
        log.warning(
            "MicrosoftAppId is not set: authentication is OFF (local testing only). "
            "Set MicrosoftAppId and MicrosoftAppPassword to run in Teams."
        )
    app = create_app(settings)
    log.info("serving on http://%s:%d/api/messages", settings.host, settings.port)
    web.run_app(app, host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
