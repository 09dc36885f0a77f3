"""Adaptive Card builders: pure functions from answers to card dicts (no botbuilder).

Every card declares CARD_VERSION: Teams renders up to 1.5, but 1.5 cards and cards without a
version fail on some mobile clients. Text that came from a user is passed through ``escape``.

Layout rules: the bot's own text uses no inline markdown (bold is a TextBlock weight or a TextRun),
so a card reads the same on every Teams client; at most ``ROW`` buttons share an ActionSet (Teams
shows at most 6); buttons that ask something go through the same pipeline as typed text (``ask``).
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from bot.core.answers import Answer, Choice, Kind, Link, Recommendation, choice, role_choices
from bot.core.catalogue import Catalogue, Community, Contact, Portal, WorkingGroup
from bot.core.texts import Texts
from bot.core.understanding import Intent

CARD_VERSION = "1.4"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
FEEDBACK_VERB = "feedback"
ROW = 6  # Teams shows at most 6 buttons in an ActionSet
ROW_WIDTH = 62  # characters of button titles (plus BUTTON_WIDTH each) that fit in one row
BUTTON_WIDTH = 5  # a button's padding and gap, in characters
OUTCOME_LIMIT = 300  # characters of user text an outcome card repeats
QUERY_LIMIT = 500  # characters of the question a card's buttons carry, to show it again
WELCOME = "welcome"  # the source its buttons name (``from_card``): shown again on a click
# Cards that ask or explain rather than answer: no "Was this helpful?" on them.
NO_FEEDBACK = frozenset({Intent.GREETING, Intent.HELP, Intent.CLARIFY, Intent.FALLBACK})

Card = dict[str, Any]
Element = dict[str, Any]

# Characters that start markdown in a TextBlock or Fact (Teams: bold, italic, strike-through,
# links, lists, plus the HTML, entity, mention and {{DATE()}} syntax some clients also read).
_MARKDOWN = re.compile(r"([\\`*_~\[\]<>{}#&|])")
_LINE_START = re.compile(r"^([-+]|\d+(?=[.)]))")
_ZWJ = "\u200d"  # joins emoji sequences: harmless, kept
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def escape(text: str) -> str:
    """Make user text inert in a TextBlock or Fact: it shows as typed, and never as a link,
    emphasis, list, heading, mention or date function.

    Whitespace (newlines too) collapses to single spaces, so no line can start a list or a block;
    control and bidi-override characters are dropped; markdown characters get a backslash
    (CommonMark escapes, which Teams reads); ``](`` is broken twice (``\\]\\(``) so that even a
    client that ignores backslashes sees no link.
    """
    text = plain(text)
    text = _MARKDOWN.sub(r"\\\1", text)
    text = text.replace("](", "]\\(")
    if m := _LINE_START.match(text):
        end = m.end()
        text = text[:end] + "\\" + text[end:] if text[:end].isdigit() else "\\" + text
    return text


def plain(text: str) -> str:
    """User text for a TextRun (never read as markdown): one line, no control characters."""
    return " ".join("".join(_visible(ch) for ch in text).split())


def _visible(ch: str) -> str:
    """Controls become spaces; format (bidi, zero-width), private and unassigned ones go."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return " "
    if category[0] == "C" and ch != _ZWJ:
        return ""
    return ch


def unescape(text: str) -> str:
    """What a reader sees of an escaped text: the backslashes are gone."""
    return _ESCAPED.sub(r"\1", text)


# --------------------------------------------------------------------------- elements


def card(body: list[Element], actions: Sequence[Element] = ()) -> Card:
    out: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if actions:
        out["actions"] = list(actions)
    return out


def text_block(text: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def heading(text: str, **style: Any) -> Element:
    return text_block(text, size="Medium", weight="Bolder", **style)


def subtle(text: str, **style: Any) -> Element:
    return text_block(text, isSubtle=True, spacing=style.pop("spacing", "None"), **style)


def facts(pairs: Iterable[tuple[str, str]], **style: Any) -> Element:
    return {
        "type": "FactSet",
        "facts": [{"title": t, "value": v} for t, v in pairs],
        **style,
    }


def rich(*runs: tuple[str, dict[str, Any]], **style: Any) -> Element:
    """One paragraph of TextRuns (plain text, styled per run: no markdown involved)."""
    return {
        "type": "RichTextBlock",
        "inlines": [{"type": "TextRun", "text": t, **s} for t, s in runs],
        **style,
    }


def labelled(label: str, value: str, **style: Any) -> Element:
    """One paragraph "label: value" with a bold label; the value is shown as is."""
    return rich((f"{label}: ", {"weight": "Bolder"}), (value, {}), **style)


def open_url(title: str, url: str, *, primary: bool = False) -> Element:
    action: Element = {"type": "Action.OpenUrl", "title": title, "url": url}
    if primary:
        action["style"] = "positive"
    return action


def ask(title: str, text: str, language: str = "") -> Element:
    """A button that sends ``text`` as if the user typed it: plain data, which every client
    sends as a message with that value and no text (Teams and the Agents Playground alike; a
    ``msteams`` messageBack object fails in the Playground). The bot reads it as the turn's text
    and shows the clicked card again with this button marked (``from_card``, ``chosen``), so
    the click stays visible and the card too.
    ``language``: the card's, in which the bot answers the click."""
    data: dict[str, Any] = {"ask": text}
    if language:
        data["lang"] = language
    return {"type": "Action.Submit", "title": title, "data": data}


def action_set(actions: Iterable[Element], **style: Any) -> Element:
    return {"type": "ActionSet", "actions": list(actions), **style}


def _width(action: Element) -> int:
    title = str(action.get("title", ""))
    return BUTTON_WIDTH + sum(2 if unicodedata.east_asian_width(ch) == "W" else 1 for ch in title)


def action_rows(actions: Sequence[Element], **style: Any) -> list[Element]:
    """Buttons in as few ActionSets as fit the Teams chat pane: Teams does not wrap a row of
    buttons, it cuts off what is too wide. ``style`` applies to the first row."""
    rows: list[list[Element]] = []
    for action in actions:
        row = rows[-1] if rows else None
        if row and len(row) < ROW and sum(map(_width, row)) + _width(action) <= ROW_WIDTH:
            row.append(action)
        else:
            rows.append([action])
    return [
        action_set(row, **(style if i == 0 else {"spacing": "Small"})) for i, row in enumerate(rows)
    ]


def mailto(email: str, subject: str, body: str = "") -> str:
    """A mailto: link with the subject (and a body, if given) filled in (RFC 6068: percent-encoded,
    spaces as %20, line breaks as %0D%0A)."""
    url = f"mailto:{email}?subject={quote(subject, safe='')}"
    if body:
        crlf = "\r\n".join(body.splitlines())
        url += f"&body={quote(crlf, safe='')}"
    return url


def contact_text(texts: Texts, contact_id: str, name: str) -> str:
    """How the bot names a contact, or what it writes to them (``contact.<id>.<name>``; the
    ``contact.default`` text for a contact without its own)."""
    text_id = f"contact.{contact_id}.{name}"
    return texts.get(text_id if text_id in texts else f"contact.default.{name}")


def mail_subject(contact: Contact, texts: Texts) -> str:
    return contact_text(texts, contact.id, "mail_subject")


def contact_mailto(contact: Contact, texts: Texts) -> str:
    return mailto(contact.email, mail_subject(contact, texts))


def feedback(answer_id: str, texts: Texts, query: str = "") -> list[Element]:
    """The "Was this helpful?" row that every answer card carries (not a question or help).
    The question rides along, so that the card can be shown again, with the vote instead of
    the buttons, once clicked."""

    def vote(title: str, value: str) -> Element:
        data = {"action": FEEDBACK_VERB, "vote": value, "answer": answer_id}
        if query:
            data["q"] = query[:QUERY_LIMIT]
        return {"type": "Action.Submit", "title": title, "data": data}

    return [
        {
            "type": "ColumnSet",
            "separator": True,
            "spacing": "Medium",
            "columns": [
                {
                    "type": "Column",
                    "width": "auto",
                    "verticalContentAlignment": "Center",
                    "items": [text_block(texts.get("card.helpful"), isSubtle=True, size="Small")],
                },
                {
                    "type": "Column",
                    "width": "stretch",
                    "items": [
                        action_set(
                            [
                                vote(texts.get("card.vote_up"), "up"),
                                vote(texts.get("card.vote_down"), "down"),
                            ]
                        )
                    ],
                },
            ],
        }
    ]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _link_actions(links: Iterable[Link], catalogue: Catalogue, texts: Texts) -> list[Element]:
    """Link buttons; the first is the primary one, e-mail links get their subject."""
    contacts = {c.mailto: c for c in catalogue.contacts}
    out = []
    for i, link in enumerate(links):
        url = link.url
        if url in contacts:
            url = contact_mailto(contacts[url], texts)
        elif url.startswith("mailto:") and "?" not in url:
            url = mailto(url[len("mailto:") :], texts.get("contact.default.mail_subject"))
        out.append(open_url(link.title, url, primary=i == 0))
    return out


def _choices(choices: Iterable[Choice]) -> list[Element]:
    return [ask(_capitalised(c.title), c.text, c.language) for c in choices]


# --------------------------------------------------------------------------- recommendations


def who_should_join(community: Community, texts: Texts) -> str:
    """Who should join ``community``, in the texts' language (English: communities.yaml)."""
    return texts.get(f"community.{community.id}.who_should_join")


def _where(url: str, portal: Portal, texts: Texts) -> str:
    if url == portal.all_communities_url:
        return texts.get("card.where_all_communities")
    return texts.get("card.where_page")


def how_to_join(rec: Recommendation, portal: Portal, texts: Texts) -> str:
    """How to join, in one short line (the long explanation is the "How do I join?" FAQ)."""
    c = rec.community
    if rec.parent:
        same = rec.parent_join_url in (None, rec.join_url)
        where = _where(rec.join_url, portal, texts) if same else texts.get("card.where_portal")
        return texts.get("card.join_subteam", parent=rec.parent.name, name=c.name, where=where)
    return texts.get("card.join_team", where=_where(rec.join_url, portal, texts))


def _join_actions(rec: Recommendation, texts: Texts, *, parent_button: bool) -> list[Element]:
    """The join buttons: a sub-team's parent first (unless the card already offers it)."""
    c = rec.community
    if rec.parent:
        parent = []
        if parent_button:
            parent_url = rec.parent_join_url or rec.join_url
            title = texts.get("card.join_parent_button", name=rec.parent.name)
            parent = [open_url(title, parent_url, primary=True)]
        title = texts.get("card.join_subteam_button", name=c.name)
        return [*parent, open_url(title, rec.join_url, primary=not parent)]
    return [open_url(texts.get("card.join_button"), rec.join_url, primary=True)]


def _teams_action(rec: Recommendation, texts: Texts) -> list[Element]:
    if not rec.teams_url:
        return []
    return [open_url(texts.get("card.open_in_teams"), rec.teams_url)]


JOIN_FAQ = "browse"  # the FAQ that explains joining at length


def join_question(texts: Texts) -> Element:
    """The "How do I join?" button: it asks the joining FAQ by its title (as a related-question
    button does), so the FAQ answers it in every language."""
    return ask(texts.get("choice.join.title"), texts.get(f"faq.{JOIN_FAQ}.title"), texts.language)


def recommendation_section(
    rec: Recommendation,
    portal: Portal,
    texts: Texts,
    *,
    standalone: bool = True,
    parent_button: bool = True,
    ask_join: bool = False,
) -> list[Element]:
    """One community: name, who should join, why it matched, how to join, then its buttons.

    A sub-team says it is private and offers its parent's button first (``parent_button``:
    False when the card already offers that parent). ``standalone``: the section says how to
    join and offers registration itself; in a card with several recommendations
    ``recommendations_footer`` does that once for all of them. ``ask_join``: a "How do I join?"
    question button (in a conversation with the bot, not on a shared card).
    """
    c = rec.community
    body: list[Element] = [heading(c.name)]
    if rec.parent:
        body.append(subtle(texts.get("card.private_subteam", parent=rec.parent.name)))
    who = who_should_join(c, texts)
    body.append(labelled(texts.get("card.who_should_join"), who, spacing="Small"))
    if rec.reason:
        body.append(labelled(texts.get("card.why_matched"), plain(rec.reason), spacing="None"))
    if standalone:
        how = how_to_join(rec, portal, texts)
        body.append(labelled(texts.get("card.how_to_join"), how, spacing="None"))
    actions = _join_actions(rec, texts, parent_button=parent_button)
    if standalone:
        actions.append(open_url(texts.get("card.no_account"), portal.register_url))
    actions.extend(_teams_action(rec, texts))
    if standalone and ask_join:
        actions.append(join_question(texts))
    body.extend(action_rows(actions))
    return body


def recommendations_footer(
    recs: Sequence[Recommendation], portal: Portal, texts: Texts
) -> list[Element]:
    how = texts.get("card.how_to_join_all")
    if any(r.parent for r in recs):
        how += " " + texts.get("card.how_to_join_subteams")
    return [
        labelled(texts.get("card.how_to_join"), how, spacing="Medium", separator=True),
        *action_rows(
            [open_url(texts.get("card.no_account"), portal.register_url), join_question(texts)]
        ),
    ]


def _recommendations(answer: Answer, catalogue: Catalogue, texts: Texts) -> list[Element]:
    portal = catalogue.portal
    recs = answer.recommendations
    standalone = len(recs) == 1
    body: list[Element] = []
    intro = _intro(answer)
    if answer.refusals and intro:  # the refusal above, then the right community instead
        body.append(text_block(intro, spacing="Medium"))
    elif not standalone:
        body.append(text_block(intro))
    offered = {r.community.id for r in recs}  # a parent's button is shown once per card
    for i, rec in enumerate(recs):
        parent_button = rec.parent is None or rec.parent.id not in offered
        if rec.parent:
            offered.add(rec.parent.id)
        section = recommendation_section(
            rec, portal, texts, standalone=standalone, parent_button=parent_button, ask_join=True
        )
        body.append(
            {"type": "Container", "separator": i > 0, "spacing": "Medium", "items": section}
        )
    if not standalone:
        body.extend(recommendations_footer(recs, portal, texts))
    return body


def _intro(answer: Answer) -> str:
    """What the card says (the refusals, if any, are shown on their own above it)."""
    return answer.text if answer.intro is None else answer.intro


def _refusals(answer: Answer, catalogue: Catalogue, texts: Texts) -> list[Element]:
    """Each refusal with its reason: who should join the community whose rule refused it (the
    rule of a Team covers its sub-teams)."""
    ruled = {rule.community for rule in catalogue.eligibility}
    body: list[Element] = []
    for refusal in answer.refusals:
        community = refusal.community
        parent = catalogue.parent_of(community)
        if community.id not in ruled and parent is not None and parent.id in ruled:
            community = parent
        body.append(
            {
                "type": "Container",
                "items": [
                    text_block(f"⚠️ {refusal.text}", color="Attention", weight="Bolder"),
                    subtle(
                        texts.get(
                            "card.refused_who",
                            name=community.name,
                            who=who_should_join(community, texts),
                        )
                    ),
                ],
            }
        )
    return body


# --------------------------------------------------------------------------- answer cards


def answer_card(answer: Answer, catalogue: Catalogue, answer_id: str) -> Card:
    """The card for an answer: its text, then what the intent shows, then the feedback row."""
    texts = catalogue.texts(answer.language)
    body: list[Element] = []
    if answer.note:
        body.append(subtle(answer.note, size="Small"))
    body.extend(_refusals(answer, catalogue, texts))
    kind = answer.kind
    if kind == Kind.COMMUNITIES:
        body.extend(_recommendations(answer, catalogue, texts))
    elif kind == Kind.FAQ and answer.faq:
        body.append(heading(_capitalised(texts.get(f"faq.{answer.faq.id}.title"))))
        body.append(text_block(answer.text, spacing="Small"))
    elif kind == Kind.LIST:
        body.append(heading(texts.get("card.communities_title")))
        body.append(text_block(answer.text, spacing="Small"))
        body.extend(communities_list(catalogue, texts))
    elif kind == Kind.WORKING_GROUPS:
        body.append(heading(texts.get("card.working_groups_title")))
        body.append(text_block(answer.text, spacing="Small"))
        body.append(working_groups_facts(answer, texts))
    elif kind == Kind.CONTACT:
        body.extend(escalation_body(answer, catalogue, texts))
    elif _intro(answer):
        body.append(text_block(_intro(answer)))
    links = [] if kind == Kind.CONTACT else _link_actions(answer.links, catalogue, texts)
    if answer.refusals and kind != Kind.COMMUNITIES:
        links.extend(_choices([choice(texts, "list_all")]))
    body.extend(action_rows(links, spacing="Medium"))
    if answer.choices:
        intent = str(answer.intent)
        label = f"card.choices_{intent}" if intent in ("faq", "greeting", "clarify") else ""
        body.append(
            subtle(texts.get(label or "card.choices_other"), spacing="Medium", size="Small")
        )
        body.extend(action_rows(_choices(answer.choices), spacing="Small"))
    if answer.intent not in NO_FEEDBACK:
        body.extend(feedback(answer_id, texts, answer.query))
    built = card(body)
    if answer.query and len(answer.query) <= QUERY_LIMIT:  # a click can show it again
        return from_card(built, q=answer.query)
    return built


def working_groups_facts(answer: Answer, texts: Texts) -> Element:
    """Each Working Group's name and what Interact calls it, in the texts' language (English:
    working_groups.yaml). A translated name is followed by Interact's own, the name the group
    has on the portal and in Teams."""

    def text(wg: WorkingGroup, name: str) -> str:
        return texts.get(f"working_group.{wg.id}.{name}")

    def name(wg: WorkingGroup) -> str:
        said = text(wg, "name")
        return said if said == wg.name else f"{said} ({wg.name})"

    return facts(
        (
            (
                name(wg),
                f"“{text(wg, 'nickname')}”" if wg.nickname else texts.get("card.working_group"),
            )
            for wg in answer.working_groups
        ),
        spacing="Medium",
    )


def escalation_body(answer: Answer, catalogue: Catalogue, texts: Texts) -> list[Element]:
    """The hand-over to a person: who, for what, and what happens after the e-mail button."""
    contact = answer.contact
    assert contact is not None
    problem = contact.id == catalogue.escalation.problem_contact
    add = texts.get("card.add_problem" if problem else "card.add_question")
    what_next = texts.get(
        "card.what_next_text",
        email=contact.email,
        subject=mail_subject(contact, texts),
        add=add,
    )
    button = texts.get("link.email", email=contact.email)
    return [
        text_block(answer.text),
        labelled(texts.get("card.what_next"), what_next, spacing="Medium"),
        action_set(
            [open_url(button, contact_mailto(contact, texts), primary=True)],
            spacing="Medium",
        ),
    ]


def communities_list(catalogue: Catalogue, texts: Texts) -> list[Element]:
    """The 10 Teams with their sub-teams, grouped and compact: one line per Team (name and who
    should join) and one line naming its private sub-teams."""
    items: list[Element] = []
    for team in catalogue.teams:
        items.append(
            rich(
                (team.name, {"weight": "Bolder"}),
                (f" · {who_should_join(team, texts)}", {"isSubtle": True}),
                spacing="Small",
            )
        )
        subs = catalogue.children(team.id)
        if subs:
            items.append(
                subtle(
                    texts.get("card.private_subteams", names=" · ".join(s.name for s in subs)),
                    size="Small",
                )
            )
    items.append(subtle(texts.get("card.ask_about_any"), spacing="Medium", size="Small"))
    return [{"type": "Container", "spacing": "Medium", "items": items}]


# --------------------------------------------------------------------------- other cards


def community_card(community: Community, catalogue: Catalogue, texts: Texts) -> Card:
    """One community with its join buttons, for sharing (e.g. from the messaging extension)."""
    parent = catalogue.parent_of(community)
    rec = Recommendation(
        community=community,
        parent=parent,
        reason="",
        join_url=catalogue.join_url(community),
        parent_join_url=catalogue.join_url(parent) if parent else None,
        teams_url=community.teams_url,
    )
    return card(recommendation_section(rec, catalogue.portal, texts))


def welcome_card(catalogue: Catalogue, texts: Texts) -> Card:
    """The first card in a conversation: what the bot does and quick buttons for common roles."""
    body: list[Element] = [
        heading(texts.get("card.welcome_title")),
        text_block(texts.get("card.welcome"), spacing="Small"),
        text_block(texts.get("card.choices_greeting"), spacing="Medium"),
        *action_rows(_choices(role_choices(catalogue, texts)), spacing="Small"),
        subtle(texts.get("card.welcome_or"), spacing="Medium", size="Small"),
        *action_rows(
            _choices(choice(texts, name) for name in ("list_all", "register", "support")),
            spacing="Small",
        ),
    ]
    return from_card(card(body), card=WELCOME)


def feedback_given(answer_card: Card, vote: str, texts: Texts) -> Card:
    """The same card with its "Was this helpful?" row replaced by thanks (a vote counts once)."""
    thanks = text_block(
        texts.get("card.thanks_up" if vote == "up" else "card.thanks_down"),
        isSubtle=True,
        size="Small",
        separator=True,
        spacing="Medium",
    )

    def is_feedback_row(element: Any) -> bool:
        return any(
            isinstance(a.get("data"), dict) and a["data"].get("action") == FEEDBACK_VERB
            for a in _actions_in(element)
        )

    out = copy.deepcopy(answer_card)
    out["body"] = [thanks if is_feedback_row(e) else e for e in out.get("body", [])]
    return out


def _actions_in(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if str(node.get("type", "")).startswith("Action.") else []
        return found + [a for v in node.values() for a in _actions_in(v)]
    if isinstance(node, list):
        return [a for v in node for a in _actions_in(v)]
    return []


def from_card(built: Card, **source: str) -> Card:
    """Stamp every question button of a card with where the card came from (``q``: the
    question it answers; ``card``: "welcome"), so that a click can show the card again as it
    was, with the clicked button marked (``chosen``), instead of wiping it."""
    for action in _actions_in(built):
        data = action.get("data")
        if action.get("type") == "Action.Submit" and isinstance(data, dict) and "ask" in data:
            data.update(source)
    return built


def chosen(shown: Iterable[Card], asked: str, texts: Texts) -> Card | None:
    """The first of these cards with a question button that asks ``asked``, with that button
    marked as the user's choice (``card.chosen``: "✓ …"); None when none has it."""
    for candidate in shown:
        out = copy.deepcopy(candidate)
        hits = [
            a
            for a in _actions_in(out)
            if isinstance(a.get("data"), dict) and a["data"].get("ask") == asked
        ]
        for action in hits:
            action["title"] = texts.get("card.chosen", title=action.get("title", ""))
        if hits:
            return out
    return None


def outcome_card(title: str, text: str = "") -> Card:
    """The card that replaces a clicked card ("You chose: …", "Thanks for your feedback").

    Both texts are escaped (they may repeat what a user sent); the text is cut to
    OUTCOME_LIMIT characters.
    """
    if len(text) > OUTCOME_LIMIT:
        text = text[: OUTCOME_LIMIT - 1].rstrip() + "…"
    body = [text_block(escape(title), weight="Bolder")]
    if text.strip():
        body.append(text_block(escape(text), spacing="Small", isSubtle=True))
    return card(body)


# --------------------------------------------------------------------------- text


def card_text(node: Any) -> list[str]:
    """Everything a person reads on a card: texts, facts, and button titles, in order."""
    out: list[str] = []
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "TextBlock" and isinstance(node.get("text"), str):
            out.append(unescape(node["text"]))
        elif kind == "RichTextBlock":
            out.append(
                "".join(
                    run if isinstance(run, str) else str(run.get("text", ""))
                    for run in node.get("inlines", [])
                )
            )
            return out
        elif kind == "FactSet":
            out.extend(
                f"{unescape(str(f.get('title', '')))}: {unescape(str(f.get('value', '')))}"
                for f in node.get("facts", [])
            )
        elif isinstance(kind, str) and kind.startswith("Action.") and node.get("title"):
            out.append(str(node["title"]))
            if kind == "Action.OpenUrl" and str(node.get("url", "")).startswith("mailto:"):
                out.append(str(node["url"])[len("mailto:") :].split("?")[0])
        for key, value in node.items():
            if key not in ("data", "text", "facts", "title", "url") and isinstance(
                value, list | dict
            ):
                out.extend(card_text(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(card_text(item))
    return out
