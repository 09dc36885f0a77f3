"""From an understood message to the answer: plain values the bot layer renders as cards.

Pure Python, no botbuilder. Every sentence about Interact is taken from the catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.core.catalogue import Catalogue, Community, Contact, Faq, WorkingGroup
from bot.core.texts import DEFAULT_LANGUAGE, Texts, listed
from bot.core.understanding import Intent, Reason, Understanding

# The roles offered as quick choices when the bot has to ask who the user is.
CLARIFY_ROLES = (
    "controller",
    "auditor",
    "finance-officer",
    "communication-officer",
    "programme-officer",
    "ncp",
    "jems-user",
)


@dataclass(frozen=True)
class Recommendation:
    community: Community
    parent: Community | None
    reason: str
    join_url: str
    parent_join_url: str | None
    teams_url: str | None


@dataclass(frozen=True)
class Refusal:
    community: Community
    text: str


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Choice:
    """A button that asks the bot something on the user's behalf (same pipeline as typing)."""

    title: str
    text: str
    language: str = ""  # the language of the card it is on: a click answers in it


class Kind(StrEnum):
    """What an answer shows, decided once by the ``Answerer`` (cards and feedback keys read it)."""

    COMMUNITIES = "communities"  # recommended communities (refusals may come first)
    FAQ = "faq"
    LIST = "list"  # all communities
    WORKING_GROUPS = "working_groups"
    CONTACT = "contact"  # a person at Interact
    MESSAGE = "message"  # a text with choices (greeting, help, clarify, fallback, refusals only)
    SMALL_TALK = "small_talk"  # a short friendly text, no card


