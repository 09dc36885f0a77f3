"""Text normalisation shared by the catalogue index and the understanding of messages.

Pure functions: case, accents, dashes, apostrophes and punctuation are folded away so that
"Contrôleur", "controleur" and "CONTROLEUR!" are the same token, Greek and Cyrillic letters are
written in Latin ones ("ελεγκτής" -> "elegktis", "одитор" -> "oditor") so that the rules read
every EU language, and a light stemmer removes a plural "s" so that "controllers" matches
"controller".
"""

from __future__ import annotations

import re
import unicodedata

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
# French and Italian elisions: "d'audit" -> "d audit", "l'autorité" -> "l autorite", "dell'AdG".
_ELISION = re.compile(r"\b(l|d|j|qu|c|s|n|m|t|dell|all|nell|sull|dall|un)'(?=[a-z])")

# Function words that carry no meaning for matching (English plus the most common ones in the
# other languages the vocabulary covers). Only used where a message is compared as a bag of words.
STOPWORDS = frozenset(
    """
    a an the i im i m me my mine we our us you your yours he she it its they them their this that
    these those is am are was were be been being do does did doing have has had having will would
    shall should can could may might must of in on at to for from by with about as into onto over
    under than then so and or but if not no yes there here what which who whom whose where when why
    how please hi hello hey just also very really any some all any each other much more most
    get got go going want wanted like would need needs let lets tell know thank thanks okay ok
    ich bin der die das ein eine und oder in im mit fur von zu ist wir sie es je suis le la les un
    une et ou de du des en avec pour est nous vous il elle sono il lo gli le un una e o di da con
    per che noi voi soy el los las y o con para que nosotros es werden wird wurde wurden worden
    """.split()
)


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


def tokens(text: str) -> tuple[str, ...]:
    """Normalised, stemmed tokens: "Can't log-in to Jems!" -> ("cant", "log", "in", "to", "jem")."""
    folded = _ELISION.sub(r"\1 ", _APOSTROPHES.sub("'", fold(text))).replace("'", "")
    return tuple(stem(t) for t in _NON_WORD.split(folded) if t)


_CHUNK = re.compile(r"\S+")
_EDGE = "\"'“”‘’„«»()[]{}<>.,;:!?¡¿*_~`"


def typed(text: str) -> tuple[str, ...]:
    """For each of ``tokens(text)``, the word the user typed it in, as typed (case, accents,
    inner punctuation kept; quotes and punctuation around it dropped): "Comm-Officer!" ->
    ("Comm-Officer", "Comm-Officer"). The tokens themselves when the two do not line up."""
    out: list[str] = []
    for m in _CHUNK.finditer(text):
        word = m.group().strip(_EDGE) or m.group()
        out.extend(word for _ in tokens(m.group()))
    toks = tokens(text)
    return tuple(out) if len(out) == len(toks) else toks


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
