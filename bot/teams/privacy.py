"""What the bot keeps about a user, and erasing all of it ("forget me", issue 11, 4).

botbuilder keys state by conversation: a user's private memory of a chat is
``<channel>/conversations/<conversation>/users/<user>/`` (``PrivateConversationState``), the
dialog stack of a chat ``<channel>/conversations/<conversation>`` (``ConversationState``), the
profile ``<channel>/users/<user>`` (``UserState``). Nothing lists "every chat of this user": the
SQLite and Blob stores can only read keys they are given (a scan would read every user's state,
and Blob names of long keys are hashes, which no prefix finds). So the bot keeps a small index
per user, ``privacy/<channel>/users/<user>``: the storage keys of the user's private state in
each chat (and, for a one-to-one chat, the chat's own state, which is the user's alone). A chat
is added the first time its private state is saved (a flag in that state makes it once per
chat), with a conditional write, so two chats of the user saving at once both land. Erasing
deletes every key the index names, the current chat's, the profile, and the index.

State saved by a version of the bot without the index is found when its chat has another turn.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botbuilder.core import (
    ConversationState,
    PrivateConversationState,
    StatePropertyAccessor,
    Storage,
    TurnContext,
    UserState,
)

from bot.ops.pools import Pool
from bot.teams.storage import E_TAG
from bot.tickets.delivery import show_erasure
from bot.tickets.store.contract import ConflictError, TicketStore
from dialogs.conversation import is_private
from dialogs.ports import Erased

log = logging.getLogger("interact.privacy")

INDEXED = "indexed"  # the private state's flag: this chat is in its user's index
TRIES = 5


def index_key(turn_context: TurnContext) -> str | None:
    """The key of the index of this turn's user, or None when the activity names no user."""
    activity = turn_context.activity
    user = activity.from_property.id if activity.from_property else None
    if not activity.channel_id or not user:
        return None
    return f"privacy/{activity.channel_id}/users/{user}"


@dataclass
class UserData:
    """A user's data in the bot's state and tickets: kept track of, and erased."""

    storage: Storage
    store: TicketStore
    pool: Pool  # the store's
    now: Callable[[], dt.datetime]
    conversation_state: ConversationState
    user_state: UserState
    private_state: PrivateConversationState

    def __post_init__(self) -> None:
        self.indexed: StatePropertyAccessor = self.private_state.create_property(INDEXED)

    def _chat(self, turn_context: TurnContext) -> dict[str, str]:
        """This chat's keys that hold the user's data: their private state, and the chat's
        state when it is a one-to-one chat."""
        private = self.private_state.get_storage_key(turn_context)
        chat = (
            self.conversation_state.get_storage_key(turn_context)
            if is_private(turn_context)
            else ""
        )
        return {"private": private, "chat": chat}

    async def keep_track(self, turn_context: TurnContext) -> None:
        """Before the private state is saved: add this chat to the user's index, once."""
        cached = self.private_state.get_cached_state(turn_context)
        key = index_key(turn_context)
        if cached is None or not cached.is_changed or key is None:
            return
        if await self.indexed.get(turn_context, False):
            return
        chat = self._chat(turn_context)
        for _ in range(TRIES):
            found = (await self.storage.read([key])).get(key)
            index: dict[str, Any] = dict(found) if isinstance(found, dict) else {}
            chats = [c for c in index.get("chats", []) if c.get("private") != chat["private"]]
            # Over the eTag read; "absent": written only while there is still no index.
            change = {**index, "chats": [*chats, chat], E_TAG: index.get(E_TAG) or "absent"}
            try:
                await self.storage.write({key: change})
            except (ConflictError, KeyError):  # another chat of the user added itself meanwhile
                continue
            await self.indexed.set(turn_context, True)
            return
        log.warning("a chat could not be added to its user's index: tried %d times", TRIES)

    async def erase(self, turn_context: TurnContext, note: str) -> Erased:
        """Erase everything kept about this turn's user: the private state of every chat (and
        the state of their one-to-one chats), the profile, the personal data of their tickets
        (replaced by ``note``). This turn's copies are dropped too, so that the end of the turn
        saves nothing back. The state of this turn's chat stays: the dialog that asked ends
        there (it holds nothing the user wrote)."""
        key = index_key(turn_context)
        found = (await self.storage.read([key])).get(key) if key else None
        chats = [dict(c) for c in found.get("chats", [])] if isinstance(found, dict) else []
        chats.append(self._chat(turn_context))
        here = self.conversation_state.get_storage_key(turn_context)
        private = list(dict.fromkeys(c["private"] for c in chats if c.get("private")))
        shared = list(dict.fromkeys(c["chat"] for c in chats if c.get("chat") not in ("", here)))
        profile = self.user_state.get_storage_key(turn_context)
        stored = await self.storage.read([*private, profile])
        for state in (self.private_state, self.user_state):
            await state.clear_state(turn_context)
            cached = state.get_cached_state(turn_context)
            cached.hash = cached.compute_hash(cached.state)  # empty and unchanged: not saved
        await self.storage.delete([*private, *shared, profile, *([key] if key else [])])
        user = turn_context.activity.from_property
        ids = [i for i in (user.id, user.aad_object_id) if i] if user else []
        tickets: list[str] = []
        if ids:
            now = self.now()
            tickets = await self.pool.run(self.store.erase_user_tickets, ids, note, now)
            await self.pool.run(show_erasure, self.store, tickets, now)
        erased = Erased(
            profile=profile in stored,
            chats=sum(1 for k in private if k in stored),
            tickets=tuple(tickets),
        )
        log.info("a user's data was erased: %d chats, %d tickets", erased.chats, len(tickets))
        return erased