@dataclass(frozen=True)
class Answer:
    query: str
    intent: Intent
    text: str  # everything the answer says, in one text (summary, history, command line)
    kind: Kind = Kind.MESSAGE
    intro: str | None = None  # what the card says, when not ``text``: refusals are shown apart
    recommendations: tuple[Recommendation, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    faq: Faq | None = None
    working_groups: tuple[WorkingGroup, ...] = ()
    list_all: bool = False
    contact: Contact | None = None
    links: tuple[Link, ...] = ()
    choices: tuple[Choice, ...] = ()
    roles: tuple[str, ...] = ()
    language: str = DEFAULT_LANGUAGE  # the language of ``text``: the card is written in it too
    note: str = ""  # said before the answer (the languages the bot speaks, to another language)


class Answerer:
    """Turns an ``Understanding`` into an ``Answer`` in one language (``in_language`` gives the
    answerer of another); ``today`` decides the dated facts."""

    def __init__(self, catalogue: Catalogue, language: str = DEFAULT_LANGUAGE) -> None:
        self.catalogue = catalogue
        self.texts: Texts = catalogue.texts(language)
        self._languages: dict[str, Answerer] = {self.texts.language: self}

    def in_language(self, language: str) -> Answerer:
        """The answerer that writes in ``language`` (English for one the bot does not speak)."""
        code = self.catalogue.texts(language).language
        if code not in self._languages:
            self._languages[code] = Answerer(self.catalogue, code)
        return self._languages[code]

    def why(self, reasons: Iterable[Reason]) -> str:
        """Why a community matched, in this answerer's language (``reason.<kind>``): the first,
        strongest reason only, one per community."""
        r = next(iter(reasons), None)
        if r is None:
            return ""
        t = self.texts
        values: dict[str, object] = {"said": r.said}
        if r.kind in ("role", "told_role"):
            values["roles"] = t.get(f"role.{r.about}.plural")
        elif r.kind == "topic":
            values["topic"] = t.get(f"topic.{r.about}.label")
        elif r.kind == "subteam_of":
            values["parent"] = self.catalogue.community(r.about).name
        return t.get(f"reason.{r.kind}", **values)

    def fact(self, name: str) -> str:
        return self.texts.get(f"fact.{name}")

    def fill(self, text_id: str, today: dt.date) -> str:
        """The text ``text_id`` (a FAQ's answer) with its {placeholders} filled from the
        catalogue: links, contacts, facts and the dated facts true today."""
        cat, t = self.catalogue, self.texts
        values = {
            "register_url": cat.portal.register_url,
            "all_communities_url": cat.portal.all_communities_url,
            "tech_support": cat.contact("tech-support").email,
            "communication": cat.contact("communication").email,
            **{name: self.fact(name) for name, _ in cat.facts},
            **{d.id: t.get(f"dated.{d.id}.{d.when(today)}") for d in cat.dated_facts},
        }
        return t.get(text_id, **values).strip()

    def link(self, name: str) -> Link:
        cat, t = self.catalogue, self.texts
        if name == "register":
            return Link(t.get("link.register"), cat.portal.register_url)
        if name == "all_communities":
            return Link(t.get("link.all_communities"), cat.portal.all_communities_url)
        if name == "privacy":
            return Link(t.get("link.privacy"), cat.portal.privacy_url)
        contact = cat.contact(name)
        return Link(t.get("link.email", email=contact.email), contact.mailto)

    def answer(self, u: Understanding, today: dt.date) -> Answer:
        """The answer to ``u`` in this answerer's language."""
        handler = {
            Intent.RECOMMEND: self._recommend,
            Intent.FAQ: self._faq,
            Intent.WORKING_GROUPS: self._working_groups,
            Intent.LIST: self._list,
            Intent.ESCALATE: self._escalate,
            Intent.GREETING: self._greeting,
            Intent.SMALL_TALK: self._small_talk,
            Intent.HELP: self._help,
            Intent.CLARIFY: self._clarify,
            Intent.FALLBACK: self._fallback,
        }[u.intent]
        return replace(handler(u, today), language=self.texts.language)

    # ------------------------------------------------------------------ intents

    def recommendation(self, community: Community, reason: str) -> Recommendation:
        cat = self.catalogue
        parent = cat.parent_of(community)
        return Recommendation(
            community=community,
            parent=parent,
            reason=reason,
            join_url=cat.join_url(community),
            parent_join_url=cat.join_url(parent) if parent else None,
            teams_url=community.teams_url,
        )

    def _refusals(self, u: Understanding) -> tuple[Refusal, ...]:
        cat = self.catalogue
        out = []
        for r in u.refusals:
            community = cat.community(r.community_id)
            plural = self.texts.get(f"role.{r.role_id}.plural")
            parent = cat.parent_of(community)
            if parent:
                text = self.texts.get(
                    "answer.refusal_subteam",
                    name=community.name,
                    parent=parent.name,
                    roles=plural,
                )
            else:
                text = self.texts.get("answer.refusal", name=community.name, roles=plural)
            out.append(Refusal(community, text))
        return tuple(out)

    def _recommend(self, u: Understanding, today: dt.date) -> Answer:
        cat, t = self.catalogue, self.texts
        recs = tuple(
            self.recommendation(cat.community(m.community_id), self.why(m.reasons))
            for m in u.matches
        )
        refusals = self._refusals(u)
        instead = "_instead" if refusals else ""  # the right community after a refusal
        if u.follow_up and recs and recs[0].parent:
            parent = recs[0].parent
            lead = intro = t.get(
                "answer.subteams_many" if len(recs) > 1 else "answer.subteams_one",
                parent=parent.name,
                count=len(recs),
                rule=self.fact("subteams_rule"),
            )
        elif not recs:
            lead = intro = t.get("answer.tell_more")
        elif len(recs) == 1:
            name = _label(recs[0], t)
            lead = t.get("answer.recommend_one", name=name)
            intro = t.get(f"answer.recommend_one{instead}", name=name)
        else:
            names = listed([_label(r, t) for r in recs], t)
            lead = t.get("answer.recommend_many", names=names)
            intro = t.get(f"answer.recommend_many{instead}", names=names)
        return Answer(
            query=u.text,
            intent=u.intent,
            text=" ".join([*(r.text for r in refusals), lead]),
            kind=Kind.COMMUNITIES if recs else Kind.MESSAGE,
            intro=intro,
            recommendations=recs,
            refusals=refusals,
            roles=u.roles,
        )

    def _faq(self, u: Understanding, today: dt.date) -> Answer:
        faq = self.catalogue.faq(u.faq_id or "")
        titles = (self.texts.get(f"faq.{r}.title") for r in faq.related)
        related = tuple(Choice(title, title, self.texts.language) for title in titles)
        return Answer(
            query=u.text,
            intent=Intent.FAQ,
            text=" ".join((self.fill(f"faq.{faq.id}.answer", today), *self._parents_first(u))),
            kind=Kind.FAQ,
            faq=faq,
            links=tuple(self.link(name) for name in faq.links),
            choices=related,
            roles=u.roles,
        )

    def _parents_first(self, u: Understanding) -> Iterator[str]:
        """For each private sub-team the user cannot see, the Team to join first."""
        for cid in u.named_subteams:
            sub = self.catalogue.community(cid)
            parent = self.catalogue.community(sub.parent or "")
            yield self.texts.get("answer.parent_first", name=sub.name, parent=parent.name)

    def _working_groups(self, u: Understanding, today: dt.date) -> Answer:
        cat = self.catalogue
        contact = cat.contact("communication")
        text = self.texts.get(
            "answer.working_groups", fact=self.fact("working_groups"), email=contact.email
        )
        return Answer(
            query=u.text,
            intent=Intent.WORKING_GROUPS,
            text=text,
            kind=Kind.WORKING_GROUPS,
            working_groups=cat.working_groups,
            links=(self.link(contact.id),),
            roles=u.roles,
        )

    def _list(self, u: Understanding, today: dt.date) -> Answer:
        cat = self.catalogue
        text = self.texts.get(
            "answer.list",
            teams=len(cat.teams),
            subteams=len(cat.subteams),
            subteams_rule=self.fact("subteams_rule"),
            join=self.fact("join"),
        )
        return Answer(
            query=u.text,
            intent=Intent.LIST,
            text=text,
            kind=Kind.LIST,
            list_all=True,
            links=(self.link("all_communities"), self.link("register")),
            choices=self._choices("working_groups"),  # the list does not name them
            roles=u.roles,
        )

    def _escalate(self, u: Understanding, today: dt.date) -> Answer:
        cat = self.catalogue
        contact = cat.contact(u.contact_id or cat.escalation.default_contact)
        problem = contact.id == cat.escalation.problem_contact
        text = self.texts.get(
            "answer.escalate_problem" if problem else "answer.escalate_question",
            purpose=self.texts.get(f"contact.{contact.id}.purpose"),
            email=contact.email,
        )
        return Answer(
            query=u.text,
            intent=Intent.ESCALATE,
            text=text,
            kind=Kind.CONTACT,
            contact=contact,
            links=(self.link(contact.id),),
            roles=u.roles,
        )

    def _message(
        self,
        u: Understanding,
        intent: Intent,
        text_id: str,
        choices: Iterable[Choice] = (),
        *,
        kind: Kind = Kind.MESSAGE,
        links: tuple[Link, ...] = (),
    ) -> Answer:
        """An answer that is one of the texts, with quick choices."""
        return Answer(
            query=u.text,
            intent=intent,
            text=self.texts.get(text_id),
            kind=kind,
            links=links,
            choices=tuple(choices),
            roles=u.roles,
        )

    def _choices(self, *names: str) -> tuple[Choice, ...]:
        return tuple(choice(self.texts, name) for name in names)

    def _greeting(self, u: Understanding, today: dt.date) -> Answer:
        choices = role_choices(self.catalogue, self.texts)
        return self._message(u, Intent.GREETING, "answer.greeting", choices)

    def _small_talk(self, u: Understanding, today: dt.date) -> Answer:
        """Thanks, ok, bye: a short friendly reply (never the welcome, never "can't help")."""
        said = next((c for c in ("thanks", "bye") if c in u.cues), "acknowledge")
        return self._message(u, Intent.SMALL_TALK, f"small_talk.{said}", kind=Kind.SMALL_TALK)

    def _help(self, u: Understanding, today: dt.date) -> Answer:
        if "identity" in u.cues:
            return self._identity(u)
        choices = self._choices("list_all", "working_groups", "register", "support")
        links = (self.link("privacy"),) if self.catalogue.portal.privacy_url else ()
        return self._message(u, Intent.HELP, "answer.help", choices, links=links)

    def _identity(self, u: Understanding) -> Answer:
        """ "Are you a bot?": what the bot is, what it does, and the way to a person at Interact
        (the button asks for one; the address of the contact a request for a person goes to)."""
        contact = self.catalogue.contact(self.catalogue.escalation.default_contact)
        return Answer(
            query=u.text,
            intent=Intent.HELP,
            text=self.texts.get("answer.identity", email=contact.email),
            kind=Kind.MESSAGE,
            links=(self.link(contact.id),),
            choices=self._choices("person", "list_all", "help"),
            roles=u.roles,
        )

    def _clarify(self, u: Understanding, today: dt.date) -> Answer:
        if u.matches:
            # Two or three communities came close: ask which one, never guess.
            names = [self.catalogue.community(m.community_id).name for m in u.matches]
            between = [Choice(name, name) for name in names]
            return self._message(u, Intent.CLARIFY, "answer.clarify_between", between)
        roles = role_choices(self.catalogue, self.texts)
        return self._message(u, Intent.CLARIFY, "answer.clarify", roles)

    def _fallback(self, u: Understanding, today: dt.date) -> Answer:
        names = ("person", "list_all", "help") if u.offer_person else ("list_all", "help")
        choices = self._choices(*names)
        if u.suggested_faq:  # the FAQ the message may ask, first: one click, no rewording
            title = self.texts.get(f"faq.{u.suggested_faq}.title")
            suggested = Choice(title, title, self.texts.language)
            return self._message(u, Intent.FALLBACK, "answer.fallback_faq", (suggested, *choices))
        return self._message(u, Intent.FALLBACK, "answer.fallback", choices)


def choice(texts: Texts, name: str) -> Choice:
    """A quick choice from the texts (``choice.<name>.title`` / ``.says``)."""
    title, says = texts.get(f"choice.{name}.title"), texts.get(f"choice.{name}.says")
    return Choice(title, says, texts.language)


def role_choices(catalogue: Catalogue, texts: Texts) -> tuple[Choice, ...]:
    """The quick choices for the most common roles (clarify, greeting and welcome cards)."""
    known = {r.id for r in catalogue.roles}
    labels = (texts.get(f"role.{r}.label") for r in CLARIFY_ROLES if r in known)
    return tuple(
        Choice(label[:1].upper() + label[1:], i_am(label, texts), texts.language)
        for label in labels
    )


def i_am(label: str, texts: Texts) -> str:
    """What a role button says for the user: "I'm an auditor", "I'm a controller"."""
    vowel = label[:1].lower() in "aeiou"
    return texts.get("choice.i_am_vowel" if vowel else "choice.i_am", role=label)


def _label(rec: Recommendation, texts: Texts) -> str:
    if rec.parent:
        return texts.get("answer.subteam_label", name=rec.community.name, parent=rec.parent.name)
    return rec.community.name
