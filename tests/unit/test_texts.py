"""The bot's sentences as data: one lookup with English fallback, checked by ``bot check`` (on
the invented catalogue of tests/fixtures), and every text id the code uses present in the real
``data/texts/en.yaml`` with the placeholders it fills."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from bot.core.catalogue import CatalogueError, load_catalogue
from bot.core.texts import check_texts, placeholders
from tests.support.catalogues import FIXTURE, real_catalogue

ROOT = Path(__file__).resolve().parents[2]
CODE = ("bot", "cards", "dialogs", "app.py")


def book(**languages: dict[str, object]):
    found, problems = check_texts(languages, {})
    return found, [(p.language, p.entry, p.message) for p in problems]


def test_a_language_falls_back_to_english_per_text_and_as_a_whole():
    texts, problems = book(
        en={"a": "Hello {name}", "b": "Bye"}, de={"a": "Hallo {name}", "b": "Tschüss"}
    )
    assert problems == []
    assert texts("de").get("a", name="Ana") == "Hallo Ana"
    assert texts("de-AT").get("b") == "Tschüss"
    assert texts("pt").get("a", name="Ana") == "Hello Ana"  # a language nobody wrote: English
    assert texts(None).language == "en"


def test_a_missing_text_or_placeholder_mismatch_is_a_problem():
    _, problems = book(
        en={"a": "Hello {name}", "b": "Bye", "c": "x"},
        fr={"a": "Bonjour {nom}", "c": "", "d": "extra"},
    )
    assert ("fr", "b", "is missing (English has it)") in problems
    assert ("fr", "a", "placeholders differ from English ({name})") in problems
    assert ("fr", "c", "must be a non-empty text") in problems
    assert ("fr", "d", "is not an English text id") in problems


def test_a_placeholder_must_be_a_plain_name():
    _, problems = book(en={"a": "{0} and {x.y}", "b": "{x!r}", "c": "{unclosed"})
    assert {entry for _, entry, _ in problems} == {"a", "b", "c"}


def test_get_refuses_an_unknown_id_or_a_missing_value():
    texts, _ = book(en={"a": "Hello {name}"})
    with pytest.raises(KeyError, match="needs a value"):
        texts().get("a")
    with pytest.raises(KeyError, match="no text"):
        texts().get("nope")


def test_bot_check_names_the_file_and_entry(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    english = (data / "texts" / "en.yaml").read_text(encoding="utf-8")
    (data / "texts" / "de.yaml").write_text(
        'answer:\n  recommend_one: "Ich empfehle {oops}"\n', encoding="utf-8"
    )
    (data / "texts" / "en.yaml").write_text(
        english.replace("greeting: Hello from the test catalogue.", "greeting: 3"),
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as err:
        load_catalogue(data)
    found = [str(p) for p in err.value.problems]
    assert any(
        p.startswith("texts/de.yaml") and "answer.recommend_one: placeholders" in p for p in found
    ), found
    assert any(
        p.startswith("texts/de.yaml") and "faq.account.title: is missing" in p for p in found
    )
    assert any(p.startswith("texts/en.yaml") and "answer.greeting" in p for p in found), found


def test_english_is_required(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    (data / "texts" / "en.yaml").unlink()
    with pytest.raises(CatalogueError, match=r"texts/en\.yaml: file is missing"):
        load_catalogue(data)


def _text_calls() -> list[tuple[str, int, str, frozenset[str] | None]]:
    """Every ``….get("group.id", name=…)`` in the code: (file, line, id, keyword names, or None
    when the values are passed as ``**mapping``)."""
    found = []
    files = [
        p for c in CODE for p in ([ROOT / c] if c.endswith(".py") else (ROOT / c).rglob("*.py"))
    ]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and "." in node.args[0].value
                and " " not in node.args[0].value
            ):
                continue
            keywords = [k.arg for k in node.keywords]
            names = None if None in keywords else frozenset(k for k in keywords if k)
            found.append((str(path.relative_to(ROOT)), node.lineno, node.args[0].value, names))
    return found


def test_every_text_the_code_uses_exists_with_the_placeholders_it_fills():
    english = real_catalogue().texts().entries
    calls = _text_calls()
    assert len(calls) > 50  # the scan finds the lookups
    for file, line, text_id, names in calls:
        assert text_id in english, f"{file}:{line}: no text {text_id!r} in data/texts/en.yaml"
        if names is not None:
            want = placeholders(english[text_id])
            assert names == want, f"{file}:{line}: {text_id!r} takes {sorted(want)}"


@pytest.mark.parametrize("language", ["en", "it"])
def test_bot_check_fails_without_a_text_of_forget_me(tmp_path, language):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "texts" / f"{language}.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nforget:")
    kept = text[start:].replace("\n  done_shared:", "\n  dropped:", 1)
    path.write_text(text[:start] + kept, encoding="utf-8")
    with pytest.raises(CatalogueError, match=rf"texts/{language}\.yaml.*forget\.done_shared"):
        load_catalogue(data)
