"""Replies in the user's language: the five languages' texts are complete (bot check fails
otherwise, naming file, entry and where the English is), the reply language is chosen from the
message with Teams' locale for a short one, every button in every language is understood as in
English, and another language gets English with the languages the bot speaks."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.cli.main import load_assistant, main
from bot.core.answers import role_choices
from bot.core.catalogue import CatalogueError, load_catalogue
from bot.core.texts import LANGUAGES, ReplyLanguage, reply_language
from bot.settings import Settings
from tests.support.catalogues import FIXTURE, real_catalogue

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 24)
CHOICES = ("list_all", "working_groups", "register", "support", "person", "help", "contact_yes")


def problems_of(data: Path) -> list[str]:
    with pytest.raises(CatalogueError) as err:
        load_catalogue(data)
    return [str(p) for p in err.value.problems]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the invented catalogue (tests/fixtures) to break: the check's mechanism."""
    copy = tmp_path / "data"
    shutil.copytree(FIXTURE, copy)
    return copy


@pytest.mark.parametrize(
    ("detected", "text", "locale", "expected"),
    [
        ("de", "Welches Team passt zu mir?", "en-US", ReplyLanguage("de")),
        ("en", "ok", "fr-FR", ReplyLanguage("fr")),  # too short to tell: the locale
        ("en", "hallo", "it-IT", ReplyLanguage("it")),
        ("en", "ok", "pl-PL", ReplyLanguage("en")),  # a locale the bot does not speak
        ("en", "which team is for auditors?", "fr-FR", ReplyLanguage("en")),
        ("other", "Jestem audytorem, gdzie mam dołączyć?", "pl-PL", ReplyLanguage("en", True)),
        ("other", "ja", "de-DE", ReplyLanguage("de")),  # short: the detector may be wrong
        ("other", "tak", "pl-PL", ReplyLanguage("en")),
        ("it", "non", "fr-FR", ReplyLanguage("fr")),  # French too
        ("de", "hallo", "pl-PL", ReplyLanguage("de")),
    ],
)
def test_the_reply_language(detected, text, locale, expected) -> None:
    assert reply_language(detected, text, locale) == expected


def test_a_missing_language_file_fails_the_check(data: Path) -> None:
    (data / "texts" / "it.yaml").unlink()
    assert any(p.startswith("texts/it.yaml") and "file is missing" in p for p in problems_of(data))


def test_a_missing_fact_names_its_english_source(data: Path) -> None:
    path = data / "texts" / "fr.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  moving:\n    title:")
    end = text.index("  helpdesk:\n    title:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    found = problems_of(data)
    assert any(
        p.startswith("texts/fr.yaml")
        and "faq.moving.answer: is missing (English: faq.yaml, faq 'moving', field 'answer')" in p
        for p in found
    ), found


def test_english_facts_are_written_once(data: Path) -> None:
    path = data / "texts" / "en.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + 'fact:\n  join: "Join on the portal."\n',
        encoding="utf-8",
    )
    found = problems_of(data)
    assert any(
        p.startswith("texts/en.yaml") and "fact.join: is written in catalogue.yaml" in p
        for p in found
    ), found


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_button_is_understood_as_in_english(language: str) -> None:
    catalogue = real_catalogue()
    understand = Assistant(catalogue).understander.understand
    english, texts = catalogue.texts("en"), catalogue.texts(language)
    for name in CHOICES:
        says = texts.get(f"choice.{name}.says")
        want = understand(english.get(f"choice.{name}.says")).intent
        assert understand(says).intent == want, (name, says)
    for mine, theirs in zip(
        role_choices(catalogue, texts), role_choices(catalogue, english), strict=True
    ):
        assert understand(mine.text).roles == understand(theirs.text).roles, mine.text
    for faq in catalogue.faqs:
        title = texts.get(f"faq.{faq.id}.title")
        assert understand(title).faq_id == faq.id, title


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_answer_is_written_in_the_language(language: str) -> None:
    catalogue = real_catalogue()
    reply = Assistant(catalogue).respond(
        "how can I sign up for an account?", TODAY, language=ReplyLanguage(language)
    )
    texts = catalogue.texts(language)
    assert reply.answer.language == language
    assert reply.answer.text.startswith(texts.get("faq.register.answer", tech_support="")[:30])
    assert texts.get("faq.register.title").lower() in reply.text.lower()


def test_another_language_gets_english_and_the_languages_the_bot_speaks() -> None:
    catalogue = real_catalogue()
    assistant = Assistant(catalogue, detect=lambda text: "other")
    reply = assistant.respond("Pracuję jako controller w programie Interreg", TODAY)
    assert reply.answer.language == "en"
    assert catalogue.texts("en").get("language.other") in reply.text
    assert reply.answer.roles == ("controller",)  # still answers what it understood
    assert "Controllers network" in reply.text


def test_ask_json_carries_the_reply_language(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env file
    monkeypatch.delenv("ASSISTANT_DATA_DIR", raising=False)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(ROOT / "data"))
    out = io.StringIO()
    assert main(["ask", "--json", "--locale", "fr-FR", "ok"], out=out) == 0
    found = json.loads(out.getvalue())
    assert found["language"] == "fr" and found["other_language"] is False
    assert found["text"] == real_catalogue().texts("fr").get("small_talk.acknowledge")


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_button_and_command_is_answered_in_its_language(language: str) -> None:
    """What a button or a manifest command sends, typed: detected as its language (a short one
    by Teams' locale of a user of that language; a click also carries its card's language)."""
    assistant = load_assistant(Settings())
    catalogue = assistant.catalogue
    texts = catalogue.texts(language)
    said = [texts.get(f"choice.{name}.says") for name in (*CHOICES, "confirm_yes", "confirm_no")]
    said += [c.text for c in role_choices(catalogue, texts)]
    said += [texts.get(f"faq.{faq.id}.title") for faq in catalogue.faqs]
    strings = json.loads((ROOT / "manifest" / f"{language}.json").read_text(encoding="utf-8"))
    said += [v for k, v in strings.items() if k.startswith("bots[0].") and k.endswith(".title")]
    for text in said:
        assert assistant.language(text, f"{language}-XX").code == language, text
        if len(text.split()) > 2:  # long enough to tell without the locale
            assert assistant.language(text, "en-US").code == language, text
