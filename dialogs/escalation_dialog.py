"""Escalation: confirm, collect a short description (unless the message gave one), hand over."""

from __future__ import annotations

from botbuilder.core import MessageFactory
from botbuilder.dialogs import (
    ComponentDialog,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.prompts import ConfirmPrompt, PromptOptions, TextPrompt
from botbuilder.schema import Attachment

from bot.core.catalogue import Contact
from bot.core.text import STOPWORDS, tokens
from bot.teams.support import SupportDesk
from cards.builders import CARD_CONTENT_TYPE
from cards.tickets import ticket_receipt_card
from dialogs.conversation import Conversation, clean_text

DESCRIBED_WORDS = 6  # a first message with this many content words already describes the problem


def describes_problem(text: str) -> bool:
    return sum(1 for t in tokens(text) if t not in STOPWORDS) >= DESCRIBED_WORDS


class EscalationDialog(ComponentDialog):
    """Confirm, collect a short description (unless the first message gave one), open a ticket
    and tell the user its id and the truth about where it arrived."""

    ID = "escalation"

    def __init__(self, conversation: Conversation, desk: SupportDesk) -> None:
        super().__init__(self.ID)
        self.conversation = conversation
        self.desk = desk
        self.add_dialog(ConfirmPrompt("escalation.confirm"))
        self.add_dialog(TextPrompt("escalation.describe"))
        self.add_dialog(
            WaterfallDialog("escalation.steps", [self.confirm, self.describe, self.hand_over])
        )
        self.initial_dialog_id = "escalation.steps"

    def _contact(self, step: WaterfallStepContext) -> Contact:
        catalogue = self.conversation.assistant.catalogue
        return catalogue.contact(step.options["contact"])

    async def confirm(self, step: WaterfallStepContext) -> DialogTurnResult:
        await self.conversation.send(step.context, step.options["activities"])
        contact = self._contact(step)
        question = self.conversation.texts.get("dialog.confirm_escalation", email=contact.email)
        return await step.prompt(
            "escalation.confirm", PromptOptions(prompt=MessageFactory.text(question))
        )

    async def describe(self, step: WaterfallStepContext) -> DialogTurnResult:
        if not step.result:
            contact = self._contact(step)
            await step.context.send_activity(
                self.conversation.texts.get("dialog.escalation_declined", email=contact.email)
            )
            return await step.end_dialog()
        first = step.options.get("text", "")
        if describes_problem(first):
            return await step.next(first)
        return await step.prompt(
            "escalation.describe",
            PromptOptions(
                prompt=MessageFactory.text(self.conversation.texts.get("dialog.describe_problem"))
            ),
        )

    async def hand_over(self, step: WaterfallStepContext) -> DialogTurnResult:
        description = clean_text(str(step.result or "")) or step.options.get("text", "")
        contact = self._contact(step)
        transcript = await self.conversation.transcript(step.context)
        ticket, delivered, pending = await self.desk.open_ticket(
            step.context, contact, description, transcript
        )
        texts = self.conversation.texts
        opened = texts.get("dialog.request_opened", id=ticket.id)
        await self.conversation.remember(step.context, "bot", opened)
        card = ticket_receipt_card(ticket, delivered, pending, texts)
        attachment = Attachment(content_type=CARD_CONTENT_TYPE, content=card)
        await step.context.send_activity(MessageFactory.attachment(attachment))
        return await step.end_dialog({"ticket": ticket.id})
