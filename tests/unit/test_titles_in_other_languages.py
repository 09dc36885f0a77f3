"""Issue 10, titles in other languages: the vocabulary's English titles and terms of the
programme staff (accountant, treasurer, finance officer, web editor, project and programme
officer, lead partner, a programme's steering committee, management verifications) have their
German, French, Italian and Spanish names in the glossary (data/vocabulary.yaml; from
shared/domain/interreg-glossary.md, 1c, where it has them). A title written in another language
is then the same concept for the model as the English one (README, "Understanding": with a
language held out, its glossary is how it starts) and the same role for the rules.

Sentences of our own, none of them a phrase of data/training or of an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.core.catalogue import Catalogue
from bot.core.learning import Lexicon
from bot.core.training import load_training
from tests.support.catalogues import DATA
from tests.support.catalogues import top_community as _top

TITLES = [
    # finance: accountant, treasurer, the accounts
    ("Ich bin die Buchhalterin unseres Programms", "finance-officer", "financial-management"),
    ("je suis la trésorière du programme", "finance-officer", "financial-management"),
    ("sono il tesoriere del programma", "finance-officer", "financial-management"),
    ("trabajo de contable en la secretaría conjunta", "finance-officer", "financial-management"),
    # programme and project officers, and the lead partners they look after
    (
        "Ich bin Projektbetreuerin im Gemeinsamen Sekretariat",
        "programme-officer",
        "programme-management",
    ),
    (
        "je suis chargée de projets au secrétariat conjoint",
        "programme-officer",
        "programme-management",
    ),
    ("lavoro come funzionaria di programma", "programme-officer", "programme-management"),
    (
        "llevo años de técnico de programa en la autoridad de gestión",
        "programme-officer",
        "programme-management",
    ),
    ("j'accompagne les chefs de file de nos projets", "programme-officer", "programme-management"),
    # the programme's website
    ("Ich bin Webredakteurin des Programms", "communication-officer", "communication"),
    ("je suis webmestre du programme", "communication-officer", "communication"),
    ("sono la redattrice web del programma", "communication-officer", "communication"),
    ("soy redactora web del programa", "communication-officer", "communication"),
]


@pytest.fixture(scope="module")
def lexicon(catalogue: Catalogue) -> Lexicon:
    return Lexicon(catalogue, dict(load_training(DATA, catalogue).languages))


@pytest.mark.parametrize(("text", "role", "community"), TITLES)
def test_a_title_in_another_language_is_its_role_s_concept(
    lexicon: Lexicon, text: str, role: str, community: str
) -> None:
    assert f"role:{role}" in lexicon.reader().concepts(text)


@pytest.mark.parametrize(("text", "role", "community"), TITLES)
def test_a_title_in_another_language_gets_its_community(
    reader, text: str, role: str, community: str
) -> None:
    assert _top(reader.understand(text)) == community, text
