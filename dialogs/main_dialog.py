"""The root dialog: route each message through the core, start the role or escalation dialog
when needed, and let "help", "cancel" and "forget me" interrupt any step (the CancelAndHelp
idiom)."""

from __future__ import annotations

from botbuilder.dialogs import (
    ComponentDialog,
    DialogContext,
    DialogTurnResult,
    DialogTurnStatus,
    WaterfallDialog,
    WaterfallStepContext,
)

from bot.assistant import Reply
from bot.core.answers import Kind
from bot.core.understanding import Intent
from dialogs.conversation import Conversation, turn_input
from dialogs.escalation_dialog import EscalationDialog
from dialogs.forget_dialog import ForgetDialog
from dialogs.role_dialog import RoleDialog


class MainDialog(ComponentDialog):
    ID = "main"

    def __init__(
        self,
        conversation: Conversation,
        role: RoleDialog,
        escalation: EscalationDialog,
        forget: ForgetDialog,
    ) -> None:
        super().__init__(self.ID)
        self.conversation = conversation
        self.add_dialog(role)
        self.add_dialog(escalation)
        self.add_dialog(forget)
        self.add_dialog(WaterfallDialog("main.steps", [self.route, self.after_role]))
        self.initial_dialog_id = "main.steps"

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        interrupted = await self._interrupt(inner_dc)
        if interrupted is not None:
            return interrupted
        return await super().on_continue_dialog(inner_dc)

    async def _interrupt(self, inner_dc: DialogContext) -> DialogTurnResult | None:
        command = turn_input(inner_dc.context).command
        if command == "cancel":
            await inner_dc.cancel_all_dialogs()
            await self.conversation.start_over(inner_dc.context)
            return DialogTurnResult(DialogTurnStatus.Cancelled)
        if command == "forget_me":  # what was asked before is dropped: this asks first
            await inner_dc.cancel_all_dialogs()
            return await inner_dc.begin_dialog(ForgetDialog.ID)
        if command == "help":
            reply = await self.conversation.reply(inner_dc.context, "help")
            await self.conversation.send(inner_dc.context, reply.activities)
            await inner_dc.reprompt_dialog()
            return DialogTurnResult(DialogTurnStatus.Waiting)
        return None

    async def _act(self, step: WaterfallStepContext, text: str, reply: Reply) -> DialogTurnResult:
        await self.conversation.send(step.context, reply.activities)
        for answer in reply.answers:  # a problem asked second ("which team? also I can't log in")
            if answer.intent == Intent.ESCALATE and answer.kind == Kind.CONTACT and answer.contact:
                options = {"text": text, "contact": answer.contact.id}  # ids, never cards
                return await step.begin_dialog(EscalationDialog.ID, options)
        return await step.end_dialog()

    async def route(self, step: WaterfallStepContext) -> DialogTurnResult:
        turn = turn_input(step.context)
        if turn.command == "cancel":
            # "start over" forgets what the user told us before (and says so).
            await self.conversation.start_over(step.context)
            return await step.end_dialog()
        if turn.command == "forget_me":  # before anything of this turn is remembered
            return await step.begin_dialog(ForgetDialog.ID)
        reply = await self.conversation.reply(step.context, turn.text)
        if reply.answer.intent == Intent.CLARIFY:
            return await step.begin_dialog(RoleDialog.ID, {"query": turn.text})
        return await self._act(step, turn.text, reply)

    async def after_role(self, step: WaterfallStepContext) -> DialogTurnResult:
        result = step.result or {}
        reply = result.get("reply")
        if reply is None:
            return await step.end_dialog()
        return await self._act(step, result.get("text", ""), reply)
