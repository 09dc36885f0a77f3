"""The lexicon's concepts as features of the understanding model (``Understander.concepts``,
``bot.core.learning.Lexicon``): the same concept in every language of the lexicon, and in
cross-validation never the concept of a phrase or template the fold holds out. Sentences of
our own."""

from __future__ import annotations

import pytest

from bot.core.catalogue import Catalogue
from bot.core.learning import Lexicon, by_phrase, by_template, fit, hidden
from bot.core.model import features
from bot.core.training import Example, load_training
from bot.core.understanding import Understander
from tests.support.catalogues import DATA


@pytest.fixture(scope="module")
def lexicon(catalogue: Catalogue) -> Lexicon:
    return Lexicon(catalogue, dict(load_training(DATA, catalogue).languages))


@pytest.mark.parametrize(
    "text",
    [
        "I am an auditor at the audit authority",
        "Ich bin Prüferin",
        "je suis auditrice",
        "sono revisore",
        "soy auditora",
        "jestem audytorem",
    ],
)
def test_a_role_is_the_same_concept_in_every_language(lexicon: Lexicon, text: str) -> None:
    assert "role:auditor" in lexicon.reader().concepts(text)


def test_a_model_that_never_saw_a_german_sentence_reads_a_german_role(lexicon: Lexicon) -> None:
    """Trained on English sentences only, the model still reads German role words, through
    their concepts."""
    english = [
        ("I work as an auditor", "c:auditors"),
        ("my job: audit authority", "c:auditors"),
        ("I am a controller", "c:controllers"),
        ("first level control is what I do", "c:controllers"),
        ("I am the communication officer", "c:communication"),
        ("press officer of the programme", "c:communication"),
    ]
    german = {"Ich arbeite als Prüferin": "c:auditors", "Ich bin Kontrolleur": "c:controllers"}
    _carried_by_concepts(lexicon, english, german)


def _carried_by_concepts(
    lexicon: Lexicon, english: list[tuple[str, str]], german: dict[str, str]
) -> None:
    """A model trained on the ``english`` examples only reads each ``german`` message as its
    label through the concepts, and the n-grams alone do not carry all of them."""
    items = [Example(t, label, t, "", "en") for t, label in english]
    model = fit(items, lexicon.features(items), lexicon)
    reader = Understander(lexicon.catalogue, model, lexicon.languages)
    for text, label in german.items():
        assert model.rank(*model.scores(reader.features(text))).label == label, text
    assert any(
        model.rank(*model.scores(features(text))).label != label for text, label in german.items()
    )


def test_a_phrase_held_out_leaves_the_lexicon_of_its_fold(lexicon: Lexicon) -> None:
    """A held-out job title that is a role term gives no concept in its fold: neither as
    written, nor in its feminine form, nor through another spelling of it in the lexicon
    ("Pruefer", which the typo correction would read "Prüfer" as)."""
    held_out = [Example("I am a Prüfer", "c:auditors", "Prüfer", "I am a {title}", "de")]
    reader = lexicon.reader(*hidden(by_phrase, held_out))
    for text in ("Ich bin Prüfer", "Ich bin Prüferin"):
        assert "role:auditor" not in reader.concepts(text)
        assert "role:auditor" in lexicon.reader().concepts(text)
    assert "role:auditor" in reader.concepts("I am an auditor")  # other terms stay


def test_a_template_held_out_takes_the_lexicon_phrases_in_its_words(lexicon: Lexicon) -> None:
    held_out = [
        Example(
            "which team for an auditor?", "c:auditors", "auditor", "which team for {title}?", "en"
        )
    ]
    phrases, texts = hidden(by_template, held_out)
    assert "cue:join" not in lexicon.reader(phrases, texts).concepts("which team is mine?")
    assert "cue:join" in lexicon.reader().concepts("which team is mine?")
    assert "role:auditor" in lexicon.reader(phrases, texts).concepts("I am an auditor")


