"""Which language a message is written in: en, de, fr, it, es, or other.

Pure Python. Counts the message's words found in each language's list of common words
(``data/training/languages.yaml``); the language with most wins, English when none is found.
Greek, Cyrillic and other non-Latin letters make it "other".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core.text import fold

LANGUAGES = ("en", "de", "fr", "it", "es", "other")
_WORD = re.compile(r"[^\W_]+")


def detect(text: str, words: Mapping[str, frozenset[str]]) -> str:
    sample = text[:500]
    if any(ch.isalpha() and ord(ch) > 0x24F for ch in sample):  # beyond Latin Extended-B
        return "other"
    toks = _WORD.findall(fold(sample))
    best, best_hits = "en", 0
    for lang in LANGUAGES:
        known = words.get(lang, frozenset())
        hits = sum(1 for t in toks if t in known)
        if hits > best_hits:
            best, best_hits = lang, hits
    return best
