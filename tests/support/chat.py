"""A Teams conversation with the bot on botbuilder's TestAdapter, and what its replies say."""

from __future__ import annotations

from typing import Any

from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
)

from app import Components
from cards.builders import card_text


def card_of(activity: Activity) -> dict[str, Any] | None:
    for att in activity.attachments or []:
        if att.content_type == "application/vnd.microsoft.card.adaptive":
            content = att.content
            return content if isinstance(content, dict) else content.serialize()
    return None


def all_text(activity: Activity) -> str:
    parts = [activity.text or ""]
    card = card_of(activity)
    if card:
        parts.extend(card_text(card))
    for att in activity.attachments or []:  # prompts' hero cards (yes / no)
        if att.content_type == "application/vnd.microsoft.card.hero":
            content = att.content if isinstance(att.content, dict) else att.content.serialize()
            parts.append(content.get("text") or "")
            parts.extend(b.get("title", "") for b in content.get("buttons") or [])
    return "\n".join(parts)


class Chat:
    """A Teams conversation with the bot on botbuilder's TestAdapter (channel msteams)."""

    def __init__(
        self,
        components: Components,
        conversation_type: str = "personal",
        conversation_id: str = "conv-1",
    ) -> None:
        self.components = components
        self.reference = ConversationReference(
            channel_id="msteams",
            service_url="https://smba.example.test/",
            conversation=ConversationAccount(
                id=conversation_id, conversation_type=conversation_type
            ),
            user=ChannelAccount(id="user-1", name="Ana Example", aad_object_id="aad-1"),
            bot=ChannelAccount(id="bot-1", name="Interact"),
        )
        self.adapter = TestAdapter(components.bot.on_turn, self.reference)
        # TestAdapter takes only the channel of a reference and puts its own conversation and
        # user on every activity: this chat's are the reference's.
        template = self.adapter.template
        template.conversation = self.reference.conversation
        template.from_property = self.reference.user
        template.recipient = self.reference.bot
        template.service_url = self.reference.service_url
        self.adapter.on_turn_error = components.on_error
        components.desk.attach(self.adapter)

    async def send(self, activity: Activity) -> list[Activity]:
        await self.adapter.process_activity(activity, self.components.bot.on_turn)
        replies = []
        while self.adapter.activity_buffer:
            replies.append(self.adapter.activity_buffer.pop(0))
        return [r for r in replies if r.type == "message"]

    def message(self, text: str | None = None, **kw: Any) -> Activity:
        return Activity(
            type="message",
            text=text,
            channel_id="msteams",
            service_url=self.reference.service_url,
            conversation=self.reference.conversation,
            from_property=self.reference.user,
            recipient=self.reference.bot,
            **kw,
        )

    async def say(self, text: str) -> list[Activity]:
        return await self.send(self.message(text))

    async def click(self, data: dict[str, Any], text: str | None = None) -> list[Activity]:
        return await self.send(self.message(text, value=data, reply_to_id="card-1"))
