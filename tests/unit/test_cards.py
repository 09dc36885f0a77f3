"""Every card the builders can produce: valid for Teams (offline validator), version 1.4, compact,
join buttons in the right order, user text inert, e-mail subjects filled in."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.answers import CLARIFY_ROLES, Answer, Answerer, Refusal, i_am
from bot.core.catalogue import Catalogue
from bot.core.understanding import Intent, Match, Reason, Understanding
from bot.core.understanding import Refusal as URefusal
from cards.builders import (
    CARD_VERSION,
    OUTCOME_LIMIT,
    ROW,
    answer_card,
    card_text,
    community_card,
    escape,
    outcome_card,
    plain,
    unescape,
    welcome_card,
)
from cards.extension import search_response
from cards.render import activities_text, answer_key, render
from tests.support.cards import TEAMS_MAX_BYTES, actions, cards_in, validate_cards, walk

DATES = (dt.date(2025, 6, 1), dt.date(2025, 9, 1))  # before and after the dated facts
OTHER_LANGUAGES = ("de", "fr", "it", "es")
TEAMS_URL = "https://teams.microsoft.com/l/team/19%3Aabc%40thread.tacv2/conversations"
HOSTILE = (
    "[click](https://evil.example) **bold** _it_ ~~x~~ <at>Admin</at>"
    " {{DATE(2017-02-14T06:08:00Z)}}"
    " ${name} # h\n\n- item\n1. one &#91;x&#93; `code` \\[ok\\] \u202eexe.txt\u0000"
)


# --------------------------------------------------------------------------- the catalogue


def variant(cat: Catalogue, *, teams_url: bool, join_url: bool) -> Catalogue:
    """The catalogue with a Teams link and/or a join page for every community."""

    def change(c: Any) -> Any:
        return dataclasses.replace(
            c,
            teams_url=TEAMS_URL if teams_url else None,
            join_url=f"https://portal.interact.eu/communities/{c.id}" if join_url else None,
        )

    return dataclasses.replace(
        cat,
        teams=tuple(change(c) for c in cat.teams),
        subteams=tuple(change(c) for c in cat.subteams),
    )


VARIANTS = {
    "plain": {"teams_url": False, "join_url": False},
    "teams": {"teams_url": True, "join_url": False},
    "teams-join": {"teams_url": True, "join_url": True},
    "join": {"teams_url": False, "join_url": True},
}


def answer(cat: Catalogue, u: Understanding, today: dt.date = DATES[0]) -> Answer:
    return Answerer(cat).answer(u, today)


def recommend(cat: Catalogue, *ids: str, **kw: Any) -> Answer:
    matches = tuple(Match(i, 1.0, (Reason("mentioned", i),)) for i in ids)
    return answer(cat, Understanding(text="q", intent=Intent.RECOMMEND, matches=matches, **kw))


# --------------------------------------------------------------------------- every card


def answers(cat: Catalogue) -> Iterator[tuple[str, Answer, Catalogue]]:
    """(name, answer, catalogue) for every kind of answer card."""
    for vname, flags in VARIANTS.items():
        vcat = variant(cat, **flags)
        for c in vcat.communities:
            yield f"recommend-{c.id}-{vname}", recommend(vcat, c.id), vcat
        for team in vcat.teams:
            subs = vcat.children(team.id)
            if subs:
                ids = [s.id for s in subs]
                yield (
                    f"followup-{team.id}-{vname}",
                    recommend(vcat, *ids, follow_up=True),
                    vcat,
                )
        ids = tuple(c.id for c in vcat.communities[:3])
        yield f"recommend-three-{vname}", recommend(vcat, *ids), vcat
    for rule in cat.eligibility:
        refused = [rule.community, *(s.id for s in cat.children(rule.community))]
        for role_id in rule.not_open_to:
            right = cat.role(role_id).communities[0]
            for cid in refused:
                yield (
                    f"refusal-{cid}-{role_id}",
                    recommend(cat, right, refusals=(URefusal(cid, role_id),), roles=(role_id,)),
                    cat,
                )
            name, plural = cat.community(rule.community).name, cat.role(role_id).plural
            said = f"{name} is not open to {plural}."
            yield (
                f"refusal-only-{rule.community}-{role_id}",
                Answer(
                    query="q",
                    intent=Intent.RECOMMEND,
                    text=said,
                    intro="",
                    refusals=(_refusal(cat, rule.community, said),),
                ),
                cat,
            )
    for today in DATES:
        for faq in cat.faqs:
            u = Understanding(text="q", intent=Intent.FAQ, faq_id=faq.id)
            yield f"faq-{faq.id}-{today}", answer(cat, u, today), cat
    for contact in cat.contacts:
        u = Understanding(text="q", intent=Intent.ESCALATE, contact_id=contact.id)
        yield f"escalate-{contact.id}", answer(cat, u), cat
    for intent in (
        Intent.LIST,
        Intent.WORKING_GROUPS,
        Intent.GREETING,
        Intent.HELP,
        Intent.CLARIFY,
        Intent.FALLBACK,
    ):
        yield f"intent-{intent}", answer(cat, Understanding(text="q", intent=intent)), cat


def _refusal(cat: Catalogue, community_id: str, text: str) -> Refusal:
    return Refusal(cat.community(community_id), text)


def all_cards(cat: Catalogue) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, JSON document) for every card: answer activities as the bot sends them, then the
    cards built on their own."""
    for name, ans, acat in answers(cat):
        yield name, render(ans, acat)[0]
    for vname, flags in VARIANTS.items():
        vcat = variant(cat, **flags)
        for c in vcat.communities:
            yield f"community-{c.id}-{vname}", community_card(c, vcat, vcat.texts())
    yield "welcome", welcome_card(cat, cat.texts())
    yield "outcome-choice", outcome_card("You chose", "I'm a controller")
    yield "outcome-feedback", outcome_card("Thanks for your feedback")
    yield "outcome-hostile", outcome_card("You chose", HOSTILE)
    yield "outcome-long", outcome_card("You chose", "x" * 5000)


