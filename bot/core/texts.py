"""Every sentence the bot writes, by message id and language (``data/texts/<language>.yaml``).

Pure: the loader (``bot.core.catalogue``) reads the files; this module checks them and looks texts
up. English is the reference: every other language must have the same ids with the same
{placeholders} (``bot check`` fails otherwise); a language the bot does not speak gets English,
decided in one place (``TextBook.__call__``).
Usage: ``catalogue.texts(language).get("receipt.title", id="SUP-0001")``.

The English of the facts the bot states (FAQ answers, facts, contacts' purposes, role names) is
written once, in the data file it belongs to (faq.yaml, catalogue.yaml, vocabulary.yaml); the
loader adds it to English under ids like ``faq.<id>.answer`` (``origins`` says where each comes
from), and the other languages translate it under the same id.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

DEFAULT_LANGUAGE = "en"
# The languages the bot speaks: each needs every text (``bot check`` fails otherwise).
LANGUAGES = ("en", "de", "fr", "it", "es")
# Texts English must have (and so every language): what the bot says about the user's data
# ("forget me", dialogs/forget_dialog.py) and the notes left in erased tickets.
REQUIRED_TEXTS = (
    "forget.confirm",
    "forget.declined",
    "forget.done",
    "forget.done_chats",
    "forget.done_profile",
    "forget.done_tickets",
    "forget.nothing",
    "forget.done_shared",
    "forget.ticket_note",
    "forget.retention_note",
)


def placeholders(text: str) -> frozenset[str]:
    """The {names} in a text; ValueError if it is not a valid format string or a placeholder is
    not a plain name (no {0}, {a.b}, {a[0]} or {a!r}; a dash is allowed: {ibm-communities})."""
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.replace("-", "_").isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{name}}} must be a plain name like {{email}}")
        names.add(name)
    return frozenset(names)


@dataclass(frozen=True)
class TextProblem:
    """A problem in one language's file: the text's id (entry), and what is wrong."""

    language: str
    entry: str
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Texts:
    """One language's texts (with English where the language has none)."""

    language: str
    entries: Mapping[str, str]

    def get(self, text_id: str, **values: object) -> str:
        """The text ``text_id`` with its {placeholders} filled from ``values``; KeyError when the
        id is unknown or a placeholder has no value (a mistake in the code, not in the data)."""
        try:
            template = self.entries[text_id]
        except KeyError:
            raise KeyError(f"no text {text_id!r}") from None
        missing = placeholders(template) - values.keys()
        if missing:
            raise KeyError(f"text {text_id!r} needs a value for {sorted(missing)}")
        return template.format(**values)

    def __contains__(self, text_id: object) -> bool:
        return text_id in self.entries


@dataclass(frozen=True)
class TextBook:
    """All languages' texts; ``texts(language)`` is the lookup the bot uses."""

    languages: Mapping[str, Mapping[str, str]]
    _cache: dict[str, Texts] = field(default_factory=dict, compare=False, repr=False)

    def __call__(self, language: str | None = None) -> Texts:
        """The texts for ``language`` (``de``, ``fr-FR`` …); English for anything not written,
        and English entries for the ids a language lacks."""
        code = (language or DEFAULT_LANGUAGE).split("-")[0].lower()
        if code not in self.languages:
            code = DEFAULT_LANGUAGE
        if code not in self._cache:
            entries = {**self.languages[DEFAULT_LANGUAGE], **self.languages[code]}
            self._cache[code] = Texts(code, entries)
        return self._cache[code]

    def ids(self) -> frozenset[str]:
        return frozenset(self.languages[DEFAULT_LANGUAGE])


SHORT_MESSAGE = 2  # words: a message this short does not tell its language (Teams' locale does)
_WORDS = re.compile(r"[^\W\d_]+")
OTHER = "other"  # what a detector says of a language the bot does not speak


