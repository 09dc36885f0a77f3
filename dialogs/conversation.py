"""The bridge between botbuilder turns and the pure core: state in, reply out, activities sent.

Everything botbuilder-specific that the dialogs share lives here, so that the dialogs stay thin
and the core stays free of the SDK.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from botbuilder.core import StatePropertyAccessor, TurnContext
from botbuilder.schema import Activity

from bot.assistant import Assistant, AssistantHolder, Reply
from bot.core.plain_json import is_plain_json
from bot.core.texts import LANGUAGES, ReplyLanguage, Texts
from bot.core.turn import TurnInput
from bot.core.understanding import Context, Intent
from bot.ops.background import Background
from bot.ops.feedback import Analytics
from bot.ops.telemetry import Telemetry, TurnEvent, confidence_band
from bot.tickets.model import Turn
from cards.builders import WELCOME, welcome_card
from cards.escalation import OFFER_PERSON, offer_person_card
from cards.render import message

TURN_INPUT = "interact.turn"  # turn_state key: the turn's TurnInput, built once by the edge
ASSISTANT = "interact.assistant"  # turn_state key: the assistant this turn took (turn_assistant)
REPORTED = "interact.reported"  # turn_state key: this turn's telemetry event went out (report)
MAX_REMEMBERED = 5
MAX_HISTORY = 8  # turns kept for the context of a support request


def turn_input(turn_context: TurnContext) -> TurnInput:
    """The input of this turn (an empty one when the edge built none: not a message)."""
    found = turn_context.turn_state.get(TURN_INPUT)
    return found if isinstance(found, TurnInput) else TurnInput("")


def turn_assistant(turn_context: TurnContext, content: AssistantHolder) -> Assistant:
    """The assistant of this turn: the one in force when the turn first asked (the edge asks
    first), then that same one for the rest of the turn, so that a content reload in the
    middle of a turn never mixes two catalogues in it (the next turn takes the new one)."""
    found = turn_context.turn_state.get(ASSISTANT)
    if isinstance(found, Assistant):
        return found
    assistant = content.current
    turn_context.turn_state[ASSISTANT] = assistant
    return assistant


def to_activity(data: dict[str, Any]) -> Activity:
    """The activity for a reply dict. msrest would copy a card (typed ``object``) value by
    value; a card that is plain JSON is attached as it is (the same result, a fraction of a
    turn's CPU less)."""
    attachments = data.get("attachments")
    if not isinstance(attachments, list) or not all(
        isinstance(a, dict) and is_plain_json(a.get("content")) for a in attachments
    ):
        return Activity().deserialize(data)
    bare = [{k: v for k, v in a.items() if k != "content"} for a in attachments]
    activity = Activity().deserialize({**data, "attachments": bare})
    for built, given in zip(activity.attachments or [], attachments, strict=True):
        built.content = given.get("content")
    return activity


def card_activity(card: dict[str, Any]) -> Activity:
    """The message activity that shows one Adaptive Card (the only way a card becomes one)."""
    return to_activity(message(card))


def is_private(turn_context: TurnContext) -> bool:
    """Whether this turn is in a one-to-one chat with the bot (not a team channel or a group
    chat, where colleagues read every reply)."""
    conversation = turn_context.activity.conversation
    kind = conversation.conversation_type if conversation else None
    return (kind or "personal") == "personal"


class Conversation:
    """What the bot remembers of a user lives in the conversation where it was told (``memory``
    and ``history``: private conversation state, one per user and conversation): a role told in
    one chat is never used, nor repeated, in another. In a team channel or a group chat no role
    is kept from one message to the next, so that none is repeated in front of colleagues."""

    def __init__(
        self,
        content: AssistantHolder,
        memory: StatePropertyAccessor,
        history: StatePropertyAccessor,
        analytics: Analytics,
        today: Callable[[], dt.date],
        now: Callable[[], dt.datetime],
        background: Background,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.telemetry = telemetry or Telemetry()  # one event per turn: bot.ops.telemetry
        self.content = content
        self.background = background  # analytics are written there: no reply waits for them
        self.memory = memory
        self.history = history
        self.analytics = analytics
        self.today = today
        self.now = now

    def assistant(self, turn_context: TurnContext) -> Assistant:
        """This turn's assistant (``turn_assistant``: one per turn, whatever a reload swaps)."""
        return turn_assistant(turn_context, self.content)

    def report(self, turn_context: TurnContext, event: TurnEvent) -> None:
        """This turn's telemetry event (an answer, a vote, an escalation opened); a message turn
        that reports none gets a ``step`` event from ``report_unreported``."""
        turn_context.turn_state[REPORTED] = True
        self.telemetry.turn(event)

    def report_unreported(self, turn_context: TurnContext) -> None:
        """One event per message turn: a turn that answered no question, voted or opened no
        request (a dialog's step such as a "yes" or a description, a command, a staff action)
        is reported as a ``step``, with its command if it was one."""
        if turn_context.turn_state.get(REPORTED) or turn_context.activity.type != "message":
            return
        turn = turn_input(turn_context)
        language = self.language(turn_context).code
        self.report(turn_context, TurnEvent("step", language=language, intent=turn.command or ""))

    def language(self, turn_context: TurnContext) -> ReplyLanguage:
        """The turn's reply language (chosen once, by the edge, in the ``TurnInput``); for a turn
        without one (a welcome, a vote) Teams' locale."""
        found = turn_context.turn_state.get(TURN_INPUT)
        if isinstance(found, TurnInput):
            return found.language
        return self.assistant(turn_context).language("", turn_context.activity.locale)

    def texts(self, turn_context: TurnContext) -> Texts:
        """Every sentence of this turn's replies, in the turn's language."""
        return self.assistant(turn_context).catalogue.texts(self.language(turn_context).code)

    async def load_profile(self, turn_context: TurnContext) -> dict[str, Any]:
        """What this user told the bot in this conversation (roles, the last communities)."""
        profile = await self.memory.get(turn_context, dict)
        profile.setdefault("roles", [])
        profile.setdefault("last", [])
        if not is_private(turn_context):
            profile["roles"] = []  # told in front of colleagues: never carried to a next reply
        return profile

    async def forget(self, turn_context: TurnContext) -> bool:
        """Forget the roles and communities of this conversation ("start over"); whether there
        was anything to forget."""
        profile = await self.load_profile(turn_context)
        known = bool(profile["roles"] or profile["last"])
        profile["roles"], profile["last"] = [], []
        return known

    async def start_over(self, turn_context: TurnContext) -> None:
        """ "cancel" / "start over": forget this conversation's roles, and say what was done."""
        forgot = await self.forget(turn_context)
        texts = self.texts(turn_context)
        await turn_context.send_activity(
            texts.get("dialog.started_over" if forgot else "dialog.cancelled")
        )

    async def reply(self, turn_context: TurnContext, text: str) -> Reply:
        """Understand ``text`` with what we know of the user, and remember what it told us."""
        profile = await self.load_profile(turn_context)
        context = Context(
            roles=tuple(profile["roles"]),
            last_communities=tuple(profile["last"]),
            fallbacks=int(profile.get("fallbacks", 0)),
        )
        assistant = self.assistant(turn_context)
        reply = assistant.respond(text, self.today(), context, self.language(turn_context))
        answer = reply.answer
        fell_back = answer.intent == Intent.FALLBACK
        if answer.intent != Intent.SMALL_TALK:  # "thanks" neither counts nor resets
            profile["fallbacks"] = int(profile.get("fallbacks", 0)) + 1 if fell_back else 0
        await self.remember(turn_context, "user", text)
        await self.remember(turn_context, "bot", answer.text)
        if answer.roles and is_private(turn_context):
            roles = list(dict.fromkeys([*answer.roles, *profile["roles"]]))
            profile["roles"] = roles[:MAX_REMEMBERED]
        if answer.recommendations:
            profile["last"] = [r.community.id for r in answer.recommendations]
        self.background.submit(
            self.analytics.record_turn,
            self.now(),
            intent=str(answer.intent),
            language=reply.language.code,
            communities=[r.community.id for r in answer.recommendations],
            question=text if fell_back else "",
        )
        self.report(
            turn_context,
            TurnEvent(
                "answer",
                language=reply.language.code,
                intent=str(answer.intent),
                confidence=confidence_band(reply.understanding),
                communities=tuple(r.community.id for r in answer.recommendations),
                fell_back=fell_back,
            ),
        )
        return reply

    async def answer_card(self, turn_context: TurnContext, text: str) -> dict[str, Any] | None:
        """The card this question's answer shows (again), without remembering anything."""
        language = self.assistant(turn_context).language(text, turn_context.activity.locale)
        return next(iter(await self._answer_cards(turn_context, text, language)), None)

    async def clicked_cards(
        self, turn_context: TurnContext, value: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """The cards a click may have come from, built again from the source its button carries
        (``cards.builders.from_card``: the welcome, the offer of a person, or the answer to the
        question ``q``), in the card's language; none for a button without a source."""
        assistant = self.assistant(turn_context)
        code = str(value.get("lang") or "")
        language = ReplyLanguage(code) if code in LANGUAGES else self.language(turn_context)
        texts = assistant.catalogue.texts(language.code)
        if value.get("card") == WELCOME:
            return [welcome_card(assistant.catalogue, texts)]
        if value.get("card") == OFFER_PERSON:
            return [offer_person_card(texts)]
        query = value.get("q")
        if not isinstance(query, str) or not query.strip():
            return []
        return await self._answer_cards(turn_context, query, language)

    async def _answer_cards(
        self, turn_context: TurnContext, text: str, language: ReplyLanguage
    ) -> list[dict[str, Any]]:
        """The cards of this question's answer, without remembering anything."""
        profile = await self.load_profile(turn_context)
        context = Context(roles=tuple(profile["roles"]), last_communities=tuple(profile["last"]))
        reply = self.assistant(turn_context).respond(text, self.today(), context, language)
        return [
            attachment["content"]
            for activity in reply.activities
            for attachment in activity.get("attachments") or []
            if isinstance(attachment.get("content"), dict)
        ]

    async def remember(self, turn_context: TurnContext, who: str, text: str) -> None:
        """Keep the last few turns, so that a support request carries its context."""
        history = await self.history.get(turn_context, list)
        history.append({"who": who, "text": text[:500], "time": self.now().isoformat()})
        del history[:-MAX_HISTORY]

    async def transcript(self, turn_context: TurnContext) -> list[Turn]:
        history = await self.history.get(turn_context, list)
        return [Turn(who=h["who"], text=h["text"], time=h["time"]) for h in history]

    async def send(self, turn_context: TurnContext, activities: list[dict[str, Any]]) -> None:
        await turn_context.send_activities([to_activity(a) for a in activities])
