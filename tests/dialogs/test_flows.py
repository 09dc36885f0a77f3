"""Dialog tests on botbuilder's TestAdapter: every conversation flow, interruptions included."""

from __future__ import annotations

import datetime as dt
import json
import logging

from botbuilder.schema import Activity, ChannelAccount

from bot.settings import Settings
from bot.tickets.store.sqlite import SqliteStore
from tests.support.cards import actions
from tests.support.chat import Chat, all_text, card_of


def texts(replies: list[Activity]) -> str:
    return "\n".join(all_text(r) for r in replies)


async def test_recommendation_card_with_join_buttons(chat: Chat) -> None:
    replies = await chat.say("is there a group for controllers?")
    assert len(replies) == 1
    card = card_of(replies[0])
    assert card is not None and card["version"] == "1.4"
    text = texts(replies)
    assert "Controllers network" in text
    assert "I have no account yet" in text
    settings = chat.components.assistant.catalogue.portal
    urls = [a["url"] for a in actions(card) if a["type"] == "Action.OpenUrl"]
    assert urls[0] == settings.all_communities_url  # the primary button opens the portal
    assert settings.register_url in urls


async def test_vague_question_asks_the_role_then_recommends(chat: Chat) -> None:
    replies = await chat.say("which team should I join?")
    assert "describes your work best" in texts(replies)
    replies = await chat.say("I work as an auditor")
    text = texts(replies)
    assert "Auditors network" in text


async def test_role_question_is_asked_at_most_twice(chat: Chat) -> None:
    first = await chat.say("which team should I join?")
    assert "describes your work best" in texts(first)
    second = await chat.say("no idea")  # not a role: asked a second time
    assert "describes your work best" in texts(second)
    third = await chat.say("still no idea")  # after two asks the bot stops insisting
    assert third and "describes your work best" not in texts(third)


async def test_role_dialog_accepts_any_question_instead(chat: Chat) -> None:
    await chat.say("which team should I join?")
    replies = await chat.say("how can I sign up for an account?")
    assert "portal" in texts(replies)


async def test_escalation_confirms_asks_description_and_opens_a_ticket(chat: Chat) -> None:
    replies = await chat.say("I can't log in")
    text = texts(replies)
    assert "tech.support@interact.eu" in text
    assert "Shall I prepare an e-mail to tech.support@" in text  # no channel, no SMTP
    replies = await chat.say("yes")
    assert "describe the problem" in texts(replies)
    replies = await chat.say("The activation e-mail never arrived, I checked the spam folder")
    text = texts(replies)
    assert "SUP-0001" in text
    tickets = chat.components.desk.store.list_tickets()
    assert [t.id for t in tickets] == ["SUP-0001"]
    ticket = tickets[0]
    assert ticket.route == "tech-support" and ticket.contact_email == "tech.support@interact.eu"
    assert ticket.description.startswith("The activation e-mail never arrived")
    assert ticket.user_name == chat.adapter.template.from_property.name
    assert any(t.who == "user" and t.text == "I can't log in" for t in ticket.transcript)
    assert (
        ticket.conversation_reference["conversation"]["id"] == chat.adapter.template.conversation.id
    )
    # No support channel is set yet: the user is told the truth, and the delivery waits.
    assert [d.kind for d in chat.components.desk.store.pending(ticket.id)] == ["channel"]
    card = card_of(replies[-1])
    mailto = next(a["url"] for a in actions(card) if a.get("url", "").startswith("mailto:"))
    assert "SUP-0001" in mailto and "activation%20e-mail%20never%20arrived" in mailto


async def test_escalation_skips_description_when_message_describes_it(chat: Chat) -> None:
    first = "the join link for the Controllers network fails with access denied every time"
    await chat.say(first)
    replies = await chat.say("yes please")
    assert "SUP-0001" in texts(replies)
    assert chat.components.desk.store.get_ticket("SUP-0001").description == first


async def test_a_problem_asked_after_a_team_question_is_escalated_too(chat: Chat) -> None:
    said = "I'm a controller, which team is mine? Also my account was never approved"
    replies = await chat.say(said)
    text = texts(replies)
    assert "Controllers network" in text  # the team question is answered first
    assert text.index("Controllers network") < text.index(
        "Shall I prepare an e-mail to tech.support@"
    )
    await chat.say("yes")
    await chat.say("I registered three weeks ago and nobody activated it")
    ticket = chat.components.desk.store.get_ticket("SUP-0001")
    assert ticket.route == "tech-support"
    assert any(t.who == "user" and t.text == said for t in ticket.transcript)


async def test_general_question_for_a_person_goes_to_communication(chat: Chat) -> None:
    await chat.say("I need to talk to someone about the working groups")
    await chat.say("yes")
    await chat.say("We would like to join the indicators group with two colleagues")
    ticket = chat.components.desk.store.get_ticket("SUP-0001")
    assert ticket.route == "communication"


