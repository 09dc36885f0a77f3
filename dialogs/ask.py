"""A question that waits for the user's next message or click, whichever it is.

botbuilder's prompts read only the message's text (a plain ``Action.Submit`` click has none) and
keep the rendered question in dialog state; this one keeps only the small ``options`` it was
started with, builds the question from them whenever it is shown (again, after "help"), and
returns the turn's text (``TurnInput.text``: typed, or the clicked button's).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.dialogs import Dialog, DialogContext, DialogInstance, DialogTurnResult
from botbuilder.schema import ActivityTypes

from dialogs.conversation import turn_input

Show = Callable[[TurnContext, dict[str, Any]], Awaitable[None]]


class Ask(Dialog):
    def __init__(self, dialog_id: str, show: Show) -> None:
        super().__init__(dialog_id)
        self.show = show

    async def begin_dialog(
        self, dialog_context: DialogContext, options: object = None
    ) -> DialogTurnResult:
        values = dict(options) if isinstance(options, dict) else {}
        dialog_context.active_dialog.state["options"] = values
        await self.show(dialog_context.context, values)
        return Dialog.end_of_turn

    async def continue_dialog(self, dialog_context: DialogContext) -> DialogTurnResult:
        if dialog_context.context.activity.type != ActivityTypes.message:
            return Dialog.end_of_turn
        return await dialog_context.end_dialog(turn_input(dialog_context.context).text)

    async def reprompt_dialog(self, context: TurnContext, instance: DialogInstance) -> None:
        await self.show(context, dict(instance.state.get("options") or {}))
