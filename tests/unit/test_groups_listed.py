"""Issue 10 (lists): "groups" is how many people say teams or communities: "show me all the
groups" asks for the list, in five languages, and the list offers the Working Groups, which it
does not name; all the Working Groups asked for get the Working Groups, not the list of Teams.
Sentences of our own; the class is fixed in data/intents.yaml (list) and in the decision between
the list and the Working Groups."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.answers import Answerer
from bot.core.understanding import Intent, Understanding
from cards.builders import answer_card
from tests.support.cards import actions


@pytest.mark.parametrize(
    "text",
    [
        "can you show me all the groups?",
        "what groups do you have?",
        "which groups are there at Interact?",
        "Zeig mir bitte alle Gruppen",
        "Welche Gruppen gibt es bei Interact?",
        "montrez-moi tous les groupes svp",
        "Quels groupes existent chez Interact ?",
        "mi mostri tutti i gruppi?",
        "quali gruppi ci sono su Interact?",
        "muéstrame todos los grupos",
        "¿qué grupos hay en Interact?",
    ],
)
def test_all_the_groups_asked_for_is_the_list(reader, text):
    u = reader.understand(text)
    assert u.intent == Intent.LIST and not u.matches, (text, u.intent, u.matches)


@pytest.mark.parametrize(
    "text",
    [
        "show me all the working groups",
        "list every working group please",
        "Zeig mir alle Arbeitsgruppen",
        "montre-moi tous les groupes de travail",
        "mostrami tutti i gruppi di lavoro",
        "muéstrame todos los grupos de trabajo",
    ],
)
def test_all_the_working_groups_asked_for_are_the_working_groups(reader, text):
    u = reader.understand(text)
    assert u.intent == Intent.WORKING_GROUPS, (text, u.intent)


def test_a_group_for_oneself_is_still_a_recommendation(reader):
    u = reader.understand("which group is right for me? I'm a controller")
    assert u.intent == Intent.RECOMMEND, u.intent


@pytest.mark.parametrize(
    "text", ["list all teams and working groups", "every team you have, please"]
)
def test_the_teams_asked_for_with_or_without_the_working_groups_are_the_list(reader, text):
    u = reader.understand(text)
    assert u.intent == Intent.LIST, (text, u.intent)


@pytest.mark.parametrize("language", ["en", "de", "fr", "it", "es"])
def test_the_list_offers_the_working_groups_it_does_not_name(catalogue, language):
    texts = catalogue.texts(language)
    answer = Answerer(catalogue, language).answer(
        Understanding(text="q", intent=Intent.LIST), dt.date(2026, 12, 1)
    )
    says = texts.get("choice.working_groups.says")
    doc = answer_card(answer, catalogue, "k")
    assert any(a.get("data", {}).get("ask") == says for a in actions(doc)), language
