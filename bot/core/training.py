"""Training examples for the understanding model, generated from the content in ``data/``.

Pure Python. ``load_training`` reads and validates ``data/training/*.yaml`` (problems named by
file, entry and field, like the catalogue's); ``examples`` turns it, together with the catalogue
(community names and keywords, role terms, FAQ phrasings, intent phrases, Working Groups), into
labelled sentences. Each example remembers where it came from (the phrase, the template, the
language), so that cross-validation can hold out whole phrases, whole templates or languages.

Labels: ``c:<community id>``, ``faq:<faq id>``, and the answers that are not a community or a FAQ:
``list``, ``working_groups``, ``escalate``, ``greeting``, ``small_talk`` (a thank-you, an ok, a
goodbye), ``help``, ``offtopic``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.catalogue import GAP, Catalogue, CatalogueError, Problem
from bot.core.language import detect

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when there, else Python's
TRAINING_DIR = "training"
FILES = ("communities.yaml", "templates.yaml", "questions.yaml", "languages.yaml")
LANGUAGES = ("en", "de", "fr", "it", "es", "other")
TEMPLATE_KINDS = ("title", "task", "name", "employer")
EMPLOYER_PASSES = ("controllers", "auditors", "financial-management", "communication")
PLAIN_LABELS = (
    "list",
    "working_groups",
    "escalate",
    "greeting",
    "small_talk",
    "help",
    "offtopic",
)
# intents.yaml phrase kinds that are examples of a plain label
INTENT_LABELS = {
    "list": "list",
    "working_groups": "working_groups",
    "problem": "escalate",
    "account_request": "escalate",
    "person": "escalate",
    "greeting": "greeting",
    "thanks": "small_talk",
    "bye": "small_talk",
    "acknowledge": "small_talk",
    "help": "help",
    "identity": "help",  # "are you a bot?": the bot says what it is (a kind of help)
}


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    phrase: str  # the phrase it was made from (a title, task, term, FAQ phrasing ...)
    template: str  # the template that wrapped it ("" when used as it is)
    language: str


@dataclass(frozen=True)
class Material:
    """One community's titles and tasks, per language."""

    community: str
    titles: tuple[tuple[str, tuple[str, ...]], ...]
    tasks: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Training:
    materials: tuple[Material, ...]
    templates: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]
    questions: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]
    languages: tuple[tuple[str, frozenset[str]], ...] = ()

    def template(self, kind: str) -> dict[str, tuple[str, ...]]:
        return dict(dict(self.templates).get(kind, ()))


class TrainingError(CatalogueError):
    """The training data could not be loaded; ``problems`` lists every problem found."""


