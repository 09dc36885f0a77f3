""" "forget me" / "delete my data" (issue 11, 4): asked first with Yes / No buttons, then
everything kept about the user is erased, in every chat of theirs, and the reply says what, in
the user's language; in a channel or group chat the reply names nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from botbuilder.core import MemoryStorage
from botbuilder.schema import Activity

from app import Components, build_bot
from bot.tickets.model import Status, Ticket
from tests.support.cards import actions
from tests.support.chat import Chat, all_text, card_of

ASKS_ROLE = "describes your work best"
TOLD = "you told me"
PROBLEM = "The activation mail never arrives, even after three tries"


def detect(text: str) -> str:
    """A stand-in for the language detector (the real one is the understanding's)."""
    words = set(text.lower().replace("?", "").split())
    if words & {"lösche", "meine", "daten", "ich", "bin"}:
        return "de"
    if words & {"efface", "mes", "données", "quel", "temps", "fait"}:
        return "fr"
    return "en"


def texts(replies: list[Activity]) -> str:
    return "\n".join(all_text(r) for r in replies)


def buttons(replies: list[Activity]) -> dict[str, dict]:
    """The buttons of the replies' cards, by title: their data."""
    return {
        a["title"]: a.get("data") or {}
        for r in replies
        for a in actions(card_of(r) or {})
        if a.get("type") == "Action.Submit"
    }


def user_keys(storage: MemoryStorage) -> list[str]:
    """The stored keys that belong to the chats' user (user-1)."""
    return sorted(k for k in storage.memory if "user-1" in k)


@pytest.fixture
def storage() -> MemoryStorage:
    return MemoryStorage()


@pytest.fixture
def bot(settings, catalogue, storage) -> Components:
    return build_bot(settings, storage, catalogue=catalogue, detect=detect)


async def open_ticket(chat: Chat) -> Ticket:
    await chat.say("I can't log in")
    await chat.say("yes")
    await chat.say(PROBLEM)
    [ticket] = chat.components.desk.store.list_tickets()
    return ticket


async def test_forget_me_asks_first_and_no_keeps_everything(bot, storage) -> None:
    chat = Chat(bot)
    await chat.say("I'm a communication officer")
    kept = user_keys(storage)
    replies = await chat.say("forget me")
    assert "cannot be undone" in texts(replies)
    choices = buttons(replies)
    assert set(choices) == {"Yes", "No"}
    replies = await chat.click(choices["No"])  # the button, as the client sends it
    assert "I erased nothing" in texts(replies)
    assert user_keys(storage) == kept
    replies = await chat.say("which team should I join?")
    assert TOLD in texts(replies)  # still remembered


async def test_forget_me_erases_every_chat_profile_and_ticket(bot, storage) -> None:
    first = Chat(bot, conversation_id="chat-a")
    await first.say("I'm a communication officer")
    ticket = await open_ticket(first)
    bot.desk.store.update_ticket(ticket.id, now=ticket.created_at, channel_activity_id="card-7")
    # A profile from before roles were kept per chat still holds roles.
    storage.memory["msteams/users/user-1"] = {"profile": {"roles": ["auditor"]}, "e_tag": "1"}
    second = Chat(bot, conversation_id="chat-b")
    await second.say("I work as an auditor")

    replies = await second.say("delete my data")
    replies = await second.click(buttons(replies)["Yes"])
    said = texts(replies)
    assert "I erased" in said
    assert "our chats (2)" in said and "your profile" in said and ticket.id in said
    assert user_keys(storage) == []  # every chat's private state, the profile, the index

    replies = await first.say("which team should I join?")  # the other chat forgot too
    assert TOLD not in texts(replies)
    assert ASKS_ROLE in texts(replies)
    erased = bot.desk.store.get_ticket(ticket.id)
    assert "erased at the user's request" in erased.description
    assert PROBLEM not in str(erased.to_json())
    assert "Ana Example" not in str(erased.to_json())
    assert "aad-1" not in str(erased.to_json())
    queued = [d.payload for d in bot.desk.store.pending(ticket.id) if d.kind == "channel"]
    assert {"erased": True} in queued  # its card in the support channel shows the erasure


async def test_forget_me_in_german_is_asked_and_confirmed_in_german(bot, storage) -> None:
    chat = Chat(bot)
    await chat.send(chat.message("Ich bin Prüfer", locale="de-DE"))
    replies = await chat.send(chat.message("Lösche meine Daten", locale="de-DE"))
    assert "rückgängig" in texts(replies)
    choices = buttons(replies)
    assert set(choices) == {"Ja", "Nein"}
    replies = await chat.click(choices["Ja"])
    assert "gelöscht" in texts(replies)
    assert "Chat" in texts(replies)
    assert user_keys(storage) == []


async def test_typed_answers_count_and_anything_else_asks_again(bot, storage) -> None:
    chat = Chat(bot)
    await chat.say("I work as an auditor")
    replies = await chat.say("efface mes données")
    assert "irréversible" in texts(replies)
    replies = await chat.say("quel temps fait-il ?")
    assert set(buttons(replies)) == {"Oui", "Non"}  # asked again, nothing erased
    assert user_keys(storage) != []
    replies = await chat.send(chat.message("oui", locale="fr-FR"))  # typed
    assert "effacé" in texts(replies)
    assert user_keys(storage) == []


async def test_cancel_while_asked_erases_nothing(bot, storage) -> None:
    chat = Chat(bot)
    await chat.say("I work as an auditor")
    await chat.say("forget me")
    replies = await chat.say("cancel")
    assert "I forgot the roles" in texts(replies)  # "start over", not "forget me"
    replies = await chat.say("yes")
    assert "I erased" not in texts(replies)
    assert any("/users/" in k for k in user_keys(storage))


async def test_forget_me_interrupts_a_question(bot, storage) -> None:
    chat = Chat(bot)
    await chat.say("I can't log in")  # asks whether to pass it on
    replies = await chat.say("forget me")
    assert set(buttons(replies)) == {"Yes", "No"}
    replies = await chat.say("yes")
    assert "I erased" in texts(replies)
    assert bot.desk.store.list_tickets() == []  # the "yes" erased, it opened no ticket


@pytest.mark.parametrize("kind", ["channel", "groupChat"])
async def test_in_front_of_colleagues_it_erases_and_names_nothing(bot, storage, kind) -> None:
    personal = Chat(bot, conversation_id="personal")
    await personal.say("I'm a communication officer")
    ticket = await open_ticket(personal)
    shared = Chat(bot, conversation_type=kind, conversation_id=f"shared-{kind}")
    replies = await shared.say("forget me")
    replies = await shared.click(buttons(replies)["Yes"])
    said = texts(replies)
    assert "I erased everything I kept about you" in said
    assert ticket.id not in said and "our chats" not in said and "profile" not in said
    assert not any("/users/user-1" in k for k in storage.memory)
    assert bot.desk.store.get_ticket(ticket.id).user_name == ""


async def test_nothing_kept_says_so(bot, storage) -> None:
    chat = Chat(bot)
    replies = await chat.say("forget me")
    replies = await chat.click(buttons(replies)["Yes"])
    assert "nothing to erase" in texts(replies)


async def test_another_users_data_stays(bot, storage, settings, catalogue) -> None:
    other = Chat(bot, conversation_id="other")
    other.reference.user.id, other.reference.user.aad_object_id = "user-2", "aad-2"
    await other.say("I'm a communication officer")
    theirs = await open_ticket(other)
    mine = Chat(bot, conversation_id="mine")
    replies = await mine.say("forget me")
    await mine.click(buttons(replies)["Yes"])
    assert any("user-2" in k for k in storage.memory)
    assert bot.desk.store.get_ticket(theirs.id) == theirs
    replies = await other.say("which team should I join?")
    assert TOLD in texts(replies)


async def test_the_bots_worker_purges_resolved_tickets_after_the_setting(settings, catalogue):
    clock = [dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)]
    bot = build_bot(
        dataclasses.replace(settings, ticket_retention_days=30),
        MemoryStorage(),
        catalogue=catalogue,
        detect=detect,
        now=lambda: clock[0],
    )
    ticket = await open_ticket(Chat(bot))
    store = bot.desk.store
    store.update_ticket(ticket.id, now=clock[0], status=Status.RESOLVED)
    clock[0] += dt.timedelta(days=29)
    await bot.desk.worker.run_once()
    assert store.get_ticket(ticket.id).description == PROBLEM  # 29 days: kept
    clock[0] += dt.timedelta(days=2)
    await bot.desk.worker.run_once()
    erased = store.get_ticket(ticket.id)
    assert erased.description == (
        "Personal data erased on 2026-12-25, 30 days after the request was resolved."
    )
    assert erased.user_name == "" and erased.transcript == ()
