"""No sentence of the shared evaluation sets is written into data/, the held-out sets or the
understanding tests: those sets measure how the bot does on questions nobody wrote down, and a
copy (even with other case, punctuation or spacing) would turn the measure into a memory test.

Not counted as copies: messages of one or two words ("hello", "IMC member"), the catalogue's own
names for a community (its name, id, nickname and keywords, from the source page), and what the
bot's own buttons send (data/texts: ``choice``), which the bot shows the user to click."""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
EVAL = ROOT.parent / "shared" / "eval"
EVAL_SETS = ("dev.yaml", "dev2.yaml")
# The tests whose sentences are questions put to the understanding engine.
SENTENCE_TESTS = ("test_model.py", "test_generalisation.py", "test_understanding.py")


def normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def strings(node: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from strings(value, f"{where}[{i}]")


def catalogue_names() -> set[str]:
    names: set[str] = set()
    for name in ("communities.yaml", "working_groups.yaml"):
        doc = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        for entries in doc.values():
            for entry in entries if isinstance(entries, list) else []:
                for field in ("id", "name", "nickname", "keywords"):
                    value = entry.get(field)
                    for text in value if isinstance(value, list) else [value]:
                        if isinstance(text, str):
                            names.add(normal(text))
    return names


@pytest.fixture(scope="module")
def evaluation() -> dict[str, str]:
    if not all((EVAL / name).is_file() for name in EVAL_SETS):
        pytest.skip(f"the shared evaluation sets ({', '.join(EVAL_SETS)}) are not at {EVAL}")
    questions: dict[str, str] = {}
    for name in EVAL_SETS:
        for case in yaml.safe_load((EVAL / name).read_text(encoding="utf-8")):
            questions.setdefault(normal(case["q"]), f"{name}: {case['q']!r}")
    return questions


def copies(found: Iterator[tuple[str, str]], evaluation: dict[str, str]) -> list[str]:
    allowed = catalogue_names()
    return [
        f"{where}: {text!r} is {evaluation[normal(text)]}"
        for where, text in found
        if normal(text) in evaluation
        and len(normal(text).split()) > 2
        and normal(text) not in allowed
    ]


def data_phrases() -> Iterator[tuple[str, str]]:
    for path in sorted(DATA.rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.parent.name == "texts" and isinstance(doc, dict):
            doc = {k: v for k, v in doc.items() if k != "choice"}
        yield from strings(doc, str(path.relative_to(ROOT)))


def test_no_phrase_in_data_is_an_evaluation_question(evaluation: dict[str, str]) -> None:
    assert copies(data_phrases(), evaluation) == []


def test_no_held_out_or_test_sentence_is_an_evaluation_question(
    evaluation: dict[str, str],
) -> None:
    def found() -> Iterator[tuple[str, str]]:
        for path in sorted((ROOT / "tests" / "heldout").glob("*.yaml")):
            for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
                yield f"{path.relative_to(ROOT)}[{i}].q", case["q"]
        for name in SENTENCE_TESTS:
            path = ROOT / "tests" / "unit" / name
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", node.value

    assert copies(found(), evaluation) == []


def test_a_copy_is_found_whatever_its_case_punctuation_and_spacing() -> None:
    question = {normal("How do I  reach the Portal?"): "dev.yaml: 'How do I reach the Portal?'"}
    assert copies(iter([("x", "how do i reach the portal")]), question)
    assert not copies(iter([("x", "how might one reach the portal")]), question)
