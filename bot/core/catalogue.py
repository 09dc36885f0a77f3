"""The community catalogue: typed, frozen entries loaded from ``data/*.yaml`` and validated.

Every problem found is reported with the file, the entry and the field it is in (and the line,
where YAML tells it), so that content editors can fix the data without reading code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any, TypeVar

import yaml

from bot.core.text import Tokenizer, fold, has_word
from bot.core.texts import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    REQUIRED_TEXTS,
    TextBook,
    check_texts,
    flatten,
)

FILES = (
    "catalogue.yaml",
    "communities.yaml",
    "working_groups.yaml",
    "vocabulary.yaml",
    "faq.yaml",
    "intents.yaml",
    "escalation.yaml",
    "function_words.yaml",
)
_FIRST_INTENT_KINDS = (
    "greeting",
    "thanks",
    "bye",
    "acknowledge",
    "help",
    "list",
    "working_groups",
    "subteams",
    "join",
    "person",
    "contact_verbs",
    "support_targets",
    "question_words",
    "problem",
    "cancel",
    "forget_me",
    "support_channel",
)
# intents.yaml kinds a catalogue may leave out (the small talk and person pairs are below)
OPTIONAL_INTENT_KINDS = (
    "invisible",
    "offtopic",
    "people",
    "empty",
    "account_request",
    "eligibility",
    "list_patterns",
    "reload_catalogue",
    "duty",
    "first_person",
    "negation",
    "identity",
    "examines",
    "examined_work",
    "capacity",
    "joining",
    "work",
    "serves",
)
INTENT_PHRASE_KINDS = _FIRST_INTENT_KINDS + OPTIONAL_INTENT_KINDS  # in this order
# intents.yaml word lists that tell how a message is built, not what it asks: no cues of their own
# (never matched as phrases, never words the model learns), each a required, non-empty list
WORD_LIST_KINDS = (
    "clause_and",  # "and", "also": another question may follow
    "clause_openers",  # words that open a question or a statement ("who", "can", "I")
    "clause_prepositions",  # before an opener ("to whom", "an wen", "à qui")
    "list_joiners",  # words that join the items of a list ("and", "or", "as well")
    "list_articles",  # articles that may stand with them ("and the", "et des")
    "compound_links",  # German endings after which a compound's part takes an "s"
    "community_words",  # words that say a community is meant ("team", "channel", "Gruppe")
)
# word lists of single words (compared with a message's words, not found in its text)
SINGLE_WORD_KINDS = ("list_joiners", "list_articles", "compound_links", "community_words")
TEXTS_DIR = "texts"  # data/texts/<language>.yaml: every sentence the bot writes
SMALL_TALK_KINDS = ("bye", "acknowledge")  # optional in intents.yaml (a thank-you is required)
# intents.yaml kinds that are not cues of their own: a contact verb followed by a support target
# asks for a person, unless the message opens with a question word
PERSON_PAIR_KINDS = ("contact_verbs", "support_targets", "question_words")
# In an intent phrase, words may stand here ("sehe ... nicht": "ich sehe den Kanal nicht")
GAP = "..."
LINK_NAMES = ("register", "all_communities")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
_READ_WORD = re.compile(r"^[a-z0-9]+$")  # one word as the bot reads it (``Tokenizer.tokens``)
_ELIDED = re.compile(r"^([a-z]+)'$")  # an elided word with its apostrophe: "l'", "dell'"


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class Contact:
    id: str
    email: str
    purpose: str

    @property
    def mailto(self) -> str:
        return f"mailto:{self.email}"


@dataclass(frozen=True)
class Portal:
    register_url: str
    all_communities_url: str
    confirmed: bool = False  # Interact has confirmed both addresses (python -m bot doctor)
    privacy_url: str = ""  # the privacy note that "help" links to (configuration: PRIVACY_URL)


@dataclass(frozen=True)
class DatedFact:
    id: str
    date: dt.date
    before: str
    after: str

    def when(self, today: dt.date) -> str:
        """Which text is true on ``today``: "before" up to and including ``date``, then "after"."""
        return "before" if today <= self.date else "after"


@dataclass(frozen=True)
class Community:
    id: str
    name: str
    who_should_join: str
    keywords: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    parent: str | None = None
    join_url: str | None = None
    teams_url: str | None = None

    @property
    def is_subteam(self) -> bool:
        return self.parent is not None


@dataclass(frozen=True)
class EligibilityRule:
    community: str
    not_open_to: tuple[str, ...]
    source_text: str
    faq: str = ""  # the FAQ answering whether someone may join it ("" when there is none)


@dataclass(frozen=True)
class WorkingGroup:
    id: str
    name: str
    nickname: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Role:
    id: str
    label: str
    plural: str
    communities: tuple[str, ...]
    terms: tuple[str, ...]
    # its words can name what someone audits or checks: right after an act of auditing or
    # checking (intents.yaml: examines) they are context, not the user's role
    examined: bool = False


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    communities: tuple[str, ...]
    qualifies: tuple[str, ...]
    terms: tuple[str, ...]
    examined: bool = False  # as a role's (Role.examined)
    # a body the user sits on, no function (a monitoring committee): asked back with its
    # communities unless the model reads a function in the rest of the message
    membership: bool = False
    # an area whose sub-teams serve one function of their parent Team (South West Europe: the
    # programmes' financial matters): the function decides, the area only qualifies
    area: bool = False


@dataclass(frozen=True)
class Faq:
    id: str
    questions: tuple[str, ...]
    answer: str
    links: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    # words that name what the FAQ is about, in every language of the bot ("migration", "Umzug",
    # "trasloco"): one concept of the model, so that a question in words it never saw in that
    # language still shares something with the FAQ's examples in the others
    subject: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    contact: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Escalation:
    problem_contact: str
    default_contact: str
    routes: tuple[Route, ...]


@dataclass(frozen=True)
class Catalogue:
    version: str
    source_url: str
    portal: Portal
    contacts: tuple[Contact, ...]
    facts: tuple[tuple[str, str], ...]
    dated_facts: tuple[DatedFact, ...]
    teams: tuple[Community, ...]
    subteams: tuple[Community, ...]
    eligibility: tuple[EligibilityRule, ...]
    working_groups: tuple[WorkingGroup, ...]
    roles: tuple[Role, ...]
    topics: tuple[Topic, ...]
    faqs: tuple[Faq, ...]
    intent_phrases: tuple[tuple[str, tuple[str, ...]], ...]
    word_lists: tuple[tuple[str, tuple[str, ...]], ...]
    escalation: Escalation
    texts: TextBook
    # how a message's words are read: the function words and elisions of function_words.yaml
    tokenizer: Tokenizer

    @cached_property
    def communities(self) -> tuple[Community, ...]:
        """All Teams and sub-teams, each Team followed by its sub-teams."""
        out: list[Community] = []
        for team in self.teams:
            out.append(team)
            out.extend(self.children(team.id))
        return tuple(out)

    @cached_property
    def _by_id(self) -> Mapping[str, Community]:
        return {c.id: c for c in (*self.teams, *self.subteams)}

    @cached_property
    def _children(self) -> Mapping[str, tuple[Community, ...]]:
        kids: dict[str, list[Community]] = {}
        for sub in self.subteams:
            kids.setdefault(sub.parent or "", []).append(sub)
        return {k: tuple(v) for k, v in kids.items()}

    def community(self, community_id: str) -> Community:
        return self._by_id[community_id]

    def children(self, community_id: str) -> tuple[Community, ...]:
        return self._children.get(community_id, ())

    def parent_of(self, community: Community) -> Community | None:
        return self._by_id[community.parent] if community.parent else None

    def contact(self, contact_id: str) -> Contact:
        return next(c for c in self.contacts if c.id == contact_id)

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)

    def faq(self, faq_id: str) -> Faq:
        return next(f for f in self.faqs if f.id == faq_id)

    def fact(self, fact_id: str) -> str:
        return dict(self.facts)[fact_id]

    def join_url(self, community: Community) -> str:
        return community.join_url or self.portal.all_communities_url

    def phrases(self, kind: str) -> tuple[str, ...]:
        return dict(self.intent_phrases).get(kind, ())

    def words(self, kind: str) -> tuple[str, ...]:
        """One of the word lists of intents.yaml (``WORD_LIST_KINDS``)."""
        return dict(self.word_lists).get(kind, ())

    def with_portal(
        self,
        register_url: str | None = None,
        all_communities_url: str | None = None,
        privacy_url: str | None = None,
    ) -> Catalogue:
        """A copy with the portal's links replaced (configuration overrides the data)."""
        portal = dataclasses.replace(
            self.portal,
            register_url=register_url or self.portal.register_url,
            all_communities_url=all_communities_url or self.portal.all_communities_url,
            privacy_url=privacy_url or self.portal.privacy_url,
        )
        return dataclasses.replace(self, portal=portal)

    def counts(self) -> dict[str, int]:
        return {
            "teams": len(self.teams),
            "subteams": len(self.subteams),
            "working_groups": len(self.working_groups),
            "faqs": len(self.faqs),
            "roles": len(self.roles),
            "topics": len(self.topics),
        }


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.entry:
            parts.append(self.entry)
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts) + f": {self.message}"


