"""Text normalisation shared by the catalogue index and the understanding of messages.

Pure functions: case, accents, dashes, apostrophes and punctuation are folded away so that
"Contrôleur", "controleur" and "CONTROLEUR!" are the same token, Greek and Cyrillic letters are
written in Latin ones ("ελεγκτής" -> "elegktis", "одитор" -> "oditor") so that the rules read
every EU language, and a light stemmer removes a plural "s" so that "controllers" matches
"controller". Which words are function words and which are elided ("l'", "dell'") is data
(``data/function_words.yaml``): the catalogue loader reads it into a ``Tokenizer``, which every
reader of a message's words gets from the catalogue.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# Letters that NFKD does not decompose into a base letter plus accents.
_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "ı": "i", "&": " "}
)
# Greek and Cyrillic letters (after their accents are gone) -> Latin ones, one way for matching,
# not an official transliteration: a term of data/ and a message are written alike.
_SCRIPTS = str.maketrans(
    {
        **dict(zip("αβγδεζηικλμνξοπρσςτυφω", "avgdeziiklmnxoprsstyfo", strict=True)),
        "θ": "th",
        "χ": "ch",
        "ψ": "ps",
        **dict(zip("абвгдезиклмнопрстуфхыэіјћ", "abvgdeziklmnoprstufhyeijc", strict=True)),
        "ж": "zh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sht",
        "ъ": "a",
        "ь": "",
        "ю": "yu",
        "я": "ya",
        "є": "ye",
        "ґ": "g",
        "ђ": "dj",
        "љ": "lj",
        "њ": "nj",
        "џ": "dz",
        "ѕ": "dz",
    }
)
_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u02bc\u0060\u00b4]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_WORD_CHAR = re.compile(r"[a-z0-9]")


def fold(text: str) -> str:
    """Lower-case, strip accents, fold special letters and write Greek and Cyrillic in Latin
    letters; keep everything else."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_SCRIPTS)


def stem(token: str) -> str:
    """Remove a plural from longer words ("controllers" -> "controller", not "access")."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 6 and token.endswith("ores"):  # Spanish: auditores, controladores
        return token[:-2]
    if len(token) > 4 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


# Other forms of a role word (issue 10): the ending of the form the lexicon writes -> the endings of
# its feminine and plural forms in German, French, Italian and Spanish (a plural "s" is already
# removed by ``stem``). "auditeur" -> "auditrice", "controllore" -> "controllori", "Prüfer" ->
# "Prüferinnen", "auditor" -> "auditora", "responsabile" -> "responsabili".
_FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("teur", ("trice",)),  # FR auditeur
    ("eur", ("euse", "eurin", "eurinnen")),  # FR contrôleur; DE Kontrolleur
    ("tore", ("trice", "trici")),  # IT auditore
    ("ore", ("ori", "ora", "ore")),  # IT revisore, controllore
    ("or", ("ora", "orin", "orinnen")),  # ES auditor, controlador; DE Auditor
    ("ier", ("iere",)),  # FR financier
    ("ter", ("te", "ten")),  # DE Beauftragter -> die Beauftragte(n)
    ("cher", ("che", "chen")),  # DE Verantwortlicher
    ("er", ("erin", "erinnen")),  # DE Prüfer, Controller
    ("ent", ("entin", "entinnen")),  # DE Referent
    ("e", ("ee", "en", "i")),  # FR chargé(e); DE Behörde(n); IT responsabile, comunicazione
    ("o", ("a", "i", "e")),  # IT addetto; ES encargado
    ("al", ("aux",)),  # FR national
)
FORM_MIN = 5  # shorter words have no generated forms ("pr", "flc", "ipa")


def word_forms(token: str) -> tuple[str, ...]:
    """The feminine and plural forms of a (stemmed) word, as ``tokens`` would read them:
    "controleur" -> ("controleuse", "controleurin", "controleurinnen")."""
    if len(token) < FORM_MIN or not token.isalpha():
        return ()
    out: list[str] = []
    for ending, others in _FORMS:
        if token.endswith(ending):
            base = token[: len(token) - len(ending)]
            out.extend(stem(base + other) for other in others)
    return tuple(f for f in dict.fromkeys(out) if f != token)


def has_word(text: str) -> bool:
    """Whether ``text`` has a word the bot reads (a letter or a digit, once folded): whether
    ``Tokenizer.tokens`` finds any in it, whatever its function words and elisions."""
    return _WORD_CHAR.search(fold(text)) is not None


_CHUNK = re.compile(r"\S+")
_EDGE = "\"'“”‘’„«»()[]{}<>.,;:!?¡¿*_~`"


@dataclass(frozen=True)
class Tokenizer:
    """How a message's words are read, with the function words and elisions of each language
    the catalogue lists (``data/function_words.yaml``, read by ``bot.core.catalogue``).

    ``function_words``: words that carry no meaning for matching (compared as folded, stemmed
    tokens), only left out where a message is compared as a bag of words (``content``).
    ``elisions``: elided words without their apostrophe ("l", "dell"): "d'audit" reads
    "d audit", "l'autorité" "l autorite", "dell'AdG" "dell adg"; any other apostrophe is dropped
    ("can't" reads "cant")."""

    function_words: frozenset[str]
    elisions: tuple[str, ...]
    _elision: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = sorted(set(self.elisions), key=lambda w: (-len(w), w))
        pattern = rf"\b({'|'.join(map(re.escape, words))})'(?=[a-z])" if words else None
        object.__setattr__(self, "_elision", re.compile(pattern) if pattern else None)

    def tokens(self, text: str) -> tuple[str, ...]:
        """Normalised, stemmed tokens: "Can't log-in to Jems!" -> ("cant", "log", "in", "to",
        "jem")."""
        folded = _APOSTROPHES.sub("'", fold(text))
        if self._elision is not None:
            folded = self._elision.sub(r"\1 ", folded)
        return tuple(stem(t) for t in _NON_WORD.split(folded.replace("'", "")) if t)

    def typed(self, text: str) -> tuple[str, ...]:
        """For each of ``tokens(text)``, the word the user typed it in, as typed (case, accents,
        inner punctuation kept; quotes and punctuation around it dropped): "Comm-Officer!" ->
        ("Comm-Officer", "Comm-Officer"). The tokens themselves when the two do not line up."""
        out: list[str] = []
        for m in _CHUNK.finditer(text):
            word = m.group().strip(_EDGE) or m.group()
            out.extend(word for _ in self.tokens(m.group()))
        toks = self.tokens(text)
        return tuple(out) if len(out) == len(toks) else toks

    def content(self, toks: Iterable[str]) -> tuple[str, ...]:
        """``toks`` without the function words."""
        return tuple(t for t in toks if t not in self.function_words)


def typed_span(words: tuple[str, ...], start: int, length: int) -> str:
    """What the user typed for the tokens ``start`` .. ``start + length``: each word once."""
    out: list[str] = []
    for word in words[start : start + length]:
        if not out or out[-1] != word:
            out.append(word)
    return " ".join(out)


def spreadsheet_cell(value: object) -> str:
    """``value`` as a CSV cell that a spreadsheet will not run as a formula (a leading
    = + - @, tab or carriage return gets a ' prefix)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