@pytest.mark.parametrize(
    "text", ["Ich bin Prüferin, welches Team?", "my login does not work", "zzzz", ""]
)
def test_training_reads_the_features_the_served_bot_reads(lexicon: Lexicon, text: str) -> None:
    served = Understander(lexicon.catalogue, None, lexicon.languages).features(text)
    assert lexicon.features([Example(text, "help", text, "", "en")]) == [served]


@pytest.mark.parametrize(
    ("text", "faq_id"),
    [
        ("when did the move to Teams happen?", "migration"),
        ("wann war der Umzug?", "migration"),
        ("la migration a eu lieu quand ?", "migration"),
        ("quando c'è stato il trasloco?", "migration"),
        ("¿cuándo fue la migración?", "migration"),
        ("where are the shared documents kept?", "platform"),
        ("wo liegen die gemeinsamen Dokumente?", "platform"),
        ("combien d'équipes avez-vous ?", "platform"),
        ("quanti team ci sono?", "platform"),
        ("¿cuántos equipos hay?", "platform"),
        ("can I still read the old forum?", "old-communities"),
        ("kann ich das alte Forum noch lesen?", "old-communities"),
        ("wie kann ich mich registrieren?", "register"),
        ("comment faire mon inscription ?", "register"),
        ("is the web site up to date?", "website"),
        ("¿está actualizado el sitio web?", "website"),
    ],
)
def test_a_faq_s_subject_is_the_same_concept_in_every_language(
    lexicon: Lexicon, text: str, faq_id: str
) -> None:
    """faq.yaml's `subject` words: the model reads a FAQ's subject alike in every language."""
    assert f"subject:{faq_id}" in lexicon.reader().concepts(text)


def test_a_model_that_never_saw_a_german_faq_question_reads_its_subject(
    lexicon: Lexicon,
) -> None:
    """Trained on English questions only, the model still reads German questions about the
    same subjects, through their concepts."""
    english = [
        ("when did the communities move to Teams?", "faq:migration"),
        ("tell me about the migration", "faq:migration"),
        ("where do we keep shared documents?", "faq:platform"),
        ("how many teams do you run in total?", "faq:platform"),
        ("where would I get an account?", "faq:register"),
        ("I want to sign up", "faq:register"),
    ]
    german = {
        "Wann war der Umzug nach Teams?": "faq:migration",
        "Wo finde ich die gemeinsamen Dokumente?": "faq:platform",
        "Wie kann ich mich registrieren?": "faq:register",
    }
    _carried_by_concepts(lexicon, english, german)


@pytest.mark.parametrize(
    "text",
    [
        "I'm in charge of the events",
        "ich kümmere mich um die Veranstaltungen",
        "je m'occupe des événements",
        "mi occupo degli eventi",
        "me encargo de los eventos",
    ],
)
def test_telling_one_s_work_is_the_same_concept_in_every_language(
    lexicon: Lexicon, text: str
) -> None:
    """intents.yaml `work`: a message that tells what one's work is, read alike in every
    language (such a message asks where one belongs, not for support)."""
    assert "cue:work" in lexicon.reader().concepts(text)


@pytest.mark.parametrize(
    ("text", "concept", "community"),
    [
        ("how do I become a member of the Interact monitoring committee?", "subject:browse", "imc"),
        ("je gère la page web du programme et les réseaux sociaux", "cue:work", "communication"),
        ("Sono responsabile di programma o di progetto, mi occupo dei bandi", "cue:work", None),
    ],
)
def test_a_concept_phrase_takes_no_words_from_the_rules_phrases(
    lexicon: Lexicon, text: str, concept: str, community: str | None
) -> None:
    """A FAQ's subject or a `work` phrase is found wherever it stands, overlapping the rules'
    phrases without taking their words ("je suis chargé de" as a work phrase once ate the role
    "chargé de programme")."""
    reader = lexicon.reader()
    assert concept in reader.concepts(text)
    u = Understander(lexicon.catalogue).understand(text)
    if community:
        assert u.matches and u.matches[0].community_id == community, text
    else:
        assert u.roles == ("programme-officer",), text