def _per_language(
    file: str, entry: str, field: str, value: Any, problems: list[Problem], slot: str = ""
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        problems.append(Problem(file, entry, field, "must map languages to lists of text"))
        return ()
    out = []
    for lang, items in value.items():
        where = f"{field}.{lang}"
        if lang not in LANGUAGES:
            problems.append(Problem(file, entry, where, f"unknown language (use {LANGUAGES})"))
            continue
        if not isinstance(items, list) or not items:
            problems.append(Problem(file, entry, where, "must be a non-empty list"))
            continue
        texts = []
        for i, item in enumerate(items):
            text = str(item).strip() if isinstance(item, str | int | float) else ""
            if not text:
                problems.append(Problem(file, entry, f"{where}[{i}]", "must be non-empty text"))
            elif slot and slot not in text:
                problems.append(Problem(file, entry, f"{where}[{i}]", f"has no {slot} slot"))
            else:
                texts.append(text)
        out.append((str(lang), tuple(texts)))
    return tuple(out)


def _read(root: Path, name: str, problems: list[Problem]) -> Mapping[str, Any]:
    file = f"{TRAINING_DIR}/{name}"
    try:
        doc = yaml.load((root / name).read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError:
        problems.append(Problem(file, "", "", "file is missing"))
        return {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(Problem(file, "", "", f"cannot be read: {exc}"))
        return {}
    if not isinstance(doc, Mapping):
        problems.append(Problem(file, "", "", "must be a mapping at the top level"))
        return {}
    return doc


def load_training(data_dir: str | Path, catalogue: Catalogue) -> Training:
    """Read and check ``data_dir/training``; raise TrainingError listing every problem."""
    root = Path(data_dir) / TRAINING_DIR
    problems: list[Problem] = []
    training = Training(
        materials=_load_materials(root, catalogue, problems),
        templates=_load_templates(root, problems),
        questions=_load_questions(root, catalogue, problems),
        languages=_load_languages(root, problems),
    )
    if problems:
        raise TrainingError(problems)
    return training


def _load_materials(
    root: Path, catalogue: Catalogue, problems: list[Problem]
) -> tuple[Material, ...]:
    doc = _read(root, "communities.yaml", problems)
    file = f"{TRAINING_DIR}/communities.yaml"
    community_ids = {c.id for c in catalogue.communities}
    materials = []
    for i, item in enumerate(doc.get("communities") or []):
        entry = f"communities[{i}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(file, entry, "", "must be a mapping of fields"))
            continue
        cid = item.get("community")
        entry += f" (community {cid!r})"
        if cid not in community_ids:
            problems.append(Problem(file, entry, "community", "is not the id of a community"))
        for key in item:
            if key not in ("community", "titles", "tasks"):
                problems.append(Problem(file, entry, str(key), "is not a known field"))
        materials.append(
            Material(
                community=str(cid),
                titles=_per_language(file, entry, "titles", item.get("titles"), problems),
                tasks=_per_language(file, entry, "tasks", item.get("tasks"), problems),
            )
        )
    return tuple(materials)


def _load_templates(root: Path, problems: list[Problem]) -> tuple[Any, ...]:
    doc = _read(root, "templates.yaml", problems)
    file = f"{TRAINING_DIR}/templates.yaml"
    templates = []
    for kind in TEMPLATE_KINDS:
        if kind not in doc:
            problems.append(Problem(file, "", kind, "is missing"))
        slot = "{" + kind + "}"
        templates.append((kind, _per_language(file, kind, kind, doc.get(kind), problems, slot)))
    employers = _per_language(file, "employers", "employers", doc.get("employers"), problems)
    templates.append(("employers", employers))
    for key in doc:
        if key not in (*TEMPLATE_KINDS, "employers"):
            problems.append(Problem(file, "", str(key), "is not a known template kind"))
    return tuple(templates)


def _load_questions(root: Path, catalogue: Catalogue, problems: list[Problem]) -> tuple[Any, ...]:
    doc = _read(root, "questions.yaml", problems)
    file = f"{TRAINING_DIR}/questions.yaml"
    faq_ids = {f.id for f in catalogue.faqs}
    examples = doc.get("examples")
    if not isinstance(examples, Mapping):
        problems.append(Problem(file, "", "examples", "must map labels to examples"))
        return ()
    questions = []
    for label, value in examples.items():
        label = str(label)
        known = label in PLAIN_LABELS or (label.startswith("faq:") and label[4:] in faq_ids)
        if not known:
            problems.append(
                Problem(file, label, "", f"unknown label (faq:<id> or one of {PLAIN_LABELS})")
            )
        questions.append((label, _per_language(file, label, label, value, problems)))
    return tuple(questions)


def _load_languages(root: Path, problems: list[Problem]) -> tuple[Any, ...]:
    doc = _read(root, "languages.yaml", problems)
    file = f"{TRAINING_DIR}/languages.yaml"
    words = _per_language(file, "languages", "languages", doc.get("languages"), problems)
    return tuple((lang, frozenset(w.lower() for w in ws)) for lang, ws in words)


def _spread(items: tuple[str, ...], key: str, n: int) -> list[str]:
    """``n`` of ``items`` chosen by a stable hash of ``key`` (all of them when there are few)."""
    if len(items) <= n:
        return list(items)
    start = int(hashlib.blake2b(key.encode(), digest_size=4).hexdigest(), 16) % len(items)
    return [items[(start + k * 7) % len(items)] for k in range(n)]


def examples(catalogue: Catalogue, training: Training) -> list[Example]:
    """Every training example, in a stable order."""
    return list(_generate(catalogue, training))


def _generate(cat: Catalogue, tr: Training) -> Iterator[Example]:
    yield from _from_materials(tr)
    yield from _from_catalogue(cat, tr)
    for label, per_lang in tr.questions:
        for lang, texts in per_lang:
            for text in texts:
                yield Example(text, label, text, "", lang)


def _titled(tr: Training, label: str, phrase: str, lang: str, per: int = 0) -> Iterator[Example]:
    """``phrase`` (a job title or role term) in the title templates of ``lang`` (all of them,
    or ``per`` of them chosen by a stable hash)."""
    templates = tr.template("title")
    pool = templates.get(lang) or templates.get("en", ())
    for t in _spread(pool, phrase, per) if per else pool:
        yield Example(t.replace("{title}", phrase), label, phrase, t, lang)


def _from_materials(tr: Training) -> Iterator[Example]:
    task_t = tr.template("task")
    employer_t, employers = tr.template("employer"), tr.template("employers")
    for m in tr.materials:
        label = f"c:{m.community}"
        for lang, titles in m.titles:
            for title in titles:
                yield from _titled(tr, label, title, lang)
                if m.community not in EMPLOYER_PASSES:
                    continue
                # the same function at a programme body: the function decides
                for t in _spread(employer_t.get(lang, ()), title + "t", 2):
                    for where in _spread(employers.get(lang, ()), title + t, 2):
                        text = t.replace("{employer}", where).replace("{title}", title)
                        yield Example(text, label, title, t, lang)
        for lang, tasks in m.tasks:
            pool = task_t.get(lang) or task_t.get("en", ())
            for task in tasks:
                for t in pool:
                    yield Example(t.replace("{task}", task), label, task, t, lang)


def _from_catalogue(cat: Catalogue, tr: Training) -> Iterator[Example]:
    """The catalogue's own words: role and topic terms, community names and keywords, FAQ
    phrasings, intent phrases, Working Groups."""
    for role in cat.roles:
        for term in role.terms if role.communities else ():
            yield from _titled(tr, f"c:{role.communities[0]}", term, "en", per=4)
    for topic in cat.topics:
        for term in topic.terms if len(topic.communities) == 1 else ():
            yield from _titled(tr, f"c:{topic.communities[0]}", term, "en", per=2)
    yield from _about_communities(cat, tr)
    yield from _whole_phrases(cat, dict(tr.languages))


def _about_communities(cat: Catalogue, tr: Training) -> Iterator[Example]:
    name_t = tr.template("name")
    for c in cat.communities:
        for phrase in dict.fromkeys((c.name, *c.keywords)):
            for lang, pool in name_t.items():
                for t in _spread(pool, phrase + lang, 4 if lang == "en" else 1):
                    yield Example(t.replace("{name}", phrase), f"c:{c.id}", phrase, t, lang)


def _whole_phrases(cat: Catalogue, languages: Mapping[str, frozenset[str]]) -> Iterator[Example]:
    """FAQ phrasings, intent phrases and Working Groups' names, each in the language its words
    say (most are English; "alle Teams anzeigen" is German, so that cross-validation holds it
    out with German). A FAQ an eligibility rule gives is reached by that rule only."""
    rule_faqs = {rule.faq for rule in cat.eligibility}
    for faq in cat.faqs:
        for q in faq.questions if faq.id not in rule_faqs else ():
            yield Example(q, f"faq:{faq.id}", q, "", detect(q, languages))
    for kind, phrases in cat.intent_phrases:
        for p in phrases if kind in INTENT_LABELS else ():
            if GAP not in p:  # a phrase with a gap is a pattern, not words people write
                yield Example(p, INTENT_LABELS[kind], p, "", detect(p, languages))
    for wg in cat.working_groups:
        for p in (wg.name, wg.nickname, *wg.keywords):
            if p:
                yield Example(p, "working_groups", p, "", detect(p, languages))


def fingerprint(items: list[Example], config: Mapping[str, Any]) -> str:
    """A hash of the examples and the model's settings: what a trained model came from."""
    h = hashlib.sha256(json.dumps(config, sort_keys=True).encode())
    for e in items:
        h.update(f"{e.label}\t{e.text}\n".encode())
    return h.hexdigest()
