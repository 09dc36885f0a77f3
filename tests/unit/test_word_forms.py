"""Issue 10, word forms: role and task words written as people across Europe write them are read
by the exact rules as the lexicon's words: run together or hyphenated ("controllersnetwork"),
German compounds ("Projektkontrolleurin"), feminine and plural forms ("auditrice", "controllori",
"Prüferinnen"), without their accents. And no new meaning where there is none ("auditorium").

Our own sentences (not those of shared/eval or tests/heldout).
"""

from __future__ import annotations

import time

import pytest

from bot.core.catalogue import Catalogue
from bot.core.text import word_forms
from bot.core.understanding import Intent, Understander
from tests.support.catalogues import top_community as top


@pytest.fixture(scope="module")
def rules(catalogue: Catalogue) -> Understander:
    """The exact rules alone (no model that could hide what they miss)."""
    return Understander(catalogue)


@pytest.mark.parametrize(
    ("text", "community_id"),
    [
        ("is the controllersnetwork open to everyone?", "controllers"),
        ("link to the jemsnetwork please", "jems"),
        ("our financeteam is looking for peers", "financial-management"),
        ("which community is for a communicationofficer", "communication"),
        ("I joined as projectofficer last month", "programme-management"),
        ("we do firstlevel control of partner costs", "controllers"),
        ("staff of the auditauthority, which team?", "auditors"),
        ("commsofficer in a programme here", "communication"),
    ],
)
def test_run_together_words_are_read_as_their_parts(rules, text, community_id):
    u = rules.understand(text)
    assert top(u) == community_id, (text, u.intent, u.matches, u.corrections)


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("I'm an auditofficer for two programmes", "auditor"),
        ("je suis auditrice dans un programme", "auditor"),
        ("nous sommes auditrices", "auditor"),
        ("sono revisori dei conti", "auditor"),
        ("siamo revisori esterni", "auditor"),
        ("Team für Prüferinnen gesucht", "auditor"),
        ("Wir suchen etwas für Controllerinnen", "controller"),
        ("als Kontrolleurinnen prüfen wir Ausgaben", "controller"),
        ("wir sind Auditorinnen eines Programms", "auditor"),
        ("je suis responsable financière", "finance-officer"),
        ("soy responsable financiera de un programa", "finance-officer"),
    ],
)
def test_feminine_and_plural_forms_name_the_role(rules, text, role):
    u = rules.understand(text)
    assert role in u.roles, (text, u.roles, u.corrections)


@pytest.mark.parametrize(
    ("text", "role", "community_id"),
    [
        ("Ich bin Projektkontrolleurin", "controller", "controllers"),
        ("Wir sind das Finanzverwaltungsteam", "finance-officer", "financial-management"),
        ("Ich arbeite in der Kommunikationsabteilung", "communication-officer", "communication"),
        ("Ich bin Finanzmanagerin im Sekretariat", "finance-officer", "financial-management"),
        ("Ich bin Kommunikationsmanagerin", "communication-officer", "communication"),
        ("Ich bin Jemsadministratorin", "jems-user", "jems"),
    ],
)
def test_german_compounds_are_read_by_the_known_word_in_them(reader, text, role, community_id):
    u = reader.understand(text)
    assert role in u.roles, (text, u.roles, u.corrections)
    assert top(u) == community_id, (text, u.intent, u.matches)


def test_a_role_in_a_form_of_its_own_keeps_the_eligibility_rules(reader):
    """An auditor in the feminine is still not let into Financial management."""
    u = reader.understand("je suis auditrice, puis-je rejoindre la gestion financière ?")
    assert [r.role_id for r in u.refusals] == ["auditor"], (u.intent, u.refusals, u.roles)


@pytest.mark.parametrize(
    ("text", "community_id"),
    [
        ("Where is the auditorium of the conference?", "auditors"),
        ("that is a pressing matter", "communication"),
        ("controlling the agenda is hard", "controllers"),
    ],
)
def test_words_that_only_look_like_a_form_mean_nothing_new(rules, text, community_id):
    """A typo is corrected to the lexicon's own words, never to a generated form ("auditorium"
    is no "Auditorin")."""
    u = rules.understand(text)
    assert community_id not in [m.community_id for m in u.matches], (text, u.corrections)
    assert not u.roles, (text, u.roles)


def test_compounds_with_an_unknown_part_are_split_only_in_german(reader):
    # "Bezirk" is no word of the lexicon ("Projekt" is: "geförderte Projekte")
    assert reader.read("bezirkskontrolleurin", compounds=True)[-1] == "kontrolleurin"
    assert reader.read("bezirkskontrolleurin") == ("bezirkskontrolleurin",)


def test_word_forms_of_role_words():
    assert "auditrice" in word_forms("auditeur")
    assert "controleuse" in word_forms("controleur")
    assert {"controllori", "controllora"} <= set(word_forms("controllore"))
    assert "auditora" in word_forms("auditor")
    assert "pruferinnen" in word_forms("prufer")
    assert word_forms("flc") == ()  # too short to have forms


def test_a_very_long_word_is_read_at_once(reader):
    """A 20,000-letter "word" (a pasted blob) is neither corrected nor split: no quadratic work."""
    start = time.perf_counter()
    u = reader.understand("x" + "ab" * 10_000)
    assert time.perf_counter() - start < 1.0
    assert u.intent != Intent.RECOMMEND
