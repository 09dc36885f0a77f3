"""The Teams edge: a TeamsActivityHandler that turns activities into core calls and sends replies.

This module and ``dialogs/`` are the only places that know botbuilder (with ``app.py``, which
wires them). Handlers stay thin: extract the input, run the dialog or record, send.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any

import botbuilder.schema as schema
import botbuilder.schema.teams as teams_schema
from botbuilder.core import (
    ConversationState,
    InvokeResponse,
    PrivateConversationState,
    StatePropertyAccessor,
    TurnContext,
    UserState,
)
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.dialogs import Dialog, DialogSet, DialogTurnStatus
from botbuilder.schema import (
    Activity,
    AdaptiveCardInvokeResponse,
    AdaptiveCardInvokeValue,
    Attachment,
    ChannelAccount,
)
from botbuilder.schema.teams import (
    MessagingExtensionAttachment,
    MessagingExtensionQuery,
    MessagingExtensionResponse,
    MessagingExtensionResult,
    TeamInfo,
    TeamsChannelData,
)
from msrest.exceptions import DeserializationError
from msrest.serialization import Model

from bot.core.texts import LANGUAGES, ReplyLanguage, Texts
from bot.core.turn import TurnInput, clean_text
from bot.ops.telemetry import TurnEvent
from bot.teams.privacy import UserData
from bot.teams.storage import TurnLeases
from bot.teams.support import SupportDesk
from bot.tickets.store.contract import ConflictError
from cards.builders import (
    CARD_CONTENT_TYPE,
    chosen,
    feedback_given,
    outcome_card,
    welcome_card,
)
from cards.escalation import CONFIRM, FORGET, confirm_card, forget_card, offer_person_card
from cards.extension import search_response
from cards.tickets import TICKET_ACTION, read_ticket_action
from dialogs.conversation import TURN_INPUT, Conversation, card_activity

log = logging.getLogger("interact.bot")


# The invokes this bot answers: its ticket cards' buttons and its search (manifest.json).
HANDLED_INVOKES = frozenset({"adaptiveCard/action", "composeExtension/query"})


class InteractBot(TeamsActivityHandler):
    def __init__(
        self,
        conversation: Conversation,
        conversation_state: ConversationState,
        user_state: UserState,
        private_state: PrivateConversationState,
        dialog: Dialog,
        desk: SupportDesk,
        leases: TurnLeases | None = None,
        reload: Callable[[], Awaitable[str]] | None = None,
        user_data: UserData | None = None,
    ) -> None:
        """``reload``: takes up edited content and returns the version in force (raises
        ReloadError and keeps the old content on an error): the "reload catalogue" command.
        ``user_data``: keeps track of the chats that hold a user's data ("forget me")."""
        self.reload = reload
        self.user_data = user_data
        self.conversation = conversation
        self.desk = desk
        self.conversation_state = conversation_state
        self.user_state = user_state
        self.private_state = private_state
        self.welcomed: StatePropertyAccessor = user_state.create_property("profile")
        self.dialog_state: StatePropertyAccessor = conversation_state.create_property("dialogs")
        self.dialogs = DialogSet(self.dialog_state)
        self.dialogs.add(dialog)
        self.dialog_id = dialog.id
        self._welcome_lock = asyncio.Lock()
        self._turn_locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self.leases = leases  # one turn at a time per conversation across instances too

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if activity.channel_data is None:
            activity.channel_data = {}  # Teams handlers read it; a missing one is not an error
        # One turn at a time per conversation (fast clicks, Teams' twin install events): the
        # state's eTags would otherwise make the second turn's save fail.
        key = activity.conversation.id if activity.conversation else ""
        self.conversation.assistant(turn_context)  # the turn's assistant, taken once: at its start
        lock, users = self._turn_locks.get(key, (asyncio.Lock(), 0))
        self._turn_locks[key] = (lock, users + 1)
        try:
            async with lock, self._lease(key):
                await super().on_turn(turn_context)
                self.conversation.report_unreported(turn_context)
                await self._save(turn_context)
        finally:
            lock, users = self._turn_locks[key]
            if users == 1:
                del self._turn_locks[key]  # nobody waits: keep the map small
            else:
                self._turn_locks[key] = (lock, users - 1)

    def _lease(self, key: str) -> contextlib.AbstractAsyncContextManager[None]:
        if self.leases is None or not key:
            return contextlib.nullcontext()
        return self.leases.hold(key)

    async def _save(self, turn_context: TurnContext) -> None:
        """Save the turn's state. Refused because another instance saved this conversation
        meanwhile (its turn ran past the lease): that state stands, reloaded; nothing is
        deleted and the user is not told of an error that is none."""
        try:
            await self.conversation_state.save_changes(turn_context)
        except ConflictError:
            log.warning("conversation state changed by another instance: keeping that state")
            await self.conversation_state.load(turn_context, force=True)
        await self.user_state.save_changes(turn_context)
        if self.user_data is not None:
            await self.user_data.keep_track(turn_context)
        await self.private_state.save_changes(turn_context)

    # ------------------------------------------------------------------ messages

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        if value.get("action") == "feedback":
            await self._feedback(turn_context, value)
            return
        if value.get("action") == TICKET_ACTION:  # a ticket card's Action.Submit fallback
            await self._ticket_action(turn_context, value)
            return
        turn = self.turn_input(turn_context)
        if turn.command == "support_channel":
            await turn_context.send_activity(await self.desk.use_channel(turn_context))
            return
        if turn.command == "reload_catalogue" and self.reload is not None:
            await turn_context.send_activity(
                await self.desk.reload_content(turn_context, self.reload)
            )
            return
        turn_context.turn_state[TURN_INPUT] = turn
        if turn.clicked and activity.reply_to_id:
            await self._show_choice(turn_context, value, turn.text)
        await self._run_dialog(turn_context)

    async def _show_choice(
        self, turn_context: TurnContext, value: dict[str, Any], asked: str
    ) -> None:
        """What the user clicked stays visible: the clicked card stays as it was, built again
        from the source its button carries (as a vote keeps its answer on screen), with the
        chosen button marked ("✓ …"); a card that cannot be built again (one whose buttons
        name no source) becomes "You asked: …"."""
        texts = self.conversation.texts(turn_context)
        if value.get("card") == CONFIRM:  # the escalation's question, as configured now
            shown = await self._confirm_card(turn_context, value, texts)
        elif value.get("card") == FORGET:  # the question before "forget me" erases
            shown = [forget_card(texts)]
        else:
            shown = await self.conversation.clicked_cards(turn_context, value)
        card = chosen(shown, str(value.get("ask") or ""), texts)
        await self._replace(turn_context, card or outcome_card(texts.get("card.you_asked"), asked))

    async def _confirm_card(
        self, turn_context: TurnContext, value: dict[str, Any], texts: Texts
    ) -> list[dict[str, Any]]:
        """The escalation's question the click came from, built again (none for a contact
        this catalogue does not have)."""
        catalogue = self.conversation.assistant(turn_context).catalogue
        named = str(value.get("contact") or "")
        contact = next((c for c in catalogue.contacts if c.id == named), None)
        if contact is None:
            return []
        automatic = (await self.desk.reach()).automatic
        return [confirm_card(texts, contact.id, contact.email, automatic=automatic)]

    def turn_input(self, turn_context: TurnContext) -> TurnInput:
        """The turn's input, built once: the typed text, or the clicked button's (``ask``)."""
        activity = turn_context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        assistant = self.conversation.assistant(turn_context)
        clicked = clean_text(str(value.get("ask") or ""))  # a button that asks something
        text = clean_text(activity.text) or clicked  # (Teams' messageBack sends both)
        locale = activity.locale or ""
        card_language = str(value.get("lang") or "") if clicked else ""
        if card_language in LANGUAGES:  # a click answers in the language of its card
            language = ReplyLanguage(card_language)
        else:
            language = assistant.language(text, locale)
        return TurnInput(
            text=text,
            command=assistant.understander.command(text),
            clicked=bool(clicked),
            locale=locale,
            language=language,
        )

    async def _ticket_action(self, turn_context: TurnContext, value: dict[str, Any]) -> None:
        """ "Assign to me" / "Resolve" from a client without universal actions: the same as the
        invoke; the desk updates the card for everyone."""
        try:
            action = read_ticket_action(value.get("verb"), value)
            await self.desk.on_action(turn_context, action)
        except PermissionError as exc:  # its message is the desk's text for the user
            await turn_context.send_activity(str(exc))
        except (ValueError, LookupError):
            await turn_context.send_activity(
                self.conversation.texts(turn_context).get("dialog.unknown_button")
            )

    async def _run_dialog(self, turn_context: TurnContext) -> None:
        dialog_context = await self.dialogs.create_context(turn_context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog(self.dialog_id)

    async def _feedback(self, turn_context: TurnContext, value: dict[str, Any]) -> None:
        vote = value.get("vote")
        answer = str(value.get("answer") or "unknown")
        query = str(value.get("q") or "")
        assistant = self.conversation.assistant(turn_context)
        language = assistant.language(query, turn_context.activity.locale)  # the answer's
        texts = assistant.catalogue.texts(language.code)
        if vote not in ("up", "down"):
            await turn_context.send_activity(texts.get("dialog.unknown_button"))
            return
        self.conversation.background.submit(
            self.conversation.analytics.record_vote, answer, vote, self.conversation.now()
        )
        self.conversation.report(turn_context, TurnEvent("vote", language=language.code, vote=vote))
        # The answer stays on screen; only its feedback row turns into thanks (no second vote).
        shown = await self.conversation.answer_card(turn_context, query) if query else None
        if shown is not None:
            await self._replace(turn_context, feedback_given(shown, vote, texts))
        else:
            await self._replace(turn_context, outcome_card(texts.get("card.feedback_thanks")))
        if vote == "down":  # offer a person
            await turn_context.send_activity(card_activity(offer_person_card(texts)))

    async def _replace(self, turn_context: TurnContext, card: dict[str, Any]) -> bool:
        """Replace the card the user clicked (its id is the activity's replyToId)."""
        reply_to = turn_context.activity.reply_to_id
        if not reply_to:
            return False
        update = card_activity(card)
        update.id = reply_to
        try:
            await turn_context.update_activity(update)
        except Exception:  # the channel may not support updates: the answer still goes out
            log.warning("could not replace the clicked card", exc_info=True)
            return False
        return True

    # ------------------------------------------------------------------ invokes

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        """The SDK's invoke handling, made safe for any input: an invoke this bot does not
        handle is refused (400, the caller's mistake, where the SDK answers 501 or, reading a
        value it does not check, fails the turn), as is a value of the wrong shape; the SDK's
        own error bodies (models holding an ``Exception``) are made writable as JSON."""
        activity = turn_context.activity
        value = activity.value
        if activity.name not in HANDLED_INVOKES:
            return _invoke_error("NotSupported", f"invoke {activity.name!r} is not supported")
        if value is not None and not isinstance(value, dict):
            return _invoke_error("BadRequest", "value must be an object")
        if activity.name == "adaptiveCard/action":
            action = (value or {}).get("action")
            if not isinstance(action, dict):
                return _invoke_error("BadRequest", "value.action must be an object")
            try:  # before anything looks a ticket up: an id or version of any shape or size
                read_ticket_action(action.get("verb"), action.get("data"))
            except ValueError as exc:
                return _invoke_error("BadRequest", str(exc))
        try:
            response = await super().on_invoke_activity(turn_context)
        except DeserializationError:  # the SDK reads the value into its models
            return _invoke_error("BadRequest", f"value is not what {activity.name!r} takes")
        if response is None:
            return None
        return InvokeResponse(status=response.status, body=_plain(response.body))

    # ------------------------------------------------------------------ ticket cards

    async def on_adaptive_card_invoke(
        self, turn_context: TurnContext, invoke_value: AdaptiveCardInvokeValue
    ) -> AdaptiveCardInvokeResponse:
        """ "Assign to me" / "Resolve" on a ticket card (Action.Execute, universal actions):
        checked by ``on_invoke_activity``; refused (403, no card) unless the caller may."""
        action = invoke_value.action or {}
        ticket_action = read_ticket_action(action.get("verb"), action.get("data"))
        try:
            card = await self.desk.on_action(turn_context, ticket_action)
        except PermissionError as exc:
            return AdaptiveCardInvokeResponse(
                status_code=403,
                type="application/vnd.microsoft.error",
                value={"code": "Forbidden", "message": str(exc)},
            )
        except LookupError as exc:
            return AdaptiveCardInvokeResponse(
                status_code=400,
                type="application/vnd.microsoft.error",
                value={"code": "BadRequest", "message": str(exc)},
            )
        return AdaptiveCardInvokeResponse(status_code=200, type=CARD_CONTENT_TYPE, value=card)

    # ------------------------------------------------------------------ messaging extension

    async def on_teams_messaging_extension_query(
        self, turn_context: TurnContext, query: MessagingExtensionQuery
    ) -> MessagingExtensionResponse:
        text = ""
        for parameter in (query.parameters if query else None) or []:
            if (
                parameter is not None
                and parameter.name == "query"
                and isinstance(parameter.value, str)
            ):
                text = parameter.value
        assistant = self.conversation.assistant(turn_context)
        language = assistant.language(text, turn_context.activity.locale)
        texts = assistant.catalogue.texts(language.code)
        body = search_response(assistant.understander, text, texts)
        return _extension_response(body["composeExtension"])

    # ------------------------------------------------------------------ welcome

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._welcome(turn_context)

    async def on_teams_members_added_dispatch(
        self, members_added: list[ChannelAccount], team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        """The stock handler fetches every added member's profile from Teams first; the welcome
        needs only their ids, so skip that round-trip (and its failure modes)."""
        await self.on_members_added_activity(members_added, turn_context)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """Welcome when the bot is added, or a user joins its personal chat; not every time
        someone joins a team the bot is in (that would flood the channel)."""
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        personal = (activity.conversation.conversation_type or "personal") == "personal"
        if personal or any(m.id == bot_id for m in members_added):
            await self._welcome(turn_context)

    async def _welcome(self, turn_context: TurnContext) -> None:
        """One welcome card, exactly once per user (remembered in user state). Teams sends both an
        installationUpdate and a conversationUpdate on install, at the same moment: the check and
        the mark happen under a lock, on freshly loaded state, saved before the card goes out."""
        async with self._welcome_lock:
            await self.user_state.load(turn_context, force=True)
            profile = await self.welcomed.get(turn_context, dict)
            if profile.get("welcomed"):
                return
            profile["welcomed"] = True
            await self.user_state.save_changes(turn_context, force=True)
        texts = self.conversation.texts(turn_context)  # Teams' locale: nothing typed yet
        card = welcome_card(self.conversation.assistant(turn_context).catalogue, texts)
        await turn_context.send_activity(card_activity(card))


# ------------------------------------------------------------------ incoming activities

_MODELS: dict[str, type[Model]] = {
    name: cls
    for module in (schema, teams_schema)
    for name, cls in vars(module).items()
    if isinstance(cls, type) and issubclass(cls, Model)
}


# Ids go into the Bot Connector's URLs and headers (x-ms-conversation-id): printable ASCII.
_ID = re.compile(r"[\x20-\x7e]{1,1024}")


def parse_activity(body: Mapping[str, Any]) -> Activity:
    """The activity in a request's JSON body; ValueError (its message for the caller) when it
    is not one the bot can handle: a field the Bot Framework requires on every activity is
    missing (without them no reply can be addressed, no state kept), a field is not of its
    type (msrest would turn ``"text": {...}`` or ``"id": []`` into their Python repr), or an
    id could not be sent back to the Bot Connector."""
    problem = _wrong_type(body, Activity)
    if problem is None and body.get("channelData") is not None:
        if not isinstance(body["channelData"], Mapping):
            problem = "channelData must be an object"
        else:
            problem = _wrong_type(body["channelData"], TeamsChannelData, "channelData.")
    if problem:
        raise ValueError(f"activity: {problem}")
    try:
        activity = Activity().deserialize(dict(body))
        TeamsChannelData().deserialize(activity.channel_data or {})
    except Exception as exc:
        raise ValueError("body is not a valid activity") from exc
    required = {
        "type": activity.type,
        "channelId": activity.channel_id,
        "serviceUrl": activity.service_url,
        "conversation.id": getattr(activity.conversation, "id", None),
        "from.id": getattr(activity.from_property, "id", None),
        "recipient.id": getattr(activity.recipient, "id", None),
    }
    for name, value in required.items():
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"activity has no {name}")
    ids = {"id": activity.id, "replyToId": activity.reply_to_id, **required}
    for name in ("id", "replyToId", "conversation.id", "from.id", "recipient.id"):
        if ids[name] is not None and not _ID.fullmatch(ids[name]):
            raise ValueError(f"activity: {name} is not a valid id")
    return activity


def _wrong_type(data: Mapping[str, Any], model: type[Model], path: str = "") -> str | None:
    """The first field of ``data`` (JSON) that is not of the type ``model`` declares for it:
    strings, booleans, and nested models and lists of them (walked: their depth is bounded)."""
    for attr in model._attribute_map.values():
        key, kind = attr["key"], attr["type"]
        value = data.get(key)
        if value is None:
            continue
        where = f"{path}{key}"
        if kind == "str" and not isinstance(value, str):
            return f"{where} must be a string"
        if kind == "bool" and not isinstance(value, bool):
            return f"{where} must be true or false"
        problem = _wrong_nested(value, kind, where)
        if problem:
            return problem
    return None


def _wrong_nested(value: Any, kind: str, where: str) -> str | None:
    """``_wrong_type`` for a field whose type is a model, or a list of a model."""
    nested, items = _MODELS.get(kind), _MODELS.get(kind.strip("[]"))
    if nested is not None:
        if not isinstance(value, Mapping):
            return f"{where} must be an object"
        return _wrong_type(value, nested, f"{where}.")
    if kind.startswith("[") and items is not None:
        if not isinstance(value, list):
            return f"{where} must be a list"
        for i, item in enumerate(value):
            if not isinstance(item, Mapping):
                return f"{where}[{i}] must be an object"
            problem = _wrong_type(item, items, f"{where}[{i}].")
            if problem:
                return problem
    return None


def _extension_response(result: dict[str, Any]) -> MessagingExtensionResponse:
    """The SDK's models for a composeExtension result dict (msrest cannot deserialize them)."""
    attachments = [
        MessagingExtensionAttachment(
            content_type=a["contentType"],
            content=a["content"],
            preview=Attachment(
                content_type=a["preview"]["contentType"], content=a["preview"]["content"]
            ),
        )
        for a in result.get("attachments", [])
    ]
    return MessagingExtensionResponse(
        compose_extension=MessagingExtensionResult(
            type=result["type"],
            attachment_layout=result.get("attachmentLayout"),
            attachments=attachments or None,
            text=result.get("text"),
        )
    )


def _invoke_error(code: str, message: str) -> InvokeResponse:
    """A 400 invoke response, in the Adaptive Card error format Teams shows."""
    error = AdaptiveCardInvokeResponse(
        status_code=HTTPStatus.BAD_REQUEST,
        type="application/vnd.microsoft.error",
        value={"code": code, "message": message},
    )
    return InvokeResponse(status=HTTPStatus.BAD_REQUEST, body=error.serialize())


def _plain(body: object) -> Any:
    """An invoke response's body as plain JSON values (models serialized, errors as
    ``{"code", "message"}``)."""
    if isinstance(body, AdaptiveCardInvokeResponse) and isinstance(body.value, Exception):
        code, message = [*map(str, body.value.args), "", ""][:2]
        body = AdaptiveCardInvokeResponse(
            status_code=body.status_code, type=body.type, value={"code": code, "message": message}
        )
    return body.serialize() if isinstance(body, Model) else body


def error_handler(
    conversation_state: ConversationState, texts: Callable[[TurnContext], Texts]
) -> Callable[[TurnContext, Exception], Awaitable[None]]:
    """Log the error with an id and its stack, apologise with that id, reset the dialog."""

    async def on_error(turn_context: TurnContext, error: Exception) -> None:
        error_id = uuid.uuid4().hex[:8]
        ids = {"error_id": error_id}  # a field of its own in the JSON logs (bot.ops.logs)
        log.error("turn failed [error %s]", error_id, exc_info=error, extra=ids)
        try:
            await turn_context.send_activity(texts(turn_context).get("dialog.error", id=error_id))
        except Exception:
            log.error("could not send the apology [error %s]", error_id, exc_info=True, extra=ids)
        if isinstance(error, ConflictError):
            return  # another instance's save won: its state stands (never deleted)
        try:
            await conversation_state.load(turn_context)
            await conversation_state.delete(turn_context)
        except Exception:
            log.error(
                "could not reset the conversation [error %s]", error_id, exc_info=True, extra=ids
            )

    return on_error