class CatalogueError(Exception):
    """The data could not be loaded; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --------------------------------------------------------------------------- YAML with lines


class _LineDict(dict[str, Any]):
    line: int | None = None


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader whose mappings remember the line they start on: libyaml's parser when
    PyYAML was built with it (about five times faster), Python's otherwise."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    mapping = _LineDict()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# --------------------------------------------------------------------------- validation helpers


def _what(value: object) -> str:
    """A YAML value's kind in a content editor's words ("a mapping", not a Python type)."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "text" if isinstance(value, str) else type(value).__name__


@dataclass
class _Reader:
    """Reads one entry of one file, recording problems instead of raising."""

    file: str
    entry: str
    data: Mapping[str, Any]
    problems: list[Problem]
    seen: set[str] = field(default_factory=set)

    @property
    def line(self) -> int | None:
        return getattr(self.data, "line", None)

    def problem(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.entry, field_name, message, self.line))

    def text(self, name: str, *, required: bool = True, allow_empty: bool = False) -> str:
        self.seen.add(name)
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "is missing")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(name, f"must be text, not {_what(value)}")
            return ""
        value = str(value).strip()
        if not value and required and not allow_empty:
            self.problem(name, "must not be empty")
        return value

    def ident(self, name: str = "id") -> str:
        value = self.text(name)
        if value and not _ID.match(value):
            self.problem(name, f"{value!r} is not a valid id (lower-case letters, digits, dashes)")
        return value

    def url(self, name: str, *, required: bool = False) -> str | None:
        value = self.text(name, required=required)
        if not value:
            return None
        if not (value.startswith("https://") and len(value) > 8) and not value.startswith(
            "mailto:"
        ):
            self.problem(name, f"link {value!r} must start with https:// or mailto:")
        return value

    def texts(self, name: str, *, required: bool = False) -> tuple[str, ...]:
        self.seen.add(name)
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "is missing")
            return ()
        if not isinstance(value, list):
            self.problem(name, f"must be a list, not {_what(value)}")
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self.problem(f"{name}[{i}]", f"must be text, not {_what(item)}")
            elif not str(item).strip():
                self.problem(f"{name}[{i}]", "must not be empty")
            else:
                out.append(str(item).strip())
        if required and not out and isinstance(value, list) and not value:
            self.problem(name, "must not be empty")
        return tuple(out)

    def terms(self, name: str, *, required: bool = False) -> tuple[str, ...]:
        values = self.texts(name, required=required)
        for value in values:
            if not has_word(value):
                self.problem(name, f"term {value!r} has no letters or digits")
        return values

    def flag(self, name: str) -> bool:
        """An optional true / false field (false when missing)."""
        self.seen.add(name)
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            self.problem(name, f"must be true or false, not {value!r}")
            return False
        return value

    def date(self, name: str) -> dt.date:
        self.seen.add(name)
        value = self.data.get(name)
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(name, f"{value!r} is not a date (YYYY-MM-DD)")
            return dt.date.min

    def done(self) -> None:
        for key in self.data:
            if key not in self.seen:
                self.problem(str(key), "is not a known field")


