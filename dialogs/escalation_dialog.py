"""Escalation: confirm, collect a short description (unless the message gave one), hand over.

Opening the ticket is idempotent: the dialog draws a key when it starts (kept in its state), the
step before the hand-over saves the conversation's state with the description, and the store
opens one ticket per key. A turn that runs again after a crash, or on a second instance, finds
the ticket instead of opening another, and the receipt is sent from the stored ticket; a crash
after the receipt leaves the dialog at the hand-over, so the user's next message gets the same
receipt instead of becoming a ticket.

The dialog state holds the contact's id and the user's first message; the questions are built
again whenever they are shown. Yes and No are buttons that work in every client (plain data
submits) and may be typed, in any language the SDK's recognizers know.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.dialogs import (
    ComponentDialog,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.prompts import PromptCultureModels
from botbuilder.schema import Activity
from recognizers_choice import recognize_boolean

from bot.core.catalogue import Contact
from bot.core.text import Tokenizer, fold
from bot.core.texts import LANGUAGES, Texts
from bot.ops.telemetry import TurnEvent
from bot.tickets.model import DESCRIPTION_LIMIT, QuotaExceeded, capped_description
from cards.escalation import confirm_card
from cards.tickets import ticket_receipt_card
from dialogs.ask import Ask
from dialogs.conversation import Conversation, card_activity, turn_input
from dialogs.ports import SaveState, TicketDesk

DESCRIBED_WORDS = 6  # a first message with this many content words already describes the problem
ENGLISH = PromptCultureModels.English.locale


def describes_problem(text: str, tokenizer: Tokenizer) -> bool:
    return len(tokenizer.content(tokenizer.tokens(text))) >= DESCRIBED_WORDS


def confirmed(text: str, locale: str = "", texts: Iterable[Texts] = ()) -> bool | None:
    """Yes (True), no (False) or neither (None): what the yes / no buttons say in any of the
    bot's languages (``texts``: "ja", "oui", "sì" ...), else as botbuilder's ConfirmPrompt
    recognizes it, in the client's language when the recognizers know it, else in English."""
    said = fold(text)
    for book in texts:
        for name, value in (("confirm_yes", True), ("confirm_no", False)):
            if said == fold(book.get(f"choice.{name}.says")):
                return value
    cultures = {m.locale for m in PromptCultureModels.get_supported_cultures()}
    nearest = PromptCultureModels.map_to_nearest_language(locale) if locale else ""
    for culture in dict.fromkeys(c for c in (nearest, ENGLISH) if c in cultures):
        found = recognize_boolean(text, culture)
        if found and "value" in found[0].resolution:
            return bool(found[0].resolution["value"])
    return None


def step_confirmed(conversation: Conversation, step: WaterfallStepContext) -> bool | None:
    """``confirmed`` for the answer a waterfall step got: the buttons' words in the turn's
    language and in every other language of the bot, with Teams' locale for the recognizers."""
    texts = conversation.texts(step.context)
    catalogue = conversation.assistant(step.context).catalogue
    books = [texts, *(catalogue.texts(language) for language in LANGUAGES)]
    return confirmed(str(step.result or ""), turn_input(step.context).locale, books)