@dataclass(frozen=True)
class ReplyLanguage:
    """The language of a turn's reply; ``other``: the user wrote in a language the bot does not
    speak (the reply is English and says which languages the bot speaks)."""

    code: str = DEFAULT_LANGUAGE
    other: bool = False


def reply_language(detected: str, text: str, locale: str | None) -> ReplyLanguage:
    """Reply in the language of the message: ``detected`` by the language detector (en, de, fr,
    it, es, other; English is also what it says when it found nothing). A message of at most
    ``SHORT_MESSAGE`` words ("ok", "non", "hallo", nothing typed) is too short to tell: Teams'
    ``locale`` (``fr-FR``) decides, when the bot speaks it."""
    hint = (locale or "").split("-")[0].lower()
    if len(_WORDS.findall(text)) <= SHORT_MESSAGE and hint in LANGUAGES:
        return ReplyLanguage(hint)
    if detected in LANGUAGES:
        return ReplyLanguage(detected)
    long_enough = len(_WORDS.findall(text)) > SHORT_MESSAGE
    return ReplyLanguage(DEFAULT_LANGUAGE, other=detected == OTHER and long_enough)


def listed(items: list[str], texts: Texts) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``list.separator`` and ``list.pair`` of the language)."""
    if len(items) < 2:
        return "".join(items)
    first = texts.get("list.separator").join(items[:-1])
    return texts.get("list.pair", first=first, last=items[-1])


def flatten(doc: Mapping[str, object], prefix: str = "") -> Iterator[tuple[str, object]]:
    """``{"receipt": {"title": "…"}}`` -> ``("receipt.title", "…")``: groups in YAML, dotted ids
    in code."""
    for key, value in doc.items():
        text_id = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from flatten(value, f"{text_id}.")
        else:
            yield text_id, value


def check_texts(
    docs: Mapping[str, Mapping[str, object]],
    lines: Mapping[str, Mapping[str, int]],
    origins: Mapping[str, str] | None = None,
) -> tuple[TextBook, list[TextProblem]]:
    """Validate each language's flattened texts against English: every entry a non-empty string
    with valid placeholders; another language has exactly English's ids (a missing one is a
    problem: that language would fall back to English), with the same placeholders.
    ``origins``: for English texts written in another data file, where (named in the problem)."""
    origins = origins or {}
    problems: list[TextProblem] = []
    languages: dict[str, dict[str, str]] = {}
    for language, doc in docs.items():
        entries: dict[str, str] = {}
        for text_id, value in doc.items():
            line = lines.get(language, {}).get(text_id)
            if not isinstance(value, str) or not value.strip():
                problems.append(TextProblem(language, text_id, "must be a non-empty text", line))
                continue
            try:
                placeholders(value)
            except ValueError as exc:
                problems.append(TextProblem(language, text_id, str(exc), line))
                continue
            entries[text_id] = value
        languages[language] = entries
    if DEFAULT_LANGUAGE not in languages:
        problems.append(TextProblem(DEFAULT_LANGUAGE, "", "file is missing"))
        languages[DEFAULT_LANGUAGE] = {}
    english = languages[DEFAULT_LANGUAGE]
    for language, entries in languages.items():
        if language == DEFAULT_LANGUAGE:
            continue
        for text_id in sorted(english.keys() - docs[language].keys()):
            where = origins.get(text_id, "English has it")
            problems.append(TextProblem(language, text_id, f"is missing ({where})"))
        for text_id, text in entries.items():
            line = lines.get(language, {}).get(text_id)
            if text_id not in english:
                problems.append(TextProblem(language, text_id, "is not an English text id", line))
            elif placeholders(text) != placeholders(english[text_id]):
                want = ", ".join(sorted(f"{{{p}}}" for p in placeholders(english[text_id])))
                problems.append(
                    TextProblem(
                        language,
                        text_id,
                        f"placeholders differ from English ({want or 'none'})",
                        line,
                    )
                )
    return TextBook(languages), problems
