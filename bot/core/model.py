"""The understanding model: a linear text classifier over hashed word and character n-grams.

Pure Python (no numpy, no scikit-learn): a multinomial naive Bayes model with binary features,
stored sparsely (``score[c] = k * default[c] + sum of the deltas of the message's known
features``), so that scoring a message touches only the classes its n-grams were seen with.

A model file (``data/model/understanding.json``) carries the fingerprint of the training examples
it was trained on (``bot.core.training.fingerprint``); ``load_model`` refuses a model whose
fingerprint does not match the data (a stale model), and ``fresh_model`` then trains a new one in
memory, so a stale model is never served. ``python -m bot check`` fails on a stale model;
``python -m bot train`` writes a fresh one.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.catalogue import Catalogue
from bot.core.text import fold, stem
from bot.core.training import Example, examples, fingerprint, load_training

MODEL_FILE = Path("model") / "understanding.json"
FORMAT = 1
CONFIG: dict[str, Any] = {
    "format": FORMAT,
    "bits": 20,
    "char_ngrams": [3, 4],
    "word_bigrams": True,
    "alpha": 0.5,
}
# The model names a sub-team when it holds this share of its Team's probability (else the Team:
# a Team for a sub-team's question is safe, its members find the sub-team there).
SUBTEAM_SHARE = 0.6
_WORD = re.compile(r"[^\W_]+")
_MASK = (1 << int(CONFIG["bits"])) - 1


def features(text: str) -> list[int]:
    """Hashed features of a message: words, word pairs and character n-grams of each word
    (any script: Greek and Cyrillic words count too)."""
    words = [stem(w) for w in _WORD.findall(fold(text[:2000]))][:200]
    grams: set[str] = set()
    lo, hi = CONFIG["char_ngrams"]
    for w in words:
        grams.add("w " + w)
        padded = f"<{w}>"
        for n in range(lo, hi + 1):
            for i in range(len(padded) - n + 1):
                grams.add(padded[i : i + n])
    for a, b in itertools.pairwise(words):
        grams.add(f"b {a} {b}")
    return sorted({zlib.crc32(g.encode()) & _MASK for g in grams})


@dataclass(frozen=True)
class Prediction:
    ranked: tuple[tuple[str, float], ...]  # (label, probability), best first
    known: int  # how many of the message's features the model has seen
    total: int = 0  # how many features the message has

    @property
    def coverage(self) -> float:
        """The share of the message the model knows (low for gibberish and unknown words)."""
        return self.known / self.total if self.total else 0.0

    @property
    def label(self) -> str:
        return self.ranked[0][0] if self.ranked else ""

    @property
    def confidence(self) -> float:
        return self.ranked[0][1] if self.ranked else 0.0

    def decided(self, family: Mapping[str, str], subteam_share: float) -> tuple[str, float]:
        """The label to answer with and its confidence, a Team and its sub-teams counting
        together: the confidence is the Team's total, the label the sub-team when it holds at
        least ``subteam_share`` of it, else the Team."""
        if not self.ranked:
            return "", 0.0
        mass: dict[str, float] = {}
        for label, p in self.ranked:
            key = family.get(label, label)
            mass[key] = mass.get(key, 0.0) + p
        top = max(mass, key=mass.__getitem__)
        best, p = next((lab, p) for lab, p in self.ranked if family.get(lab, lab) == top)
        if best != top and p < subteam_share * mass[top]:
            best = top
        return best, mass[top]


@dataclass
class TextModel:
    labels: tuple[str, ...]
    default: tuple[float, ...]  # log P(unseen feature | class)
    rows: dict[int, tuple[tuple[int, float], ...]]  # feature -> (class index, delta) pairs
    fingerprint: str = ""
    temperature: float = 1.0
    thresholds: dict[str, float] = field(default_factory=dict)

    def scores(self, feats: Iterable[int]) -> tuple[list[float], int]:
        n = len(self.labels)
        total = [0.0] * n
        known = 0
        rows = self.rows
        for f in feats:
            row = rows.get(f)
            if row is None:
                continue
            known += 1
            for c, d in row:
                total[c] += d
        return [total[c] + known * self.default[c] for c in range(n)], known

    def predict(self, text: str, top: int = 8) -> Prediction:
        feats = features(text)
        raw, known = self.scores(feats)
        return self.rank(raw, known, top, len(feats))

    def rank(self, raw: list[float], known: int, top: int = 8, total: int = 0) -> Prediction:
        if not known:
            return Prediction((), 0, total)
        scale = self.temperature / known  # mean log-likelihood per known feature
        best = max(raw)
        exp = [math.exp((s - best) * scale) for s in raw]
        z = sum(exp)
        order = sorted(range(len(raw)), key=lambda c: -raw[c])[:top]
        return Prediction(tuple((self.labels[c], exp[c] / z) for c in order), known, total)

    # ------------------------------------------------------------------ files

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "config": CONFIG,
            "fingerprint": self.fingerprint,
            "labels": list(self.labels),
            "default": [round(d, 4) for d in self.default],
            "temperature": self.temperature,
            "thresholds": self.thresholds,
            "rows": {str(f): [[c, round(d, 3)] for c, d in row] for f, row in self.rows.items()},
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> TextModel:
        if doc.get("format") != FORMAT or doc.get("config") != CONFIG:
            raise ModelError("the model file was made by another version of the bot")
        return cls(
            labels=tuple(doc["labels"]),
            default=tuple(float(d) for d in doc["default"]),
            rows={
                int(f): tuple((int(c), float(d)) for c, d in row) for f, row in doc["rows"].items()
            },
            fingerprint=str(doc["fingerprint"]),
            temperature=float(doc["temperature"]),
            thresholds={str(k): float(v) for k, v in doc["thresholds"].items()},
        )


class ModelError(Exception):
    """The model file is missing, unreadable, or stale (trained on other data)."""


def train(items: Sequence[Example], feats: Sequence[list[int]] | None = None) -> TextModel:
    """Multinomial naive Bayes on binary features; classes weigh the same (uniform prior)."""
    alpha = float(CONFIG["alpha"])
    labels = tuple(sorted({e.label for e in items}))
    index = {label: i for i, label in enumerate(labels)}
    counts: defaultdict[int, defaultdict[int, int]] = defaultdict(lambda: defaultdict(int))
    totals = [0] * len(labels)
    for i, e in enumerate(items):
        c = index[e.label]
        fs = feats[i] if feats is not None else features(e.text)
        totals[c] += len(fs)
        for f in fs:
            counts[f][c] += 1
    vocabulary = len(counts)
    denominators = [math.log(t + alpha * vocabulary) for t in totals]
    default = tuple(math.log(alpha) - d for d in denominators)
    rows = {
        f: tuple((c, math.log(n + alpha) - math.log(alpha)) for c, n in sorted(per_class.items()))
        for f, per_class in counts.items()
    }
    return TextModel(labels, default, rows)


def families(catalogue: Catalogue) -> dict[str, str]:
    """Community label -> its Team's label ("c:south-west-europe" -> "c:financial-management")."""
    return {f"c:{c.id}": f"c:{c.parent or c.id}" for c in catalogue.communities}


def load_model(path: str | Path, expected_fingerprint: str) -> TextModel:
    """The model in ``path``; ModelError when it is missing, unreadable or stale."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        model = TextModel.from_json(doc)
    except FileNotFoundError as exc:
        raise ModelError(f"{path}: no model file (run: python -m bot train)") from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path}: cannot be read: {exc}") from exc
    if model.fingerprint != expected_fingerprint:
        raise ModelError(
            f"{path}: stale, trained on other data than data/ holds now (run: python -m bot train)"
        )
    return model


def training_examples(data_dir: str | Path, catalogue: Catalogue) -> list[Example]:
    return examples(catalogue, load_training(data_dir, catalogue))


def current_fingerprint(items: list[Example]) -> str:
    return fingerprint(items, CONFIG)
