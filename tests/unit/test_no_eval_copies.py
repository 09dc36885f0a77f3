"""No sentence of the shared evaluation sets is written into data/, the test inputs (every test
folder, the held-out sets, the invented fixture catalogue) or the manifest: those sets measure how
the bot does on questions nobody wrote down, and a copy (even with other case, punctuation or
spacing) would turn the measure into a memory test. Likewise no question of our own held-out sets
(tests/heldout/**) is written into data/ or into another test.

Every string of tests/ and manifest/ is compared (Python string constants, YAML and JSON values),
whole, line by line, without Teams' <at>mention</at> markup, and, in the manifest's prose, each
quoted example. Not counted as copies: messages of one or two words ("hello", "IMC member"), the
catalogue's own names for a community (its name, id, nickname and keywords, from the source
page), and, in data/ and the manifest, what the bot's own buttons show and send (data/texts:
``choice``; the manifest's commands are the same messages). A test that clicks such a button
reads its text from data/."""

from __future__ import annotations

import ast
import json
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
HELD_OUT = ROOT / "tests" / "heldout"
SCANNED = ("tests", "manifest")  # every test input, and the manifest's titles and examples
_MENTION = re.compile(r"<at>[^<]*</at>")
_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|„([^“]+)“|«\s*([^»]+?)\s*»")


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


def button_texts() -> set[str]:
    """What the bot's own buttons show and send, in every language (data/texts: ``choice``)."""
    texts: set[str] = set()
    for path in sorted((DATA / "texts").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts |= {normal(text) for _, text in strings(doc.get("choice") or {}, "choice")}
    return texts


@pytest.fixture(scope="module")
def evaluation() -> dict[str, str]:
    if not all((EVAL / name).is_file() for name in EVAL_SETS):
        pytest.skip(f"the shared evaluation sets ({', '.join(EVAL_SETS)}) are not at {EVAL}")
    questions: dict[str, str] = {}
    for name in EVAL_SETS:
        for case in yaml.safe_load((EVAL / name).read_text(encoding="utf-8")):
            questions.setdefault(normal(case["q"]), f"{name}: {case['q']!r}")
    return questions


def copies(
    found: Iterator[tuple[str, str]],
    evaluation: dict[str, str],
    allowed: frozenset[str] | set[str] = frozenset(),
    longer_than: int = 2,
) -> list[str]:
    allowed = set(allowed) | catalogue_names()
    out = []
    for where, text in found:
        for part in dict.fromkeys(readings(text)):
            said = normal(part)
            if said in evaluation and len(said.split()) > longer_than and said not in allowed:
                out.append(f"{where}: {part!r} is {evaluation[said]}")
    return out


def readings(text: str) -> Iterator[str]:
    """The string, each of its lines, and both without @mentions."""
    for whole in (text, _MENTION.sub(" ", text)):
        yield whole
        yield from whole.splitlines()


def held_out() -> dict[str, str]:
    """Our own held-out questions (tests/heldout/**), which measure the same way."""
    questions: dict[str, str] = {}
    for path in sorted(HELD_OUT.rglob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            where = str(path.relative_to(ROOT))
            questions.setdefault(normal(case["q"]), f"{where}: {case['q']!r}")
    return questions


def data_phrases() -> Iterator[tuple[str, str]]:
    for path in sorted(DATA.rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.parent.name == "texts" and isinstance(doc, dict):
            doc = {k: v for k, v in doc.items() if k != "choice"}
        yield from strings(doc, str(path.relative_to(ROOT)))


def file_strings(path: Path) -> Iterator[tuple[str, str]]:
    where = str(path.relative_to(ROOT))
    if path.suffix == ".py":
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield f"{where}:{node.lineno}", node.value
    elif path.suffix in (".yaml", ".yml"):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            yield from strings(doc, where)
    elif path.suffix == ".json":
        yield from strings(json.loads(path.read_text(encoding="utf-8")), where)


def scanned(folder: str) -> Iterator[tuple[str, str]]:
    for path in sorted((ROOT / folder).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            yield from file_strings(path)


def quoted(found: Iterator[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Each string, and each example quoted in it ('Try "help" or "list all teams"')."""
    for where, text in found:
        yield where, text
        for match in _QUOTED.finditer(text):
            yield where, next(g for g in match.groups() if g)


def test_no_phrase_in_data_is_an_evaluation_question(evaluation: dict[str, str]) -> None:
    assert copies(data_phrases(), evaluation) == []


def test_no_test_input_is_an_evaluation_question(evaluation: dict[str, str]) -> None:
    assert copies(scanned("tests"), evaluation) == []


def test_no_held_out_question_is_in_data_or_another_test() -> None:
    """Short stock phrases (five words or fewer: "wie viele Teams gibt es?", a job title) are
    what anyone writes, in a held-out set as in the vocabulary; a longer sentence is a copy."""
    questions = held_out()
    assert len(questions) > 500  # every set is read
    elsewhere = (
        (where, text) for where, text in scanned("tests") if not where.startswith("tests/heldout")
    )
    assert copies(data_phrases(), questions, longer_than=5) == []
    assert copies(elsewhere, questions, longer_than=5) == []


def test_no_manifest_text_is_an_evaluation_question(evaluation: dict[str, str]) -> None:
    assert copies(quoted(scanned("manifest")), evaluation, button_texts()) == []


def test_a_copy_is_found_whatever_its_case_punctuation_spacing_and_mention() -> None:
    question = {normal("How do I  reach the Portal?"): "dev.yaml: 'How do I reach the Portal?'"}
    assert copies(iter([("x", "how do i reach the portal")]), question)
    assert copies(iter([("x", "<at>Bot</at> How do I reach the portal?")]), question)
    assert copies(iter([("x", "hi\r\nhow do I reach the portal?\r\n")]), question)
    assert copies(quoted(iter([("x", 'Try "how do I reach the portal" today')])), question)
    assert not copies(iter([("x", "how might one reach the portal")]), question)


def test_every_kind_of_file_in_use_is_read() -> None:
    """Inputs live in Python, YAML and JSON files (Markdown and images are no test inputs): a new
    kind of file must be taught to ``file_strings`` before it can hold an input unchecked."""
    kinds = {p.suffix for folder in SCANNED for p in (ROOT / folder).rglob("*") if p.is_file()}
    assert kinds - {".pyc"} <= {".py", ".yaml", ".json", ".md", ".png"}, kinds