def _entry_name(kind: str, index: int, data: Mapping[str, Any]) -> str:
    ident = data.get("id") or data.get("community") or data.get("contact")
    return f"{kind}[{index}]" + (f" (id {ident!r})" if isinstance(ident, str) else "")


def _entries(
    file: str, doc: Mapping[str, Any], key: str, problems: list[Problem]
) -> Iterator[_Reader]:
    items = doc.get(key)
    if items is None:
        problems.append(Problem(file, "", key, "is missing", getattr(doc, "line", None)))
        return
    if not isinstance(items, list):
        problems.append(Problem(file, "", key, "must be a list", getattr(doc, "line", None)))
        return
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            problems.append(Problem(file, f"{key}[{i}]", "", "must be a mapping of fields"))
            continue
        yield _Reader(file, _entry_name(key, i, item), item, problems)


E = TypeVar("E")


def _read_all(
    file: str,
    doc: Mapping[str, Any],
    key: str,
    problems: list[Problem],
    read: Callable[[_Reader], E],
) -> list[tuple[_Reader, E]]:
    """Every entry of the list ``doc[key]`` read by ``read``, each with its reader (for later
    checks), a field that ``read`` did not take reported as unknown (``_Reader.done``)."""
    read_all = []
    for r in _entries(file, doc, key, problems):
        read_all.append((r, read(r)))
        r.done()
    return read_all


def _check_unique(
    readers_values: Iterable[tuple[_Reader, str, str]], what: str, *, fold_case: bool = False
) -> None:
    seen: dict[str, str] = {}
    for reader, field_name, value in readers_values:
        if not value:
            continue
        key = value.casefold() if fold_case else value
        if key in seen:
            reader.problem(field_name, f"duplicate {what} {value!r} (also in {seen[key]})")
        else:
            seen[key] = reader.entry


# --------------------------------------------------------------------------- loading


