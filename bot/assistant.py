"""The assistant's core in one object: understand -> answer -> render, for one message.

Pure: no botbuilder, no I/O. The bot layer and the command line both call ``respond``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.core.answers import Answer, Answerer
from bot.core.catalogue import Catalogue
from bot.core.understanding import Context, Intent, Understander, Understanding
from cards.render import activities_text, render


@dataclass(frozen=True)
class Reply:
    understanding: Understanding
    answer: Answer
    activities: list[dict[str, Any]]

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
            "corrections": [list(c) for c in u.corrections],
            "text": self.text,
            "activities": self.activities,
        }


class Assistant:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.understander = Understander(catalogue)
        self.answerer = Answerer(catalogue)

    def respond(self, text: str, today: dt.date, context: Context | None = None) -> Reply:
        understanding = self.understander.understand(text, context)
        answer = self.answerer.answer(understanding, today)
        return Reply(understanding, answer, render(answer, self.catalogue))

    def ask_role(self, query: str, today: dt.date) -> list[dict[str, Any]]:
        """The question "what do you do?" (with role choices) asked about ``query``."""
        answer = self.answerer.answer(Understanding(text=query, intent=Intent.CLARIFY), today)
        return render(answer, self.catalogue)
