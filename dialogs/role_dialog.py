"""The role dialog: when a question is too vague, ask who the user is (with choices), then answer.

The user may click a choice or answer in their own words; either way the answer goes through the
same understanding as any message, now with what the user told us. Asked at most twice.
"""

from __future__ import annotations

from botbuilder.dialogs import (
    ComponentDialog,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.prompts import PromptOptions, TextPrompt

from bot.core.understanding import Intent
from dialogs.conversation import Conversation, clean_text, to_activity

MAX_ASKS = 2


class RoleDialog(ComponentDialog):
    ID = "role"

    def __init__(self, conversation: Conversation) -> None:
        super().__init__(self.ID)
        self.conversation = conversation
        self.add_dialog(TextPrompt("role.answer"))
        self.add_dialog(WaterfallDialog("role.steps", [self.ask, self.understand]))
        self.initial_dialog_id = "role.steps"

    async def ask(self, step: WaterfallStepContext) -> DialogTurnResult:
        activities = step.options["activities"]
        prompt = to_activity(activities[0])
        return await step.prompt("role.answer", PromptOptions(prompt=prompt))

    async def understand(self, step: WaterfallStepContext) -> DialogTurnResult:
        text = clean_text(str(step.result or ""))
        reply = await self.conversation.reply(step.context, text)
        asked = int(step.options.get("asked", 1))
        if reply.answer.intent in (Intent.CLARIFY, Intent.FALLBACK) and asked < MAX_ASKS:
            # Not understood as a role: ask once more, with the same choices.
            return await step.replace_dialog(
                self.ID, {"activities": step.options["activities"], "asked": asked + 1}
            )
        # Anything else (a recommendation, a FAQ, a problem ...) is the parent's to send.
        return await step.end_dialog({"text": text, "reply": reply})