def _read_yaml(path: Path, problems: list[Problem], name: str = "") -> Mapping[str, Any]:
    name = name or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(name, "", "", "file is missing"))
        return _LineDict()
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, "", "", f"cannot be read: {exc}"))
        return _LineDict()
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problems.append(Problem(name, "", "", f"YAML syntax error: {exc.problem}", line))
        return _LineDict()
    except yaml.YAMLError as exc:
        problems.append(Problem(name, "", "", f"YAML error: {exc}"))
        return _LineDict()
    if doc is None:
        problems.append(Problem(name, "", "", "file is empty"))
        return _LineDict()
    if not isinstance(doc, Mapping):
        problems.append(Problem(name, "", "", "must be a mapping at the top level"))
        return _LineDict()
    return doc


def _top_level(file: str, doc: Mapping[str, Any], known: set[str], problems: list[Problem]) -> None:
    for key in doc:
        if key not in known:
            problems.append(Problem(file, "", str(key), "is not a known top-level field"))


def load_catalogue(directory: str | Path) -> Catalogue:
    """Load and validate every file in ``directory``; raise CatalogueError listing all problems."""
    root = Path(directory)
    problems: list[Problem] = []
    docs = {name: _read_yaml(root / name, problems) for name in FILES}
    if problems:
        raise CatalogueError(problems)

    tokenizer = _load_function_words(docs["function_words.yaml"], problems)
    meta = _load_meta(docs["catalogue.yaml"], problems)
    teams, subteams, eligibility = _load_communities(docs["communities.yaml"], problems)
    working_groups = _load_working_groups(docs["working_groups.yaml"], problems)
    roles, topics = _load_vocabulary(docs["vocabulary.yaml"], problems)
    faqs = _load_faqs(docs["faq.yaml"], problems)
    intent_phrases, word_lists = _load_intents(docs["intents.yaml"], problems, tokenizer)
    escalation = _load_escalation(docs["escalation.yaml"], problems)
    texts = _load_texts(
        root / TEXTS_DIR,
        problems,
        {}
        if problems
        else _stated_texts(meta, roles, faqs, topics, teams + subteams, working_groups),
    )
    faqs, roles = _asked_in_every_language(faqs, roles, texts)

    catalogue = Catalogue(
        version=meta["version"],
        source_url=meta["source_url"],
        portal=meta["portal"],
        contacts=meta["contacts"],
        facts=meta["facts"],
        dated_facts=meta["dated_facts"],
        teams=teams,
        subteams=subteams,
        eligibility=eligibility,
        working_groups=working_groups,
        roles=roles,
        topics=topics,
        faqs=faqs,
        intent_phrases=intent_phrases,
        word_lists=word_lists,
        escalation=escalation,
        texts=texts,
        tokenizer=tokenizer,
    )
    _cross_check(catalogue, docs, problems)
    if problems:
        raise CatalogueError(problems)
    return catalogue


def _stated_texts(
    meta: Mapping[str, Any],
    roles: Iterable[Role],
    faqs: Iterable[Faq],
    topics: Iterable[Topic],
    communities: Iterable[Community],
    working_groups: Iterable[WorkingGroup],
) -> dict[str, tuple[str, str]]:
    """The English of the facts the bot states, written in the other data files: text id ->
    (text, where it is written). The other languages translate them under these ids in
    ``texts/<language>.yaml`` (one place decides this layout: here)."""
    out: dict[str, tuple[str, str]] = {}
    for faq in faqs:
        where = f"faq.yaml, faq '{faq.id}'"
        out[f"faq.{faq.id}.title"] = (faq.questions[0], f"{where}, its first question")
        out[f"faq.{faq.id}.answer"] = (faq.answer, f"{where}, field 'answer'")
    for name, text in meta["facts"]:
        out[f"fact.{name}"] = (text, f"catalogue.yaml, facts, field '{name}'")
    for dated in meta["dated_facts"]:
        for when in ("before", "after"):
            where = f"catalogue.yaml, dated fact '{dated.id}', field '{when}'"
            out[f"dated.{dated.id}.{when}"] = (getattr(dated, when), where)
    for contact in meta["contacts"]:
        where = f"catalogue.yaml, contact '{contact.id}', field 'purpose'"
        out[f"contact.{contact.id}.purpose"] = (contact.purpose, where)
    for role in roles:
        for name in ("label", "plural"):
            where = f"vocabulary.yaml, role '{role.id}', field '{name}'"
            out[f"role.{role.id}.{name}"] = (getattr(role, name), where)
    for topic in topics:
        where = f"vocabulary.yaml, topic '{topic.id}', field 'label'"
        out[f"topic.{topic.id}.label"] = (topic.label, where)
    for community in communities:
        kind = "sub-team" if community.is_subteam else "team"
        where = f"communities.yaml, {kind} '{community.id}', field 'who_should_join'"
        out[f"community.{community.id}.who_should_join"] = (community.who_should_join, where)
    for group in working_groups:
        for name in ("name", "nickname") if group.nickname else ("name",):
            where = f"working_groups.yaml, working group '{group.id}', field '{name}'"
            out[f"working_group.{group.id}.{name}"] = (getattr(group, name), where)
    return out