async def test_fallback_twice_offers_a_person(chat: Chat) -> None:
    first = await chat.say("sing me a song")
    second = await chat.say("what is the weather in Vienna")
    assert "Ask a person at Interact" not in texts(first)
    assert "Ask a person at Interact" in texts(second)


async def test_thumbs_down_offers_a_person(chat: Chat) -> None:
    replies = await chat.click({"action": "feedback", "vote": "down", "answer": "faq:register"})
    assert "contact Interact" in texts(replies)


async def test_escalation_declined(chat: Chat) -> None:
    await chat.say("put me through to your support people")
    replies = await chat.say("no")
    assert "at any time" in texts(replies)


async def test_help_interrupts_and_reprompts(chat: Chat) -> None:
    await chat.say("I can't log in")
    await chat.say("yes")
    replies = await chat.say("help")
    text = texts(replies)
    assert "all teams" in text.lower()  # help names the list
    assert "describe the problem" in text  # the question is asked again
    replies = await chat.say("My password reset mail does not come")
    assert "SUP-0001" in texts(replies)


async def test_cancel_and_start_over_stop_any_dialog(chat: Chat) -> None:
    await chat.say("I can't log in")
    replies = await chat.say("cancel")
    assert "I stopped that" in texts(replies)
    replies = await chat.say("auditors")
    assert "Auditors network" in texts(replies)
    await chat.say("which team should I join?")
    replies = await chat.say("start over")
    assert "I stopped that" in texts(replies)


async def test_remembers_roles_and_last_team(chat: Chat) -> None:
    await chat.say("I'm a communication officer")
    replies = await chat.say("and which sub-teams?")
    text = texts(replies)
    assert "Transnational Communication" in text and "IPA Communication" in text
    replies = await chat.say("which team should I join?")
    assert "Communication and visibility" in texts(replies)


async def test_eligibility_is_remembered(chat: Chat) -> None:
    await chat.say("I'm a controller")
    replies = await chat.say("financial management")
    text = texts(replies)
    assert "not open to controllers" in text
    assert "Controllers network" in text


async def test_channel_mention_is_removed(components) -> None:
    chat = Chat(components, conversation_type="channel")
    replies = await chat.say("<at>Interact</at> is there a group for controllers?")
    assert "Controllers network" in texts(replies)
    # The bot's name as Teams writes the @mention is not read as part of the question, even
    # when it is a word the bot knows (here a community's name).
    replies = await chat.say("<at>Jems</at> is there a group for controllers?")
    assert "Controllers network" in texts(replies)
    assert "Jems network" not in texts(replies)


async def test_question_button_goes_through_pipeline_and_replaces_card(chat: Chat) -> None:
    data = {
        "msteams": {"type": "messageBack", "text": "show me every team"},
        "ask": "show me every team",
    }
    replies = await chat.click(data, text="show me every team")
    assert "Programme and project management" in texts(replies)
    assert len(chat.adapter.updated_activities) == 1
    assert "show me every team" in all_text(chat.adapter.updated_activities[0])


async def test_plain_submit_without_text_uses_the_data(chat: Chat) -> None:
    replies = await chat.click({"ask": "working groups"})
    assert "State aid" in texts(replies)


async def recorded(chat: Chat, settings: Settings) -> tuple[dict[str, int], list[str]]:
    """Every counter and fallback question the store holds (the analytics of every instance),
    once the writes the turns queued are done."""
    await chat.components.background.settle()
    with SqliteStore(settings.store_path) as store:
        counts: dict[str, int] = {}
        for day in store.read_counts(dt.date(2000, 1, 1)).values():
            counts.update(day)
        dumped = json.dumps([counts, store.read_fallbacks(dt.date(2000, 1, 1))], default=str)
        assert "Ana" not in dumped and "user-1" not in dumped  # never the user
        return counts, [q for _, q in store.read_fallbacks(dt.date(2000, 1, 1))]


async def test_feedback_is_recorded_without_the_user_and_card_replaced(
    chat: Chat, settings: Settings
) -> None:
    data = {
        "action": "feedback",
        "vote": "down",
        "answer": "faq:register",
        "q": "how can I sign up for an account?",
    }
    replies = await chat.click(data)
    assert len(replies) == 1  # the offer of a person
    kept = all_text(chat.adapter.updated_activities[0])
    assert "register for an account" in kept and "Was this helpful?" not in kept  # answer stays
    assert "Thanks for your feedback" in all_text(chat.adapter.updated_activities[0])
    counts, _ = await recorded(chat, settings)
    assert counts == {"vote:down:faq:register": 1}


async def test_fallback_questions_are_recorded(chat: Chat, settings: Settings) -> None:
    await chat.say("write me a poem about the sea")
    counts, questions = await recorded(chat, settings)
    assert questions == ["write me a poem about the sea"]
    assert counts == {"intent:fallback": 1, "language:en": 1}


