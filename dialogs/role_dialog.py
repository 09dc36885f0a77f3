"""The role dialog: when a question is too vague, ask who the user is (with choices), then answer.

The user may click a choice or answer in their own words; either way the answer goes through the
same understanding as any message, now with what the user told us. Asked at most twice. The
dialog state holds the question the user asked and the count, never the card: it is rebuilt.
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.dialogs import (
    ComponentDialog,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)

from bot.core.understanding import Intent
from dialogs.ask import Ask
from dialogs.conversation import Conversation

MAX_ASKS = 2


class RoleDialog(ComponentDialog):
    ID = "role"

    def __init__(self, conversation: Conversation) -> None:
        super().__init__(self.ID)
        self.conversation = conversation
        self.add_dialog(Ask("role.answer", self._show))
        self.add_dialog(WaterfallDialog("role.steps", [self.ask, self.understand]))
        self.initial_dialog_id = "role.steps"

    async def _show(self, turn_context: TurnContext, options: dict[str, Any]) -> None:
        conversation = self.conversation
        query = str(options.get("query", ""))
        language = conversation.language(turn_context).code
        assistant = conversation.assistant(turn_context)
        activities = assistant.ask_role(query, conversation.today(), language)
        await conversation.send(turn_context, activities)

    async def ask(self, step: WaterfallStepContext) -> DialogTurnResult:
        return await step.begin_dialog("role.answer", {"query": step.options.get("query", "")})

    async def understand(self, step: WaterfallStepContext) -> DialogTurnResult:
        text = str(step.result or "")
        reply = await self.conversation.reply(step.context, text)
        asked = int(step.options.get("asked", 1))
        if reply.answer.intent in (Intent.CLARIFY, Intent.FALLBACK) and asked < MAX_ASKS:
            # Not understood as a role: ask once more, with the same choices.
            return await step.replace_dialog(
                self.ID, {"query": step.options.get("query", ""), "asked": asked + 1}
            )
        # Anything else (a recommendation, a FAQ, a problem ...) is the parent's to send.
        return await step.end_dialog({"text": text, "reply": reply})