def join_buttons(node: Any) -> list[dict[str, Any]]:
    return [a for a in actions(node) if a["type"] == "Action.OpenUrl"]


def ask_buttons(node: Any) -> dict[str, str]:
    """The question buttons, by title, with what they ask."""
    return {a["title"]: a["data"]["ask"] for a in actions(node) if "ask" in a.get("data", {})}


@pytest.fixture(scope="module")
def every(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    out = dict(all_cards(catalogue))
    assert len(out) > 200  # the names are unique: nothing overwritten
    return out


# --------------------------------------------------------------------------- the validator


def test_every_card_passes_the_teams_validator(every, tmp_path):
    result = validate_cards(every, tmp_path)
    total = sum(len(cards_in(doc)) for doc in every.values())
    assert f"{total} card(s) in {len(every)} file(s)" in result


# --------------------------------------------------------------------------- plain assertions


def test_every_card_declares_version_1_4(every):
    assert CARD_VERSION == "1.4"
    for name, doc in every.items():
        found = cards_in(doc)
        assert found, name
        for c in found:
            assert c["version"] == "1.4", name
            assert c["type"] == "AdaptiveCard"


def test_every_card_is_compact(every):
    for name, doc in every.items():
        size = len(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode())
        assert size < TEAMS_MAX_BYTES, (name, size)
        for node in walk(doc):
            if node.get("type") == "ActionSet":
                assert 1 <= len(node["actions"]) <= ROW <= 6, name
        assert "actions" not in cards_in(doc)[0] or len(cards_in(doc)[0]["actions"]) <= 6


def test_every_answer_card_asks_for_feedback_and_no_question_card_does(catalogue):
    """Only answers ask "Was this helpful?": not the greeting, help, role question or can't-help."""
    asking = {Intent.GREETING, Intent.HELP, Intent.CLARIFY, Intent.FALLBACK}
    for name, ans, acat in answers(catalogue):
        doc = answer_card(ans, acat, answer_key(ans))
        votes = [a for a in actions(doc) if a.get("data", {}).get("action") == "feedback"]
        asked = {"q": ans.query} if ans.query else {}
        if ans.intent in asking:
            assert votes == [] and "Was this helpful?" not in card_text(doc), name
            continue
        assert [v["data"] for v in votes] == [
            {"action": "feedback", "vote": "up", "answer": answer_key(ans), **asked},
            {"action": "feedback", "vote": "down", "answer": answer_key(ans), **asked},
        ], name
        assert all(v["type"] == "Action.Submit" for v in votes)
        assert "Was this helpful?" in card_text(doc), name


def test_buttons_that_ask_go_through_the_message_pipeline(every):
    """Plain data, which every client sends: a ``msteams`` object (messageBack, imBack) throws
    in the Agents Playground and sends nothing."""
    for name, doc in every.items():
        for a in actions(doc):
            assert "msteams" not in (a.get("data") or {}), (name, a)
            if a["type"] == "Action.Submit" and a["data"].get("action") != "feedback":
                # what it asks, the card's language, and where the card came from (``q``: its
                # question; ``card``: the welcome, the confirmation and its ``contact``), so
                # that a click can show it again
                fields = {"ask", "lang", "q", "card", "contact"}
                assert set(a["data"]) <= fields and a["data"]["ask"].strip(), (name, a)
            if a["type"] == "Action.OpenUrl":
                assert a["url"].startswith(("https://", "mailto:")), (name, a["url"])


def test_recommendation_shows_name_who_why_and_how(catalogue):
    for c in catalogue.communities:
        ans = recommend(catalogue, c.id)
        text = activities_text(render(ans, catalogue))
        assert c.name in text
        assert f"Who should join: {c.who_should_join}" in text
        assert f"Why it matched: you mentioned “{c.id}”" in text
        assert "How to join: " in text
        assert "Interact" in text
        how = next(t for t in card_text(answer_card(ans, catalogue, "k")) if "How to join" in t)
        for name in (c.name, catalogue.parent_of(c).name if c.parent else ""):
            how = how.replace(name, "") if name else how
        assert len(how.split()) <= 18, how  # one short line (besides the names), not ~45 words
        assert ask_buttons(answer_card(ans, catalogue, "k"))["How do I join?"]
        buttons = join_buttons(answer_card(ans, catalogue, "k"))
        assert buttons[0].get("style") == "positive"
        if not c.parent:
            assert buttons[0]["url"] == catalogue.portal.all_communities_url
            assert buttons[1]["title"] == "I have no account yet"
        assert catalogue.portal.register_url in [b["url"] for b in buttons]
        # no promise that a click makes anyone a member
        assert not re.search(r"(?i)\b(you are now|you will be added|instantly|one click)", text)


def test_subteam_cards_are_private_and_show_the_parent_button_first(catalogue):
    for vname, flags in VARIANTS.items():
        vcat = variant(catalogue, **flags)
        for sub in vcat.subteams:
            parent = vcat.parent_of(sub)
            assert parent is not None
            for doc in (
                answer_card(recommend(vcat, sub.id), vcat, "k"),
                community_card(sub, vcat, vcat.texts()),
            ):
                text = "\n".join(card_text(doc))
                assert f"Private sub-team of {parent.name}" in text, (sub.id, vname)
                assert f"first {parent.name} (button 1), then {sub.name} (button 2)" in text
                buttons = join_buttons(doc)
                assert buttons[0]["title"] == f"1. Join {parent.name}", (sub.id, vname)
                assert buttons[0]["url"] == vcat.join_url(parent)
                assert buttons[0].get("style") == "positive"
                assert buttons[1]["title"] == f"2. Join {sub.name}"
                assert buttons[1]["url"] == vcat.join_url(sub)
                assert "style" not in buttons[1]


def test_open_in_teams_only_with_a_teams_link(catalogue):
    for vname, flags in VARIANTS.items():
        vcat = variant(catalogue, **flags)
        for c in vcat.communities:
            for doc in (
                answer_card(recommend(vcat, c.id), vcat, "k"),
                community_card(c, vcat, vcat.texts()),
            ):
                teams = [b for b in join_buttons(doc) if "Open in Teams" in b["title"]]
                if flags["teams_url"]:
                    assert [b["url"] for b in teams] == [TEAMS_URL], (c.id, vname)
                    assert teams[0]["title"] == "Already a member? Open in Teams"
                    assert join_buttons(doc)[-1] is teams[0]  # after joining and registering
                else:
                    assert teams == [], (c.id, vname)
    for name, doc in all_cards(catalogue):
        if "-teams" not in name:
            assert not any("Open in Teams" in a.get("title", "") for a in actions(doc)), name


def test_join_page_of_the_catalogue_is_used(catalogue):
    vcat = variant(catalogue, teams_url=False, join_url=True)
    doc = answer_card(recommend(vcat, "jems"), vcat, "k")
    assert join_buttons(doc)[0]["url"] == "https://portal.interact.eu/communities/jems"
    assert "its page on the Interact portal" in "\n".join(card_text(doc))


def test_refusal_gives_the_reason_and_the_right_community(catalogue):
    ans = recommend(
        catalogue,
        "controllers",
        refusals=(URefusal("financial-management", "controller"),),
        roles=("controller",),
    )
    doc = answer_card(ans, catalogue, "k")
    lines = card_text(doc)
    text = "\n".join(lines)
    assert lines[0] == "⚠️ Financial management is not open to controllers."
    assert "not open for controllers or auditors" in text  # the reason, from the catalogue
    # a sub-team is refused by its parent's rule: the reason is the parent's
    sub = recommend(
        catalogue,
        "auditors",
        refusals=(URefusal("south-west-europe", "auditor"),),
        roles=("auditor",),
    )
    sub_lines = card_text(answer_card(sub, catalogue, "k"))
    assert sub_lines[0].startswith("⚠️ South West Europe, a sub-team of Financial management,")
    assert sub_lines[1].startswith("Who should join Financial management: ")
    assert sub_lines[1].endswith("(not open for controllers or auditors)")
    assert "Instead, I recommend Controllers network." in text
    instead = lines.index("Instead, I recommend Controllers network.")
    assert lines[instead + 1] == "Controllers network"  # the right community, right after
    assert join_buttons(doc)[0]["title"] == "Join on the portal"
    assert join_buttons(doc)[0]["url"] == catalogue.join_url(catalogue.community("controllers"))


def test_refusal_without_recommendation_offers_the_list(catalogue):
    ans = Answer(
        query="q",
        intent=Intent.RECOMMEND,
        text="Financial management is not open to controllers.",
        intro="",
        refusals=(_refusal(catalogue, "financial-management", "not open to controllers."),),
    )
    doc = answer_card(ans, catalogue, "k")
    says = catalogue.texts().get("choice.list_all.says")
    assert any(a.get("data", {}).get("ask") == says for a in actions(doc))


def test_list_card_groups_all_communities(catalogue):
    ans = answer(catalogue, Understanding(text="q", intent=Intent.LIST))
    lines = card_text(answer_card(ans, catalogue, "k"))
    for team in catalogue.teams:
        line = next(x for x in lines if x.startswith(team.name + " · "))
        subs = catalogue.children(team.id)
        following = lines[lines.index(line) + 1]
        if subs:
            assert following == "Private sub-teams: " + " · ".join(s.name for s in subs)
        else:
            assert not following.startswith("Private")
    assert len(catalogue.teams) == 10 and len(catalogue.communities) == 23


@pytest.mark.parametrize("language", ["en", *OTHER_LANGUAGES])
def test_private_subteams_are_said_without_an_emoji(catalogue, language):
    """ "Private" needs no pictograph: a lock (U+1F512) shows as an empty box where no emoji font
    is installed (the Playground's headless browser, some Linux desktops)."""
    texts = catalogue.texts(language)
    u = Understanding(text="q", intent=Intent.LIST)
    docs = [answer_card(Answerer(catalogue, language).answer(u, DATES[0]), catalogue, "k")]
    docs += [community_card(s, catalogue, texts) for s in catalogue.subteams]
    parents = {p.name for s in catalogue.subteams if (p := catalogue.parent_of(s))}
    marks = [texts.get("card.private_subteam", parent=p) for p in parents]
    marks.append(texts.get("card.private_subteams", names="").strip())
    lines = [line for doc in docs for line in card_text(doc)]
    private = [line for line in lines if any(line.startswith(m) for m in marks)]
    assert len(private) >= len(catalogue.subteams)
    for line in private:
        assert all(ord(ch) <= 0xFFFF for ch in line), (language, line)


def test_faq_cards_offer_related_questions_as_buttons(catalogue):
    for faq in catalogue.faqs:
        ans = answer(catalogue, Understanding(text="q", intent=Intent.FAQ, faq_id=faq.id))
        doc = answer_card(ans, catalogue, "k")
        asked = [a["data"]["ask"] for a in actions(doc) if "ask" in a.get("data", {})]
        assert asked == [catalogue.faq(r).questions[0] for r in faq.related], faq.id
        assert card_text(doc)[0][0].isupper()


def test_working_groups_card_lists_them(catalogue):
    ans = answer(catalogue, Understanding(text="q", intent=Intent.WORKING_GROUPS))
    text = "\n".join(card_text(answer_card(ans, catalogue, "k")))
    for wg in catalogue.working_groups:
        assert wg.name in text and wg.nickname in text


def _in(language: str, cat: Catalogue, u: Understanding) -> Answer:
    return Answerer(cat, language).answer(u, DATES[0])


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_cards_in_another_language_describe_communities_in_it(catalogue, understander, language):
    """Who should join a community (the recommendation, the shared card, the list, a refusal's
    reason, the messaging extension's preview) is in the card's language; the names stay."""
    texts = catalogue.texts(language)

    def translated(community_id: str) -> str:
        return texts.get(f"community.{community_id}.who_should_join")

    list_card = answer_card(
        _in(language, catalogue, Understanding(text="q", intent=Intent.LIST)), catalogue, "k"
    )
    list_text = "\n".join(card_text(list_card))
    for c in catalogue.communities:
        assert translated(c.id) != c.who_should_join, (language, c.id)
        u = Understanding(
            text="q",
            intent=Intent.RECOMMEND,
            matches=(Match(c.id, 1.0, (Reason("mentioned", c.id),)),),
        )
        for doc in (
            answer_card(_in(language, catalogue, u), catalogue, "k"),
            community_card(c, catalogue, texts),
        ):
            text = "\n".join(card_text(doc))
            assert c.name in text, (language, c.id)
            assert f"{texts.get('card.who_should_join')}: {translated(c.id)}" in text
            assert f": {c.who_should_join}" not in text, (language, c.id)
        preview = search_response(understander, c.name, texts)["composeExtension"]
        shown = next(
            a for a in preview["attachments"] if a["preview"]["content"]["title"] == c.name
        )
        assert translated(c.id) in shown["preview"]["content"]["text"]
        assert not shown["preview"]["content"]["text"].endswith(c.who_should_join)
        if not c.parent:
            assert f"{c.name} · {translated(c.id)}" in list_text
    assert not any(f"{c.name} · {c.who_should_join}" in list_text for c in catalogue.teams)
    for rule in catalogue.eligibility:
        community = catalogue.community(rule.community)
        u = Understanding(
            text="q",
            intent=Intent.RECOMMEND,
            refusals=(URefusal(rule.community, rule.not_open_to[0]),),
        )
        text = "\n".join(card_text(answer_card(_in(language, catalogue, u), catalogue, "k")))
        reason = texts.get("card.refused_who", name=community.name, who=translated(community.id))
        assert reason in text.splitlines(), (language, rule.community)


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_working_groups_card_in_another_language_is_in_it(catalogue, language):
    texts = catalogue.texts(language)
    u = Understanding(text="q", intent=Intent.WORKING_GROUPS)
    lines = card_text(answer_card(_in(language, catalogue, u), catalogue, "k"))
    for wg in catalogue.working_groups:
        translated = texts.get(f"working_group.{wg.id}.name")
        assert translated != wg.name and not any(line.startswith(f"{wg.name}:") for line in lines)
        name = f"{translated} ({wg.name})"  # and Interact's own name, as the portal shows it
        if wg.nickname:
            nickname = texts.get(f"working_group.{wg.id}.nickname")
            assert f"{name}: “{nickname}”" in lines, (language, wg.id)
        else:
            assert f"{name}: {texts.get('card.working_group')}" in lines, (language, wg.id)


@pytest.mark.parametrize("contact_id", ["tech-support", "communication"])
def test_escalation_mails_the_right_contact_with_a_subject(catalogue, contact_id):
    contact = catalogue.contact(contact_id)
    ans = answer(catalogue, Understanding(text="q", intent=Intent.ESCALATE, contact_id=contact_id))
    doc = answer_card(ans, catalogue, "k")
    mails = [b for b in join_buttons(doc) if b["url"].startswith("mailto:")]
    assert len(mails) == 1
    url = urlsplit(mails[0]["url"])
    assert url.path == contact.email
    subject = parse_qs(url.query)["subject"]
    assert subject == [catalogue.texts().get(f"contact.{contact_id}.mail_subject")]
    assert subject[0].startswith("Interact Communities: ")
    assert " " not in mails[0]["url"] and "%20" in mails[0]["url"]
    text = "\n".join(card_text(doc))
    assert "What happens next:" in text and contact.email in text
    assert ("what you tried" in text) == (contact_id == "tech-support")


def test_every_mailto_has_a_subject(every):
    for name, doc in every.items():
        for b in join_buttons(doc):
            if b["url"].startswith("mailto:"):
                assert parse_qs(urlsplit(b["url"]).query).get("subject"), name


def test_welcome_card(catalogue):
    doc = welcome_card(catalogue, catalogue.texts())
    asked = [a["data"]["ask"] for a in actions(doc)]
    labels = {r.id: r.label for r in catalogue.roles}
    assert asked[: len(CLARIFY_ROLES)] == [
        i_am(labels[r], catalogue.texts()) for r in CLARIFY_ROLES
    ]
    texts = catalogue.texts()
    assert i_am(labels["auditor"], texts) in asked and i_am(labels["controller"], texts) in asked
    assert texts.get("choice.list_all.says") in asked
    assert "Interact" in card_text(doc)[0]


# --------------------------------------------------------------------------- user text


def test_escape_neutralises_links_and_emphasis():
    link = escape("[click](https://evil)")
    assert link == r"\[click\]\(https://evil)"
    assert not re.search(r"(?<!\\)\[", link) and "](" not in link
    assert escape("**bold**") == r"\*\*bold\*\*"
    assert escape("__bold__ _it_ ~~s~~") == r"\_\_bold\_\_ \_it\_ \~\~s\~\~"
    assert escape("- item") == r"\- item" and escape("1. one") == r"1\. one"
    assert escape("# title") == r"\# title"
    assert escape("a\n\n- b") == "a - b"  # one line: no list, no paragraph
    assert escape("<at>Admin</at>") == r"\<at\>Admin\</at\>"
    assert escape("{{DATE(2017-02-14T06:08:00Z)}}") == r"\{\{DATE(2017-02-14T06:08:00Z)\}\}"
    assert escape("&#91;x&#93;") == r"\&\#91;x\&\#93;"
    assert escape("\u202eexe.txt\x00") == "exe.txt"
    # ordinary text is left alone
    assert escape("I'm a controller (FLC), e.g. in Strand B!") == (
        "I'm a controller (FLC), e.g. in Strand B!"
    )


_SPECIAL = re.compile(r"[\\`*_~\[\]<>{}#&|]")


@given(st.text())
def test_escape_leaves_no_markdown_and_reads_as_typed(text):
    out = escape(text)
    # every markdown character is preceded by a backslash that is not itself escaped
    unescaped = re.sub(r"\\.", "", out)
    assert not _SPECIAL.search(unescaped)
    assert "](" not in out and "\n" not in out
    assert unescape(out) == plain(text)


def test_outcome_card_escapes_user_text():
    doc = outcome_card("You chose", HOSTILE)
    blocks = [n["text"] for n in walk(doc) if n.get("type") == "TextBlock"]
    assert blocks[0] == "You chose"
    assert blocks[1] == escape(HOSTILE)
    assert "[click](" not in blocks[1] and "**" not in blocks[1]
    assert card_text(doc)[1] == plain(HOSTILE)  # the reader sees what was typed
    assert "actions" not in doc and not actions(doc)
    long = outcome_card("You chose", "x" * 5000)
    assert len(card_text(long)[1]) == OUTCOME_LIMIT
    assert card_text(outcome_card("Thanks for your feedback")) == ["Thanks for your feedback"]


def test_recommendation_reason_is_inert(catalogue):
    ans = recommend(catalogue, "jems")
    hostile = dataclasses.replace(
        ans,
        recommendations=(dataclasses.replace(ans.recommendations[0], reason=HOSTILE),),
    )
    doc = answer_card(hostile, catalogue, "k")
    runs = [n for n in walk(doc) if n.get("type") == "TextRun"]
    assert any(r["text"] == plain(HOSTILE) for r in runs)  # TextRuns are never markdown
    for n in walk(doc):
        if n.get("type") == "TextBlock":
            assert "evil" not in n["text"]


def test_a_vote_keeps_the_answer_and_replaces_only_the_feedback_row(catalogue):
    from cards.builders import feedback_given

    for name, ans, acat in answers(catalogue):
        doc = answer_card(ans, acat, answer_key(ans))
        if "Was this helpful?" not in card_text(doc):
            continue  # a question or help: nothing to vote on
        after = feedback_given(doc, "down", catalogue.texts())
        assert "Was this helpful?" not in card_text(after), name
        assert not [a for a in actions(after) if a.get("data", {}).get("action") == "feedback"]
        assert "Thanks for your feedback" in "\n".join(card_text(after))
        before = [t for t in card_text(doc) if t not in ("Was this helpful?", "👍 Yes", "👎 No")]
        assert all(t in card_text(after) for t in before), name


def test_one_reason_per_community_quoting_what_was_typed(catalogue, understander):
    """The reason quotes the user's own words (case, accents, hyphen), once per community."""
    cases = {
        "I'm a Comm-Officer!": "Comm-Officer",
        "I work as an *Auditor*": "Auditor",
        "Ich bin Prüfer": "Prüfer",
        "I am a CONTROLLER": "CONTROLLER",
    }
    for question, typed in cases.items():
        u = understander.understand(question)
        ans = Answerer(catalogue).in_language(u.language).answer(u, DATES[0])
        assert ans.recommendations, question
        for rec in ans.recommendations:
            assert rec.reason.count("“") + rec.reason.count("„") <= 1, rec.reason
        reasons = [r.reason for r in ans.recommendations]
        assert any(typed in r for r in reasons), (question, reasons)
        shown = "\n".join(card_text(answer_card(ans, catalogue, "k")))
        assert shown.count(reasons[0]) == 1, shown


def test_several_subteams_of_one_parent_offer_its_button_once(catalogue):
    for team in catalogue.teams:
        subs = catalogue.children(team.id)
        if len(subs) < 2:
            continue
        for follow_up in (True, False):
            ans = recommend(catalogue, *(s.id for s in subs), follow_up=follow_up)
            titles = [b["title"] for b in join_buttons(answer_card(ans, catalogue, "k"))]
            assert titles.count(f"1. Join {team.name}") == 1, titles
            assert titles[0] == f"1. Join {team.name}"
            assert all(f"2. Join {s.name}" in titles for s in subs), titles
    # a parent listed itself: its own button, no second one under its sub-team
    ans = recommend(catalogue, "communication", "ipa-communication")
    titles = [b["title"] for b in join_buttons(answer_card(ans, catalogue, "k"))]
    assert "1. Join Communication and visibility" not in titles, titles


def test_several_communities_say_how_to_join_once(catalogue):
    ans = recommend(catalogue, "controllers", "auditors", "jems")
    doc = answer_card(ans, catalogue, "k")
    text = card_text(doc)
    assert len([t for t in text if t.startswith("How to join")]) == 1, text
    assert list(ask_buttons(doc)).count("How do I join?") == 1
    assert [t for t in text if t == "I have no account yet"] == ["I have no account yet"]


def test_shared_community_card_has_no_question_button(catalogue):
    """A card shared into a conversation (messaging extension) cannot ask the bot."""
    for c in catalogue.communities:
        assert ask_buttons(community_card(c, catalogue, catalogue.texts())) == {}


UNSUPPORTED = (
    r"Teams[- ]link",
    r"\bcode\b",
    r"answers? by e-mail",
    r"get back to you",
    r"you will get a (reply|message) by e-mail",
    r"not from inside Teams",
)


def test_texts_claim_nothing_the_source_does_not(catalogue):
    """Sentences the source page does not support are in no card (English, and the phrases'
    translations: a Teams link or code, Interact answers by e-mail, they will get back to you)."""
    foreign = {
        "de": (r"Teams-Link", r"antwortet per E-Mail", r"erhalten dann eine", r"nicht\s+in Teams"),
        "fr": (r"code Teams", r"répond par e-mail", r"recevrez une", r"pas\s+depuis Teams"),
        "it": (r"codice di Teams", r"risponde via e-mail", r"riceverà una", r"non da Teams"),
        "es": (r"código de Teams", r"responde por correo", r"le responderán", r"no Teams\b"),
    }
    for language in ("en", "de", "fr", "it", "es"):
        texts = catalogue.texts(language)
        patterns = UNSUPPORTED + foreign.get(language, ())
        for key, text in texts.entries.items():
            if key.startswith(("fact.", "dated.", "role.", "topic.", "ticket.")):
                continue
            for pattern in patterns:
                assert not re.search(pattern, text, re.I), (language, key)