async def test_recommendations_and_escalation_routes_are_counted(
    chat: Chat, settings: Settings
) -> None:
    await chat.say("I am a financial controller")
    counts, questions = await recorded(chat, settings)
    assert counts["intent:recommend"] == 1 and questions == []
    communities = [k for k in counts if k.startswith("community:")]
    assert communities and all(counts[k] == 1 for k in communities)
    await chat.say("I can't log in")
    await chat.say("yes")
    await chat.say("The activation e-mail never arrived, I checked the spam folder")
    counts, _ = await recorded(chat, settings)
    assert counts["route:tech-support"] == 1
    assert all(counts[k] == 1 for k in communities)  # counted once, when recommended


async def test_welcome_once_per_user(chat: Chat) -> None:
    def added() -> Activity:
        return Activity(
            type="conversationUpdate",
            members_added=[ChannelAccount(id="user-1"), ChannelAccount(id="bot-1")],
        )

    first = await chat.send(added())
    second = await chat.send(added())
    assert len(first) == 1 and "Interact" in all_text(first[0])
    assert second == []


async def test_installation_update_welcomes(chat: Chat) -> None:
    replies = await chat.send(Activity(type="installationUpdate", action="add"))
    assert len(replies) == 1


async def test_failing_turn_apologises_with_error_id_and_logs_it(chat: Chat, caplog) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    chat.components.assistant.respond = boom  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR):
        replies = await chat.say("is there a group for controllers?")
    assert "something went wrong" in replies[0].text
    error_id = replies[0].text.rsplit("error id ", 1)[1].rstrip(")")
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)
    assert "kaboom" not in replies[0].text


async def test_install_sends_one_welcome_even_when_both_events_race(chat: Chat) -> None:
    import asyncio

    install = chat.message(None)
    install.type, install.action, install.text = "installationUpdate", "add", None
    update = chat.message(None)
    update.type, update.text = "conversationUpdate", None
    update.members_added = [ChannelAccount(id="user-1"), ChannelAccount(id="bot-1")]
    send = chat.adapter.send_activities

    async def slow_send(context, activities):  # a real channel takes time to answer
        await asyncio.sleep(0.05)
        return await send(context, activities)

    chat.adapter.send_activities = slow_send
    await asyncio.gather(
        chat.adapter.process_activity(install, chat.components.bot.on_turn),
        chat.adapter.process_activity(update, chat.components.bot.on_turn),
    )
    welcomes = [a for a in chat.adapter.activity_buffer if a.type == "message"]
    assert len(welcomes) == 1


async def test_concurrent_turns_in_one_conversation_both_answer(chat: Chat) -> None:
    import asyncio

    send = chat.adapter.send_activities

    async def slow_send(context, activities):
        await asyncio.sleep(0.02)
        return await send(context, activities)

    chat.adapter.send_activities = slow_send
    await asyncio.gather(
        *(
            chat.adapter.process_activity(chat.message(q), chat.components.bot.on_turn)
            for q in ("auditors", "controllers", "show me every team")
        )
    )
    replies = [a for a in chat.adapter.activity_buffer if a.type == "message"]
    assert len(replies) == 3
    assert not any("something went wrong" in (r.text or "") for r in replies)


async def test_a_long_description_is_capped_and_the_user_told(chat: Chat) -> None:
    await chat.say("I can't log in")
    await chat.say("yes")
    long = "The activation mail never arrives. " + "Here is the log line again. " * 300
    assert len(long) > 8000
    replies = await chat.say(long)
    ticket = chat.components.desk.store.get_ticket("SUP-0001")
    assert len(ticket.description) <= 4000 and ticket.description.endswith("…")
    assert long.startswith(ticket.description[:-1])
    text = texts(replies)
    assert "longer than 4000 characters" in text and "tech.support@interact.eu" in text
    assert "SUP-0001" in text


async def test_a_description_within_the_cap_is_kept_whole(chat: Chat) -> None:
    await chat.say("I can't log in")
    await chat.say("yes")
    exact = "x" * 3989 + " last words"  # 4,000 characters
    replies = await chat.say(exact)
    assert chat.components.desk.store.get_ticket("SUP-0001").description == exact
    assert "characters" not in texts(replies)


async def test_whom_to_write_to_asked_after_a_team_question_is_answered_too(chat: Chat) -> None:
    replies = await chat.say(
        "Ich mache die Pressearbeit unseres Programms, welches Team, und wenn ich eine "
        "allgemeine Frage habe, wem schreibe ich?"
    )
    text = texts(replies)
    assert "Communication and visibility" in text  # the team question is answered first
    assert "communication@interact.eu" in text
    assert text.index("Communication and visibility") < text.rindex("communication@interact.eu")
