""" "forget me" / "delete my data": ask first (it cannot be undone), then erase everything the
bot keeps about the user and say what was erased, in the user's language.

The question is a card with Yes and No buttons that work in every client (plain data submits,
as the escalation's) and may be typed in any of the bot's languages; an answer that is neither
asks again. In a team channel or a group chat the bot erases too, but its reply names nothing it
erased (colleagues read it). The note left in the user's tickets is written for the staff who
read them: in the support desk's language (English).
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

from bot.core.texts import DEFAULT_LANGUAGE, Texts, listed
from cards.escalation import forget_card
from dialogs.ask import Ask
from dialogs.conversation import Conversation, card_activity, is_private
from dialogs.escalation_dialog import step_confirmed
from dialogs.ports import Erased, UserDataEraser


def what_was_erased(erased: Erased, texts: Texts) -> str:
    """The reply after erasing, in a one-to-one chat: what was erased, or that nothing was."""
    if not erased.anything:
        return texts.get("forget.nothing")
    parts = []
    if erased.chats:
        parts.append(texts.get("forget.done_chats", count=erased.chats))
    if erased.profile:
        parts.append(texts.get("forget.done_profile"))
    if erased.tickets:
        parts.append(texts.get("forget.done_tickets", ids=", ".join(erased.tickets)))
    return texts.get("forget.done", erased=listed(parts, texts))


class ForgetDialog(ComponentDialog):
    ID = "forget"

    def __init__(self, conversation: Conversation, eraser: UserDataEraser) -> None:
        super().__init__(self.ID)
        self.conversation = conversation
        self.eraser = eraser
        self.add_dialog(Ask("forget.confirm", self._show_confirm))
        self.add_dialog(WaterfallDialog("forget.steps", [self.confirm, self.act]))
        self.initial_dialog_id = "forget.steps"

    async def _show_confirm(self, turn_context: TurnContext, options: dict[str, Any]) -> None:
        texts = self.conversation.texts(turn_context)
        await turn_context.send_activity(card_activity(forget_card(texts)))

    async def confirm(self, step: WaterfallStepContext) -> DialogTurnResult:
        return await step.begin_dialog("forget.confirm", {})

    async def act(self, step: WaterfallStepContext) -> DialogTurnResult:
        texts = self.conversation.texts(step.context)
        catalogue = self.conversation.assistant(step.context).catalogue
        answer = step_confirmed(self.conversation, step)
        if answer is None:  # neither yes nor no: ask again
            return await step.replace_dialog(self.ID)
        if not answer:
            await step.context.send_activity(texts.get("forget.declined"))
            return await step.end_dialog()
        staff = catalogue.texts(DEFAULT_LANGUAGE)
        note = staff.get("forget.ticket_note", date=self.conversation.today().isoformat())
        erased = await self.eraser.erase(step.context, note)
        if is_private(step.context):
            await step.context.send_activity(what_was_erased(erased, texts))
        else:  # in front of colleagues: nothing of what was erased is named
            await step.context.send_activity(texts.get("forget.done_shared"))
        return await step.end_dialog()