def _load_texts(
    directory: Path, problems: list[Problem], stated: Mapping[str, tuple[str, str]]
) -> TextBook:
    """``texts/<language>.yaml``, one for each language the bot speaks (``LANGUAGES``), each with
    every text of English: ``en.yaml`` plus the English ``stated`` in the other data files."""
    docs: dict[str, dict[str, object]] = {}
    lines: dict[str, dict[str, int]] = {}
    paths = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    found = {p.stem for p in paths}
    paths += [directory / f"{language}.yaml" for language in LANGUAGES if language not in found]
    for path in paths:
        file = f"{TEXTS_DIR}/{path.name}"
        doc = _read_yaml(path, problems, file)
        if not path.is_file():
            continue
        docs[path.stem] = dict(flatten(doc))
        lines[path.stem] = dict(_text_lines(doc))
        if path.stem == DEFAULT_LANGUAGE:
            for text_id in docs[path.stem].keys() & stated.keys():
                where = stated[text_id][1]
                line = lines[path.stem].get(text_id)
                problems.append(Problem(file, text_id, "", f"is written in {where}", line))
    if DEFAULT_LANGUAGE in docs:
        docs[DEFAULT_LANGUAGE].update({text_id: text for text_id, (text, _) in stated.items()})
    origins = {text_id: f"English: {where}" for text_id, (_, where) in stated.items()}
    book, text_problems = check_texts(docs, lines, origins)
    for text_id in REQUIRED_TEXTS:  # English has them, so every language must
        if DEFAULT_LANGUAGE in docs and text_id not in docs[DEFAULT_LANGUAGE]:
            file = f"{TEXTS_DIR}/{DEFAULT_LANGUAGE}.yaml"
            problems.append(Problem(file, text_id, "", "is missing (the bot says it)"))
    for p in text_problems:
        file = f"{TEXTS_DIR}/{p.language}.yaml"
        problems.append(Problem(file, p.entry, "", p.message, p.line))
    return book


def _asked_in_every_language(
    faqs: tuple[Faq, ...], roles: tuple[Role, ...], texts: TextBook
) -> tuple[tuple[Faq, ...], tuple[Role, ...]]:
    """What the bot's buttons say in each language is understood: a related question's title
    (``faq.<id>.title``) is one more way to ask that FAQ, a role's label one more term for it."""

    def said(text_id: str) -> tuple[str, ...]:
        return tuple(
            texts.languages[lang][text_id]
            for lang in texts.languages
            if lang != DEFAULT_LANGUAGE and text_id in texts.languages[lang]
        )

    faqs = tuple(
        dataclasses.replace(
            f, questions=tuple(dict.fromkeys(f.questions + said(f"faq.{f.id}.title")))
        )
        for f in faqs
    )
    roles = tuple(
        dataclasses.replace(r, terms=tuple(dict.fromkeys(r.terms + said(f"role.{r.id}.label"))))
        for r in roles
    )
    return faqs, roles


def _text_lines(doc: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, int]]:
    """The line of each text id (the line of the group it is in: YAML keeps mappings' lines)."""
    for key, value in doc.items():
        if isinstance(value, Mapping):
            yield from _text_lines(value, f"{prefix}{key}.")
        elif getattr(doc, "line", None):
            yield f"{prefix}{key}", doc.line  # type: ignore[attr-defined]


