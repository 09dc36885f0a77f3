"""The assistant's core in one object: understand -> answer -> render, for one message.

Pure: no botbuilder, no I/O. The bot layer and the command line both call ``respond``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.core.answers import Answer, Answerer
from bot.core.catalogue import Catalogue
from bot.core.model import TextModel
from bot.core.texts import DEFAULT_LANGUAGE, ReplyLanguage, reply_language
from bot.core.understanding import Context, Intent, Understander, Understanding
from cards.render import activities_text, render


@dataclass(frozen=True)
class Reply:
    understanding: Understanding
    answer: Answer
    activities: list[dict[str, Any]]
    language: ReplyLanguage
    more: tuple[Answer, ...] = ()  # the answers to the message's further questions, in order

    @property
    def answers(self) -> tuple[Answer, ...]:
        """Every answer of the reply: the first question's, then the others'."""
        return (self.answer, *self.more)

    @property
    def text(self) -> str:
        return activities_text(self.activities)

    def to_json(self) -> dict[str, Any]:
        """The contract of ``python -m bot ask --json``."""
        u, a = self.understanding, self.answer
        return {
            "query": a.query,
            "intent": str(a.intent),
            "teams": [
                {
                    "name": r.community.name,
                    "parent": r.parent.name if r.parent else None,
                    "join_url": r.join_url,
                    "reason": r.reason,
                }
                for r in a.recommendations
            ],
            "refused": [r.community.name for r in a.refusals],
            "faq": a.faq.id if a.faq else None,
            "contact": a.contact.email if a.contact else None,
            "roles": list(u.roles),
            "language": self.language.code,
            "other_language": self.language.other,
            "decided_by": u.source,
            "corrections": [list(c) for c in u.corrections],
            "text": self.text,
            "activities": self.activities,
        }


class Assistant:
    """``detect``: the language detector (text -> en, de, fr, it, es or other), by default the
    understanding's. ``model`` and ``languages`` (``bot.core.learning.load_understanding``):
    without them the exact rules alone understand messages (and every message is English)."""

    def __init__(
        self,
        catalogue: Catalogue,
        detect: Callable[[str], str] | None = None,
        *,
        model: TextModel | None = None,
        languages: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.understander = Understander(catalogue, model, languages)
        self.answerer = Answerer(catalogue)
        self.detect = detect or self.understander.language

    def language(self, text: str, locale: str | None = None) -> ReplyLanguage:
        """The language to reply to ``text`` in (Teams' ``locale`` as the hint for a short one)."""
        return reply_language(self.detect(text), text, locale)

    def respond(
        self,
        text: str,
        today: dt.date,
        context: Context | None = None,
        language: ReplyLanguage | None = None,
    ) -> Reply:
        """Understand, answer and render ``text``, in ``language`` (chosen once per turn by the
        caller; from the text alone when not given)."""
        language = language or self.language(text)
        understanding = self.understander.understand(text, context)
        answerer = self.answerer.in_language(language.code)
        answer = answerer.answer(understanding, today)
        if language.other:
            answer = replace(answer, note=self.catalogue.texts(language.code).get("language.other"))
        activities = render(answer, self.catalogue)
        # a second question in the same message: answer it too
        more = tuple(answerer.answer(also, today) for also in understanding.also)
        for extra in more:
            activities += render(extra, self.catalogue)
        return Reply(understanding, answer, activities, language, more)

    def ask_role(
        self, query: str, today: dt.date, language: str = DEFAULT_LANGUAGE
    ) -> list[dict[str, Any]]:
        """The question "what do you do?" (with role choices) asked about ``query``."""
        clarify = Understanding(text=query, intent=Intent.CLARIFY)
        answer = self.answerer.in_language(language).answer(clarify, today)
        return render(answer, self.catalogue)


class ReloadError(RuntimeError):
    """A new catalogue was refused (its first problem, one line): the old one keeps serving."""


class ReloadNotShared(RuntimeError):
    """Reloaded on this instance (``version``), but the other instances could not be asked to
    reload (``problem``, one line)."""

    def __init__(self, version: str, problem: str) -> None:
        super().__init__(problem)
        self.version = version
        self.problem = problem


class AssistantHolder:
    """The assistant in force, swapped whole when the content is reloaded: whoever needs the
    catalogue or the understanding reads ``current`` when it starts its work, so what is in
    flight finishes on the assistant it took."""

    def __init__(self, assistant: Assistant) -> None:
        self._current = assistant

    @property
    def current(self) -> Assistant:
        return self._current

    def swap(self, assistant: Assistant) -> Assistant:
        """Put ``assistant`` in force (one reference assignment: atomic); return the old one."""
        old, self._current = self._current, assistant
        return old
