"""Issue 10, the round of 1 December: classes read from the development sets, each with sentences
of our own in several languages and shapes, run with the trained model the bot serves.

- A National Contact Point told only by its tasks (advising those who want to apply and helping
  them find partners for their projects), in German, Dutch, Polish, French, Italian or Spanish,
  gets National Contact Points: the partner search is theirs (vocabulary.yaml: partner-search).
- A Team named loosely in Spanish, French or Italian ("el equipo de cooperación externa",
  without accents too) gets that Team.
- Two typos in one phrase ("comunicaton oficer", "programe managment") are read as the phrase
  they are nearest to together, though each word alone is nearest to another word.
- The Italian article "i" ("i controllori devono ...?") is no English "I": a first-person word
  of one word speaks of the user only in a message of a language that has it; a question about
  what controllers must do, asked in Italian, is a programme's rule (no team).
- A communication officer or a controller told by tasks in Danish, Norwegian, Swedish, Dutch,
  Finnish and other EU languages gets their community.

None of these sentences is a phrase of data/ or of an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.core.understanding import Intent
from tests.support.catalogues import top_community as _top

# ------------------------------------------------------------------ 1. NCP told by tasks


@pytest.mark.parametrize(
    "text",
    [
        "Ich berate Organisationen, die einen Antrag planen, und helfe ihnen bei der Suche nach "
        "Projektpartnern",
        "ich berate künftige Antragsteller und unterstütze sie dabei, passende Partner zu finden",
        "Ik adviseer organisaties die willen aanvragen en help ze om partners te vinden",
        "Ik help aanvragers bij het zoeken naar partners en beantwoord hun vragen",
        "Doradzam przyszłym wnioskodawcom i pomagam im znaleźć partnerów do projektów",
        "je conseille les structures qui veulent candidater et je les aide dans la recherche de "
        "partenaires",
        "do consigli a chi vuole candidarsi e lo aiuto a trovare partner per il progetto",
        "asesoro a las entidades que quieren presentarse y les ayudo en la búsqueda de socios",
    ],
)
def test_a_national_contact_point_told_by_tasks_gets_ncp(reader, text):
    u = reader.understand(text)
    assert (u.intent, _top(u)) == (Intent.RECOMMEND, "ncp"), (text, u.intent, _top(u))


# ------------------------------------------------------------ 2. a Team named loosely


@pytest.mark.parametrize(
    ("text", "community"),
    [
        ("me interesa el equipo de cooperacion externa", "external-cooperation"),
        ("busco el grupo de la cooperación externa", "external-cooperation"),
        ("vorrei entrare nel team della cooperazione estera", "external-cooperation"),
        ("c'è un team per la cooperazione estera?", "external-cooperation"),
        ("je cherche l'equipe de la cooperation externe", "external-cooperation"),
        ("el equipo de colaboracion entre programas", "inter-programme"),
        ("l'équipe collaboration entre programmes, c'est pour qui ?", "inter-programme"),
        ("il team della collaborazione tra programmi", "inter-programme"),
        ("quiero unirme al equipo de gestión de programas y proyectos", "programme-management"),
        ("vorrei il team gestione di programmi e progetti", "programme-management"),
    ],
)
def test_a_team_named_loosely_gets_that_team(reader, text, community):
    u = reader.understand(text)
    assert u.intent == Intent.RECOMMEND and _top(u) == community, (text, u.intent, _top(u))


# ------------------------------------------------------------ 3. two typos in one phrase


@pytest.mark.parametrize(
    ("text", "community"),
    [
        ("sono comunicaton oficer in un programma", "communication"),
        ("lavoro nel programe managment del segretariato", "programme-management"),
        ("soy comunicaton oficer, ¿qué equipo?", "communication"),
        ("I'm the comunicaton oficer of our programme", "communication"),
        ("ich bin comunicaton oficer beim Programm", "communication"),
    ],
)
def test_two_typos_in_one_phrase_are_read_as_the_phrase(reader, text, community):
    u = reader.understand(text)
    assert u.intent == Intent.RECOMMEND and _top(u) == community, (text, u.intent, _top(u))


def test_a_phrase_is_read_through_its_typos_word_by_word(reader):
    assert reader.words("comunicaton oficer") == ("communication", "officer")
    assert reader.words("programe managment")[1:] == ("management",)
    assert reader.lexicon_phrase("programe managment") is not None
    # words that are no typo of a phrase stay as they are
    assert reader.words("programe") == ("programe",)


# --------------------------------------------- 4. the Italian "i" is no English "I"


@pytest.mark.parametrize(
    "text",
    [
        "i controllori devono firmare anche le spese sotto i 100 euro?",
        "i controllori di primo livello devono andare in loco da ogni partner?",
        "i revisori devono campionare tutte le operazioni del programma?",
    ],
)
def test_a_rule_about_controllers_asked_in_italian_gets_no_team(reader, text):
    u = reader.understand(text)
    assert "first_person" not in u.cues, (text, u.language, u.cues)
    assert u.intent == Intent.FALLBACK and not u.matches, (text, u.intent, _top(u), u.cues)


@pytest.mark.parametrize(
    ("text", "first_person"),
    [
        ("i controllori devono firmare anche le spese sotto i 100 euro?", False),
        # Polish "i": and
        ("Jestem kontrolerem, sprawdzam faktury i wydatki partnerów w projekcie", False),
        ("I check the partners' invoices", True),
        ("io controllo le fatture dei partner", True),
        ("ich prüfe die Rechnungen der Partner", True),
        ("ma tâche est de vérifier les factures", True),  # French "ma": my
    ],
)
def test_a_first_person_word_speaks_of_the_user_in_its_own_language(reader, text, first_person):
    u = reader.understand(text)
    assert ("first_person" in u.cues) is first_person, (text, u.language, u.cues)


# --------------------------------- 5. communication and control told in more EU languages


@pytest.mark.parametrize(
    ("text", "community"),
    [
        ("Jeg redigerer nyhedsbrevet og holder vores sociale medier opdateret", "communication"),
        ("Jeg sender pressemeddelelser ud om vores projekter", "communication"),
        ("Jeg skriver nyhetsbrevet vårt og har ansvar for sosiale medier", "communication"),
        ("Jag tar hand om nyhetsbrevet och våra sociala medier", "communication"),
        ("Ik verstuur de nieuwsbrief en houd onze sociale media bij", "communication"),
        ("Teen uutiskirjeen ja päivitän ohjelman sosiaalista mediaa", "communication"),
        ("Jeg kontrollerer fakturaerne fra vores projektpartnere", "controllers"),
        ("Tarkastan laskut ja palkkalaskelmat ennen kuin kumppani raportoi", "controllers"),
        ("Provjeravam račune projektnih partnera prije izvješća", "controllers"),
    ],
)
def test_communication_and_control_told_by_tasks_in_more_languages(reader, text, community):
    u = reader.understand(text)
    assert u.intent == Intent.RECOMMEND and _top(u) == community, (text, u.intent, _top(u))


@pytest.mark.parametrize(
    "text",
    [
        "quiero entrar en el monitoring comittee de Interact",
        "vorrei entrare nel monitoring comitee di Interact",
        "je voudrais rejoindre le monitoring commitee d'Interact",
    ],
)
def test_interact_s_committee_named_in_english_with_another_language_s_of(reader, text):
    """The English name of Interact's committee with the other languages' "of" (and a typo,
    read into the phrase "monitoring committee") is Interact's own, not a programme's."""
    u = reader.understand(text)
    assert u.intent == Intent.RECOMMEND and _top(u) == "imc", (text, u.intent, _top(u))
