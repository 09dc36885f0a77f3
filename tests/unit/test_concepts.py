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
    items = [Example(t, label, t, "", "en") for t, label in english]
    model = fit(items, lexicon.features(items), lexicon)
    reader = Understander(lexicon.catalogue, model, lexicon.languages)
    german = {"Ich arbeite als Prüferin": "c:auditors", "Ich bin Kontrolleur": "c:controllers"}
    for text, label in german.items():
        assert model.rank(*model.scores(reader.features(text))).label == label
    # the n-grams alone do not carry it
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
