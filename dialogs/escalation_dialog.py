"""Escalation: confirm, collect a short description (unless the message gave one), hand over.

The dialog state holds the contact's id and the user's first message; the questions are built
again whenever they are shown. Yes and No are buttons that work in every client (plain data
submits) and may be typed, in any language the SDK's recognizers know.
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
from botbuilder.dialogs.prompts import PromptCultureModels
from recognizers_choice import recognize_boolean

from bot.core.answers import choice
from bot.core.catalogue import Contact
from bot.core.text import STOPWORDS, fold, tokens
from bot.core.texts import Texts
from cards.builders import ask, card, text_block
from cards.tickets import ticket_receipt_card
from dialogs.ask import Ask
from dialogs.conversation import Conversation, card_activity, turn_input
from dialogs.ports import TicketDesk

DESCRIBED_WORDS = 6  # a first message with this many content words already describes the problem
ENGLISH = PromptCultureModels.English.locale


def describes_problem(text: str) -> bool:
    return sum(1 for t in tokens(text) if t not in STOPWORDS) >= DESCRIBED_WORDS


def confirmed(text: str, locale: str = "", texts: Texts | None = None) -> bool | None:
    """Yes (True), no (False) or neither (None): what the yes / no buttons say in the turn's
    language (``texts``), else as botbuilder's ConfirmPrompt recognizes it, in the client's
    language when the recognizers know it, else in English."""
    if texts is not None:
        said = fold(text)
        for name, value in (("confirm_yes", True), ("confirm_no", False)):
            if said == fold(texts.get(f"choice.{name}.says")):
                return value
    cultures = {m.locale for m in PromptCultureModels.get_supported_cultures()}
    nearest = PromptCultureModels.map_to_nearest_language(locale) if locale else ""
    for culture in dict.fromkeys(c for c in (nearest, ENGLISH) if c in cultures):
        found = recognize_boolean(text, culture)
        if found and "value" in found[0].resolution:
            return bool(found[0].resolution["value"])
    return None


class EscalationDialog(ComponentDialog):
    """Confirm, collect a short description (unless the first message gave one), open a ticket
    and tell the user its id and the truth about where it arrived."""

    ID = "escalation"

    def __init__(self, conversation: Conversation, desk: TicketDesk) -> None:
        super().__init__(self.ID)
        self.conversation = conversation
        self.desk = desk
        self.add_dialog(Ask("escalation.confirm", self._show_confirm))
        self.add_dialog(Ask("escalation.describe", self._show_describe))
        self.add_dialog(
            WaterfallDialog("escalation.steps", [self.confirm, self.describe, self.hand_over])
        )
        self.initial_dialog_id = "escalation.steps"

    def _contact(self, options: dict[str, Any]) -> Contact:
        return self.conversation.assistant.catalogue.contact(options["contact"])

    async def _show_confirm(self, turn_context: TurnContext, options: dict[str, Any]) -> None:
        texts = self.conversation.texts(turn_context)
        question = texts.get("dialog.confirm_escalation", email=self._contact(options).email)
        yes, no = choice(texts, "confirm_yes"), choice(texts, "confirm_no")
        buttons = [ask(yes.title, yes.text, yes.language), ask(no.title, no.text, no.language)]
        await turn_context.send_activity(card_activity(card([text_block(question)], buttons)))

    async def _show_describe(self, turn_context: TurnContext, options: dict[str, Any]) -> None:
        texts = self.conversation.texts(turn_context)
        await turn_context.send_activity(texts.get("dialog.describe_problem"))

    async def confirm(self, step: WaterfallStepContext) -> DialogTurnResult:
        return await step.begin_dialog("escalation.confirm", {"contact": step.options["contact"]})

    async def describe(self, step: WaterfallStepContext) -> DialogTurnResult:
        texts = self.conversation.texts(step.context)
        answer = confirmed(str(step.result or ""), turn_input(step.context).locale, texts)
        if answer is None:  # neither yes nor no: ask again
            return await step.replace_dialog("escalation.steps", step.options)
        if not answer:
            email = self._contact(step.options).email
            await step.context.send_activity(texts.get("dialog.escalation_declined", email=email))
            return await step.end_dialog()
        first = step.options.get("text", "")
        if describes_problem(first):
            return await step.next(first)
        return await step.begin_dialog("escalation.describe", {})

    async def hand_over(self, step: WaterfallStepContext) -> DialogTurnResult:
        description = str(step.result or "") or step.options.get("text", "")
        contact = self._contact(step.options)
        transcript = await self.conversation.transcript(step.context)
        texts = self.conversation.texts(step.context)
        ticket, delivered, pending = await self.desk.open_ticket(
            step.context, contact, description, transcript, texts.language
        )
        opened = texts.get("dialog.request_opened", id=ticket.id)
        await self.conversation.remember(step.context, "bot", opened)
        receipt = ticket_receipt_card(ticket, delivered, pending, texts)
        await step.context.send_activity(card_activity(receipt))
        return await step.end_dialog({"ticket": ticket.id})