class EscalationDialog(ComponentDialog):
    """Confirm, collect a short description (unless the first message gave one), open a ticket
    and tell the user its id and the truth about where it arrived."""

    ID = "escalation"

    def __init__(self, conversation: Conversation, desk: TicketDesk, save: SaveState) -> None:
        super().__init__(self.ID)
        self.conversation = conversation
        self.desk = desk
        self.save = save
        self.add_dialog(Ask("escalation.confirm", self._show_confirm))
        self.add_dialog(Ask("escalation.describe", self._show_describe))
        self.add_dialog(
            WaterfallDialog(
                "escalation.steps", [self.confirm, self.describe, self.keep, self.hand_over]
            )
        )
        self.initial_dialog_id = "escalation.steps"

    def _contact(self, turn_context: TurnContext, options: dict[str, Any]) -> Contact:
        return self.conversation.assistant(turn_context).catalogue.contact(options["contact"])

    async def _show_confirm(self, turn_context: TurnContext, options: dict[str, Any]) -> None:
        texts = self.conversation.texts(turn_context)
        contact = self._contact(turn_context, options)
        automatic = (await self.desk.reach()).automatic  # else the user sends the e-mail
        question = confirm_card(texts, contact.id, contact.email, automatic=automatic)
        await turn_context.send_activity(card_activity(question))

    async def _show_describe(self, turn_context: TurnContext, options: dict[str, Any]) -> None:
        texts = self.conversation.texts(turn_context)
        await turn_context.send_activity(texts.get("dialog.describe_problem"))

    async def confirm(self, step: WaterfallStepContext) -> DialogTurnResult:
        conversation = step.context.activity.conversation
        step.values["key"] = f"{conversation.id if conversation else ''}|{uuid.uuid4().hex}"
        return await step.begin_dialog("escalation.confirm", {"contact": step.options["contact"]})

    async def describe(self, step: WaterfallStepContext) -> DialogTurnResult:
        texts = self.conversation.texts(step.context)
        answer = step_confirmed(self.conversation, step)
        if answer is None:  # neither yes nor no: ask again
            return await step.replace_dialog("escalation.steps", step.options)
        if not answer:
            email = self._contact(step.context, step.options).email
            await step.context.send_activity(texts.get("dialog.escalation_declined", email=email))
            return await step.end_dialog()
        first = step.options.get("text", "")
        tokenizer = self.conversation.assistant(step.context).catalogue.tokenizer
        if describes_problem(first, tokenizer):
            return await step.next(first)
        return await step.begin_dialog("escalation.describe", {})

    async def keep(self, step: WaterfallStepContext) -> DialogTurnResult:
        """The step before the side effect: the description saved with the dialog's state, so
        that whatever happens next, the hand-over can run again and open the same ticket."""
        description, cut = capped_description(
            str(step.result or "") or step.options.get("text", "")
        )
        step.values["description"], step.values["description_cut"] = description, cut
        await self.save(step.context)
        return await step.next(None)

    async def hand_over(self, step: WaterfallStepContext) -> DialogTurnResult:
        # (Run again after a crash, ``step.result`` is the user's next message: not used.)
        description = str(step.values.get("description") or "")
        cut = bool(step.values.get("description_cut"))
        contact = self._contact(step.context, step.options)
        transcript = await self.conversation.transcript(step.context)
        texts = self.conversation.texts(step.context)
        try:
            ticket, delivered, pending = await self.desk.open_ticket(
                step.context,
                contact,
                description,
                transcript,
                texts.language,
                key=str(step.values.get("key", "")),
            )
        except QuotaExceeded as exc:  # told plainly; what they wrote comes back to them
            quota = exc.quota
            await step.context.send_activity(
                texts.get(
                    "dialog.quota_reached",
                    per_user=quota.per_user,
                    per_tenant=quota.per_tenant,
                    email=contact.email,
                )
            )
            await step.context.send_activity(
                Activity(type="message", text=description, text_format="plain")
            )
            return await step.end_dialog()
        self.conversation.background.submit(
            self.conversation.analytics.record_route, contact.id, self.conversation.now()
        )
        self.conversation.report(
            step.context, TurnEvent("escalation", language=texts.language, route=contact.id)
        )
        opened = texts.get("dialog.request_opened", id=ticket.id)
        await self.conversation.remember(step.context, "bot", opened)
        receipt = ticket_receipt_card(ticket, delivered, pending, texts, await self.desk.reach())
        await step.context.send_activity(card_activity(receipt))
        if cut:  # the rest is still in the user's own message: say where it can go
            await step.context.send_activity(
                texts.get(
                    "dialog.description_cut",
                    limit=DESCRIPTION_LIMIT,
                    email=contact.email,
                    id=ticket.id,
                )
            )
        return await step.end_dialog({"ticket": ticket.id})