def _load_meta(doc: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
    file = "catalogue.yaml"
    _top_level(
        file, doc, {"version", "source_url", "portal", "contacts", "facts", "dated_facts"}, problems
    )
    top = _Reader(file, "", doc, problems, seen=set(doc))
    version = top.text("version")
    source_url = top.url("source_url", required=True) or ""

    portal_doc = doc.get("portal")
    if not isinstance(portal_doc, Mapping):
        problems.append(Problem(file, "portal", "", "must be a mapping with the portal's links"))
        portal_doc = _LineDict()
    portal_reader = _Reader(file, "portal", portal_doc, problems)
    portal = Portal(
        register_url=portal_reader.url("register_url", required=True) or "",
        all_communities_url=portal_reader.url("all_communities_url", required=True) or "",
        confirmed=portal_reader.flag("confirmed"),
    )
    portal_reader.done()

    def contact(r: _Reader) -> Contact:
        contact = Contact(id=r.ident(), email=r.text("email"), purpose=r.text("purpose"))
        if contact.email and not _EMAIL.match(contact.email):
            r.problem("email", f"{contact.email!r} is not an e-mail address")
        return contact

    contacts = [c for _, c in _read_all(file, doc, "contacts", problems, contact)]

    facts_doc = doc.get("facts")
    facts: list[tuple[str, str]] = []
    if not isinstance(facts_doc, Mapping):
        problems.append(Problem(file, "facts", "", "must be a mapping of fact id to text"))
    else:
        fact_reader = _Reader(file, "facts", facts_doc, problems)
        facts = [(str(k), fact_reader.text(str(k))) for k in facts_doc]
        for required in ("platform", "subteams_rule", "join", "working_groups"):
            if required not in facts_doc:
                fact_reader.problem(required, "is missing")

    def dated_fact(r: _Reader) -> DatedFact:
        return DatedFact(
            id=r.ident(), date=r.date("date"), before=r.text("before"), after=r.text("after")
        )

    dated = [d for _, d in _read_all(file, doc, "dated_facts", problems, dated_fact)]
    return {
        "version": version,
        "source_url": source_url,
        "portal": portal,
        "contacts": tuple(contacts),
        "facts": tuple(facts),
        "dated_facts": tuple(dated),
    }


def _read_community(r: _Reader, *, subteam: bool) -> Community:
    return Community(
        id=r.ident(),
        name=r.text("name"),
        who_should_join=r.text("who_should_join"),
        keywords=r.terms("keywords"),
        qualifiers=r.terms("qualifiers") if subteam else (),
        parent=r.text("parent") if subteam else None,
        join_url=r.url("join_url"),
        teams_url=r.url("teams_url"),
    )


def _load_communities(
    doc: Mapping[str, Any], problems: list[Problem]
) -> tuple[tuple[Community, ...], tuple[Community, ...], tuple[EligibilityRule, ...]]:
    file = "communities.yaml"
    _top_level(file, doc, {"teams", "subteams", "eligibility"}, problems)
    teams = _read_all(file, doc, "teams", problems, partial(_read_community, subteam=False))
    subteams = _read_all(file, doc, "subteams", problems, partial(_read_community, subteam=True))
    _check_unique(((r, "id", c.id) for r, c in teams + subteams), "id")
    _check_unique(((r, "name", c.name) for r, c in teams + subteams), "name", fold_case=True)
    team_ids = {t.id for _, t in teams}
    for r, sub in subteams:
        if sub.parent and sub.parent not in team_ids:
            r.problem("parent", f"parent {sub.parent!r} is not the id of a Team in 'teams'")

    def rule(r: _Reader) -> EligibilityRule:
        return EligibilityRule(
            community=r.text("community"),
            not_open_to=r.texts("not_open_to", required=True),
            source_text=r.text("source_text"),
            faq=r.text("faq", required=False),
        )

    rules = _read_all(file, doc, "eligibility", problems, rule)
    return tuple(c for _, c in teams), tuple(c for _, c in subteams), tuple(x for _, x in rules)


def _load_working_groups(
    doc: Mapping[str, Any], problems: list[Problem]
) -> tuple[WorkingGroup, ...]:
    file = "working_groups.yaml"
    _top_level(file, doc, {"working_groups"}, problems)

    def group(r: _Reader) -> WorkingGroup:
        return WorkingGroup(
            id=r.ident(),
            name=r.text("name"),
            nickname=r.text("nickname", allow_empty=True),
            keywords=r.terms("keywords"),
        )

    groups = _read_all(file, doc, "working_groups", problems, group)
    _check_unique(((r, "id", g.id) for r, g in groups), "id")
    _check_unique(((r, "name", g.name) for r, g in groups), "name", fold_case=True)
    return tuple(g for _, g in groups)


def _load_vocabulary(
    doc: Mapping[str, Any], problems: list[Problem]
) -> tuple[tuple[Role, ...], tuple[Topic, ...]]:
    file = "vocabulary.yaml"
    _top_level(file, doc, {"roles", "topics"}, problems)

    def role(r: _Reader) -> Role:
        return Role(
            id=r.ident(),
            label=r.text("label"),
            plural=r.text("plural"),
            communities=r.texts("communities", required=True),
            terms=r.terms("terms", required=True),
            examined=r.flag("examined"),
        )

    def topic(r: _Reader) -> Topic:
        return Topic(
            id=r.ident(),
            label=r.text("label"),
            communities=r.texts("communities"),
            qualifies=r.texts("qualifies"),
            terms=r.terms("terms", required=True),
            examined=r.flag("examined"),
            membership=r.flag("membership"),
            area=r.flag("area"),
        )

    roles = _read_all(file, doc, "roles", problems, role)
    topics = _read_all(file, doc, "topics", problems, topic)
    _check_unique(((r, "id", x.id) for r, x in roles), "role id")
    _check_unique(((r, "id", x.id) for r, x in topics), "topic id")
    return tuple(x for _, x in roles), tuple(x for _, x in topics)


def _load_faqs(doc: Mapping[str, Any], problems: list[Problem]) -> tuple[Faq, ...]:
    file = "faq.yaml"
    _top_level(file, doc, {"faqs"}, problems)

    def faq(r: _Reader) -> Faq:
        return Faq(
            id=r.ident(),
            questions=r.texts("questions", required=True),
            answer=r.text("answer"),
            links=r.texts("links"),
            related=r.texts("related"),
            subject=r.texts("subject"),
        )

    faqs = _read_all(file, doc, "faqs", problems, faq)
    _check_unique(((r, "id", f.id) for r, f in faqs), "id")
    return tuple(f for _, f in faqs)


_KindLists = tuple[tuple[str, tuple[str, ...]], ...]


def _load_intents(
    doc: Mapping[str, Any], problems: list[Problem], tokenizer: Tokenizer
) -> tuple[_KindLists, _KindLists]:
    """The intents' cue phrases, and the word lists (``WORD_LIST_KINDS``)."""
    file = "intents.yaml"
    _top_level(file, doc, {*INTENT_PHRASE_KINDS, *WORD_LIST_KINDS}, problems)
    reader = _Reader(file, "", doc, problems, seen=set(doc))
    phrases = []
    for kind in INTENT_PHRASE_KINDS:
        reader.entry = kind
        optional = kind in (*SMALL_TALK_KINDS, *PERSON_PAIR_KINDS, *OPTIONAL_INTENT_KINDS)
        phrases.append((kind, reader.terms(kind, required=not optional)))
    words = []
    for kind in WORD_LIST_KINDS:
        reader.entry = kind
        values = reader.terms(kind, required=True)
        if kind in SINGLE_WORD_KINDS:
            for value in values:
                if len(tokenizer.tokens(value)) > 1:
                    reader.problem(kind, f"{value!r} must be one word")
        words.append((kind, values))
    return tuple(phrases), tuple(words)


def _load_function_words(doc: Mapping[str, Any], problems: list[Problem]) -> Tokenizer:
    """The function words and elisions of each language (function_words.yaml), read with a
    ``Tokenizer``: each a word as the bot reads it (folded: lower case, no accents), each once in
    its language, an elision one word with its apostrophe."""
    file = "function_words.yaml"
    words: set[str] = set()
    elided: set[str] = set()
    if not doc:
        problems.append(Problem(file, "", "", "must list the function words of a language"))
    for language, data in doc.items():
        if not isinstance(language, str) or not _LANGUAGE_CODE.match(language):
            problems.append(
                Problem(file, "", str(language), "is not a language code (two lower-case letters)")
            )
            continue
        if not isinstance(data, Mapping):
            problems.append(
                Problem(file, language, "", "must be a mapping with 'function_words' ('elisions')")
            )
            continue
        r = _Reader(file, language, data, problems)
        r.texts("function_words", required=True)
        r.texts("elisions")
        if data.get("elisions") == []:
            r.problem("elisions", "must not be empty (leave the field out instead)")
        words.update(_read_words(r, "function_words", _read_word))
        elided.update(_read_words(r, "elisions", _elided_word))
        r.done()
    return Tokenizer(frozenset(words), tuple(sorted(elided)))


def _read_word(value: str) -> tuple[str, str]:
    """A function word as the bot reads it, and what is wrong with it ("" when nothing)."""
    if _READ_WORD.match(value):
        return value, ""
    folded = fold(value)
    if _READ_WORD.match(folded):
        return folded, f"{value!r} must be written as the bot reads it: {folded!r}"
    return value, f"{value!r} must be one word: lower-case letters and digits only"


def _elided_word(value: str) -> tuple[str, str]:
    """An elision's word without its apostrophe ("l'" -> "l"), and what is wrong with it."""
    found = _ELIDED.match(value)
    if found:
        return found.group(1), ""
    return value, (
        f"{value!r} must be one word of lower-case letters without accents, then an apostrophe "
        '("l\'", "dell\'")'
    )


def _read_words(r: _Reader, name: str, read: Callable[[str], tuple[str, str]]) -> Iterator[str]:
    """The valid words of the list ``name`` as read by ``read``; a wrong one and one listed twice
    reported with its place in the list (``name[i]``)."""
    items = r.data.get(name)
    seen: dict[str, int] = {}
    for i, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            continue  # reported by _Reader.texts
        value = str(item).strip()
        if not value:
            continue  # reported by _Reader.texts
        word, wrong = read(value)
        if wrong:
            r.problem(f"{name}[{i}]", wrong)
        elif word in seen:
            r.problem(f"{name}[{i}]", f"{value!r} is listed twice (also {name}[{seen[word]}])")
        else:
            seen[word] = i
            yield word


def _load_escalation(doc: Mapping[str, Any], problems: list[Problem]) -> Escalation:
    file = "escalation.yaml"
    _top_level(file, doc, {"problem_contact", "default_contact", "routes"}, problems)
    top = _Reader(file, "", doc, problems, seen=set(doc))

    def route(r: _Reader) -> Route:
        return Route(contact=r.text("contact"), phrases=r.terms("phrases", required=True))

    routes = _read_all(file, doc, "routes", problems, route)
    return Escalation(
        problem_contact=top.text("problem_contact"),
        default_contact=top.text("default_contact"),
        routes=tuple(x for _, x in routes),
    )


def _cross_check(
    cat: Catalogue, docs: Mapping[str, Mapping[str, Any]], problems: list[Problem]
) -> None:
    """Checks that span files: every reference names something that exists."""

    def at(file: str, key: str, index: int) -> _Reader:
        items = docs[file].get(key) or []
        data = items[index] if index < len(items) and isinstance(items[index], Mapping) else {}
        return _Reader(file, _entry_name(key, index, data), data, problems)

    _check_eligibility(cat, at)
    _check_vocabulary(cat, at)
    _check_faqs(cat, at)
    _check_escalation(cat, _Reader("escalation.yaml", "", docs["escalation.yaml"], problems), at)
    contact_ids = {c.id for c in cat.contacts}
    for required in ("tech-support", "communication"):
        if required not in contact_ids:
            problems.append(
                Problem("catalogue.yaml", "contacts", "id", f"the contact {required!r} is missing")
            )


_At = Callable[[str, str, int], "_Reader"]  # (file, key, index) -> the entry's reader


def _community_ids(cat: Catalogue) -> set[str]:
    return {c.id for c in (*cat.teams, *cat.subteams)}


def _check_eligibility(cat: Catalogue, at: _At) -> None:
    community_ids = _community_ids(cat)
    role_ids = {r.id for r in cat.roles}
    faq_ids = {f.id for f in cat.faqs}
    for i, rule in enumerate(cat.eligibility):
        r = at("communities.yaml", "eligibility", i)
        if rule.community and rule.community not in community_ids:
            r.problem("community", f"{rule.community!r} is not the id of a community")
        for role in rule.not_open_to:
            if role not in role_ids:
                r.problem("not_open_to", f"{role!r} is not the id of a role in vocabulary.yaml")
        if rule.faq and rule.faq not in faq_ids:
            r.problem("faq", f"{rule.faq!r} is not the id of a FAQ in faq.yaml")


def _check_vocabulary(cat: Catalogue, at: _At) -> None:
    community_ids = _community_ids(cat)
    subteam_ids = {c.id for c in cat.subteams}
    for i, role in enumerate(cat.roles):
        for cid in role.communities:
            if cid not in community_ids:
                at("vocabulary.yaml", "roles", i).problem(
                    "communities", f"{cid!r} is not the id of a community"
                )
    for i, topic in enumerate(cat.topics):
        r = at("vocabulary.yaml", "topics", i)
        for cid in topic.communities:
            if cid not in community_ids:
                r.problem("communities", f"{cid!r} is not the id of a community")
        for cid in topic.qualifies:
            if cid not in subteam_ids:
                r.problem("qualifies", f"{cid!r} is not the id of a sub-team")
        if topic.area and (topic.communities or not topic.qualifies):
            r.problem("area", "an area qualifies its sub-teams and points at no community")


def _check_faqs(cat: Catalogue, at: _At) -> None:
    contact_ids = {c.id for c in cat.contacts}
    faq_ids = {f.id for f in cat.faqs}
    known_fields = {n for _, n, _, _ in string.Formatter().parse(_FAQ_FIELDS_TEMPLATE) if n}
    known_fields |= {d.id for d in cat.dated_facts} | {k for k, _ in cat.facts}
    for i, faq in enumerate(cat.faqs):
        r = at("faq.yaml", "faqs", i)
        for rel in faq.related:
            if rel not in faq_ids:
                r.problem("related", f"{rel!r} is not the id of a FAQ")
        for link in faq.links:
            if link not in LINK_NAMES and link not in contact_ids:
                r.problem(
                    "links",
                    f"{link!r} is not a link name ({', '.join(LINK_NAMES)}) or a contact id",
                )
        try:
            names = {n for _, n, _, _ in string.Formatter().parse(faq.answer) if n is not None}
        except ValueError as exc:
            r.problem("answer", f"has a broken {{placeholder}}: {exc}")
            continue
        for name in sorted(names - known_fields):
            r.problem("answer", f"unknown placeholder {{{name}}}")


def _check_escalation(cat: Catalogue, top: _Reader, at: _At) -> None:
    contact_ids = {c.id for c in cat.contacts}
    esc = cat.escalation
    for name, value in (
        ("problem_contact", esc.problem_contact),
        ("default_contact", esc.default_contact),
    ):
        if value and value not in contact_ids:
            top.problem(name, f"{value!r} is not the id of a contact in catalogue.yaml")
    for i, route in enumerate(esc.routes):
        if route.contact and route.contact not in contact_ids:
            at("escalation.yaml", "routes", i).problem(
                "contact", f"{route.contact!r} is not the id of a contact in catalogue.yaml"
            )


_FAQ_FIELDS_TEMPLATE = "{register_url}{all_communities_url}{tech_support}{communication}"
