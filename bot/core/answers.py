"""From an understood message to the answer: plain values the bot layer renders as cards.

Pure Python, no botbuilder. Every sentence about Interact is taken from the catalogue.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass

from bot.core.catalogue import Catalogue, Community, Contact, Faq, WorkingGroup
from bot.core.understanding import Intent, Understanding

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


@dataclass(frozen=True)
class Answer:
    query: str
    intent: Intent
    text: str
    recommendations: tuple[Recommendation, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    faq: Faq | None = None
    working_groups: tuple[WorkingGroup, ...] = ()
    list_all: bool = False
    contact: Contact | None = None
    links: tuple[Link, ...] = ()
    choices: tuple[Choice, ...] = ()
    roles: tuple[str, ...] = ()


class Answerer:
    """Turns an ``Understanding`` into an ``Answer``; ``today`` decides the dated facts."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def fill(self, template: str, today: dt.date) -> str:
        """Fill an answer's {placeholders} from the catalogue."""
        cat = self.catalogue
        values = {
            "register_url": cat.portal.register_url,
            "all_communities_url": cat.portal.all_communities_url,
            "tech_support": cat.contact("tech-support").email,
            "communication": cat.contact("communication").email,
            **dict(cat.facts),
            **{d.id: d.text(today) for d in cat.dated_facts},
        }
        return string.Formatter().vformat(template, (), values).strip()

    def link(self, name: str) -> Link:
        cat = self.catalogue
        if name == "register":
            return Link("I have no account yet: register", cat.portal.register_url)
        if name == "all_communities":
            return Link("Open All Communities", cat.portal.all_communities_url)
        contact = cat.contact(name)
        return Link(f"E-mail {contact.email}", contact.mailto)

    def answer(self, u: Understanding, today: dt.date) -> Answer:
        handler = {
            Intent.RECOMMEND: self._recommend,
            Intent.FAQ: self._faq,
            Intent.WORKING_GROUPS: self._working_groups,
            Intent.LIST: self._list,
            Intent.ESCALATE: self._escalate,
            Intent.GREETING: self._greeting,
            Intent.HELP: self._help,
            Intent.CLARIFY: self._clarify,
            Intent.FALLBACK: self._fallback,
        }[u.intent]
        return handler(u, today)

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
            role = cat.role(r.role_id)
            parent = cat.parent_of(community)
            name = f"{community.name}, a sub-team of {parent.name}," if parent else community.name
            out.append(Refusal(community, f"{name} is not open to {role.plural}."))
        return tuple(out)

    def _recommend(self, u: Understanding, today: dt.date) -> Answer:
        cat = self.catalogue
        recs = tuple(
            self.recommendation(cat.community(m.community_id), "; ".join(m.reasons[:2]))
            for m in u.matches
        )
        refusals = self._refusals(u)
        lines = [r.text for r in refusals]
        if u.follow_up and recs and recs[0].parent:
            parent = recs[0].parent
            lines.append(
                f"{parent.name} has {len(recs)} sub-team{'s' if len(recs) > 1 else ''}. "
                + cat.fact("subteams_rule")
            )
        elif not recs:
            lines.append("Tell me more about your work and I will find the community that fits.")
        elif len(recs) == 1:
            lines.append(f"I recommend {_label(recs[0])}.")
        else:
            names = ", ".join(_label(r) for r in recs[:-1]) + f" and {_label(recs[-1])}"
            lines.append(f"These communities fit what you said: {names}.")
        return Answer(
            query=u.text,
            intent=u.intent,
            text=" ".join(lines),
            recommendations=recs,
            refusals=refusals,
            roles=u.roles,
        )

    def _faq(self, u: Understanding, today: dt.date) -> Answer:
        cat = self.catalogue
        faq = cat.faq(u.faq_id or "")
        related = tuple(
            Choice(cat.faq(r).questions[0], cat.faq(r).questions[0]) for r in faq.related
        )
        return Answer(
            query=u.text,
            intent=Intent.FAQ,
            text=self.fill(faq.answer, today),
            faq=faq,
            links=tuple(self.link(name) for name in faq.links),
            choices=related,
            roles=u.roles,
        )

    def _working_groups(self, u: Understanding, today: dt.date) -> Answer:
        cat = self.catalogue
        contact = cat.contact("communication")
        text = (
            f"{cat.fact('working_groups')} The current active Working Groups are listed below. "
            f"If you have any general questions about our Communities or Working Groups, please "
            f"contact {contact.email}."
        )
        return Answer(
            query=u.text,
            intent=Intent.WORKING_GROUPS,
            text=text,
            working_groups=cat.working_groups,
            links=(self.link(contact.id),),
            roles=u.roles,
        )

    def _list(self, u: Understanding, today: dt.date) -> Answer:
        cat = self.catalogue
        text = (
            f"Interact has {len(cat.teams)} Teams for those working in Interreg, and "
            f"{len(cat.subteams)} sub-teams in private channels for smaller groups. "
            f"{cat.fact('subteams_rule')} {cat.fact('join')}"
        )
        return Answer(
            query=u.text,
            intent=Intent.LIST,
            text=text,
            list_all=True,
            links=(self.link("all_communities"), self.link("register")),
            roles=u.roles,
        )

    def _escalate(self, u: Understanding, today: dt.date) -> Answer:
        cat = self.catalogue
        contact = cat.contact(u.contact_id or cat.escalation.default_contact)
        if contact.id == "tech-support":
            text = (
                f"Sorry that something is not working. Interact's tech support helps with "
                f"{contact.purpose}: write to {contact.email}, say what you tried and what "
                f"happened, and they will get back to you."
            )
        else:
            text = (
                f"Interact's communication team answers {contact.purpose}: write to "
                f"{contact.email} and they will get back to you."
            )
        return Answer(
            query=u.text,
            intent=Intent.ESCALATE,
            text=text,
            contact=contact,
            links=(self.link(contact.id),),
            roles=u.roles,
        )

    def _greeting(self, u: Understanding, today: dt.date) -> Answer:
        return Answer(
            query=u.text,
            intent=Intent.GREETING,
            text=(
                "Hello! I help people working in Interreg find their way into Interact's "
                "communities on Microsoft Teams. Tell me what you do (for example “I'm a "
                "controller” or “I do communication for an IPA programme”) and I will point you "
                "to the right Team."
            ),
            choices=role_choices(self.catalogue),
            roles=u.roles,
        )

    def _help(self, u: Understanding, today: dt.date) -> Answer:
        return Answer(
            query=u.text,
            intent=Intent.HELP,
            text=(
                "I can recommend the Interact community (Team or sub-team) that fits your role, "
                "list all communities, tell you about the Working Groups, explain how to register "
                "and join on the portal, and put you in touch with Interact if something does not "
                "work. Try: “which team for controllers?”, “list all teams”, “working groups”, "
                "“how do I register?” or “I can't log in”."
            ),
            choices=(
                Choice("List all teams", "list all teams"),
                Choice("Working groups", "working groups"),
                Choice("How do I register?", "how do I register?"),
                Choice("Contact support", "talk to support"),
            ),
            roles=u.roles,
        )

    def _clarify(self, u: Understanding, today: dt.date) -> Answer:
        return Answer(
            query=u.text,
            intent=Intent.CLARIFY,
            text=(
                "I can point you to the right community once I know what you do. Which of these "
                "describes your work best? You can also just tell me in your own words."
            ),
            choices=role_choices(self.catalogue),
            roles=u.roles,
        )

    def _fallback(self, u: Understanding, today: dt.date) -> Answer:
        return Answer(
            query=u.text,
            intent=Intent.FALLBACK,
            text=(
                "Sorry, I can't help with that. I can only help you find Interact's communities "
                "on Microsoft Teams: tell me your role (for example “I'm an auditor”), ask "
                "“list all teams”, “working groups” or “how do I register?”."
            ),
            choices=(
                *(
                    (Choice("Ask a person at Interact", "talk to a person"),)
                    if u.offer_person
                    else ()
                ),
                Choice("List all teams", "list all teams"),
                Choice("What can you do?", "help"),
            ),
            roles=u.roles,
        )


def role_choices(catalogue: Catalogue) -> tuple[Choice, ...]:
    """The quick choices for the most common roles (clarify, greeting and welcome cards)."""
    known = {r.id: r for r in catalogue.roles}
    return tuple(
        Choice(known[r].label[:1].upper() + known[r].label[1:], i_am(known[r].label))
        for r in CLARIFY_ROLES
        if r in known
    )


def i_am(label: str) -> str:
    """What a role button says for the user: "I'm an auditor", "I'm a controller"."""
    article = "an" if label[:1].lower() in "aeiou" else "a"
    return f"I'm {article} {label}"


def _label(rec: Recommendation) -> str:
    if rec.parent:
        return f"{rec.community.name} (a sub-team of {rec.parent.name})"
    return rec.community.name
