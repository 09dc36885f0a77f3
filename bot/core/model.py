"""The understanding model: a linear text classifier over hashed word and character n-grams.

Scored in plain Python; trained with numpy (imported only to train). Two learners on the same
binary features, added up:

* a multinomial naive Bayes model (uniform class prior), whose score is the mean log-likelihood
  per known feature (``default[c] + sum of the deltas / k``), and
* an averaged multi-class perceptron with a margin (a linear SVM trained online: whenever the
  right class does not beat the best wrong one by ``margin``, the weights of the message's
  features move towards the right class and away from that wrong one), with a bias per class;
  each of a message's ``k`` features weighs ``1 / sqrt(k)``, so that long and short messages
  score on the same scale.

``score[c] = nb_weight * (default[c] + nb[c] / k) + bias[c] + linear[c] / sqrt(k)`` over the
``k`` features the model knows, stored sparsely (per feature, the classes it was seen with or
updated for), so scoring a message touches only those. Naive Bayes alone generalises to unseen
phrases by their character n-grams but cannot tell a Team from its own sub-team when their words
overlap; the perceptron learns the words that tell them apart, but alone it reads the kind of
answer (a FAQ, a list, small talk) worse; together they keep the best of both on held-out
phrases (README, "Understanding").

A model file (``data/model/understanding.json``) carries the fingerprint of the training examples
it was trained on (``bot.core.training.fingerprint``); ``load_model`` refuses a model whose
fingerprint does not match the data (a stale model), and ``bot.core.learning.load_understanding``
then trains a new one in memory, so a stale model is never served. ``python -m bot check`` fails
on a stale model; ``python -m bot train`` writes a fresh one.
"""

from __future__ import annotations

import itertools
import json
import math
import random
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
FORMAT = 2
CONFIG: dict[str, Any] = {
    "format": FORMAT,
    "bits": 20,
    "char_ngrams": [3, 4],
    "word_bigrams": True,
    "alpha": 0.5,  # naive Bayes' additive smoothing
    "nb_weight": 4.0,  # naive Bayes' share of the score, against the perceptron's
    "epochs": 3,  # the perceptron's passes over the examples
    "margin": 1.0,  # by how much the right class must win before the perceptron leaves it be
    "seed": 1,  # the perceptron's order of examples (training is deterministic)
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
    default: tuple[float, ...]  # naive Bayes: log P(unseen feature | class)
    # feature -> (class index, naive Bayes delta, perceptron weight) triples
    rows: dict[int, tuple[tuple[int, float, float], ...]]
    bias: tuple[float, ...] = ()  # the perceptron's bias per class (none: zero)
    fingerprint: str = ""
    temperature: float = 1.0
    thresholds: dict[str, float] = field(default_factory=dict)

    def scores(self, feats: Iterable[int]) -> tuple[list[float], int]:
        """The score of each class, and how many of the features the model knows."""
        n = len(self.labels)
        nb = [0.0] * n
        linear = [0.0] * n
        known = 0
        rows = self.rows
        for f in feats:
            row = rows.get(f)
            if row is None:
                continue
            known += 1
            for c, d, w in row:
                nb[c] += d
                linear[c] += w
        bias = self.bias or (0.0,) * n
        if not known:
            return list(bias), 0
        weight, root, default = float(CONFIG["nb_weight"]), math.sqrt(known), self.default
        return [
            bias[c] + linear[c] / root + weight * (default[c] + nb[c] / known) for c in range(n)
        ], known

    def predict(self, text: str, top: int = 8) -> Prediction:
        feats = features(text)
        raw, known = self.scores(feats)
        return self.rank(raw, known, top, len(feats))

    def rank(self, raw: list[float], known: int, top: int = 8, total: int = 0) -> Prediction:
        if not known:
            return Prediction((), 0, total)
        best = max(raw)
        exp = [math.exp((s - best) * self.temperature) for s in raw]
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
            "bias": [round(b, 3) for b in self.bias],
            "temperature": self.temperature,
            "thresholds": self.thresholds,
            # per feature, flat: class, naive Bayes delta, perceptron weight, class, ... (a zero
            # written as 0: a third of the entries are one learner's alone)
            "rows": {
                str(f): [x for c, d, w in row for x in (c, round(d, 3) or 0, round(w, 2) or 0)]
                for f, row in self.rows.items()
            },
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> TextModel:
        if doc.get("format") != FORMAT or doc.get("config") != CONFIG:
            raise ModelError("the model file was made by another version of the bot")
        rows: dict[int, tuple[tuple[int, float, float], ...]] = {}
        for f, flat in doc["rows"].items():
            if len(flat) % 3:
                raise ValueError(f"feature {f}: not (class, delta, weight) triples")
            rows[int(f)] = tuple(
                (int(flat[i]), float(flat[i + 1]), float(flat[i + 2]))
                for i in range(0, len(flat), 3)
            )
        return cls(
            labels=tuple(doc["labels"]),
            default=tuple(float(d) for d in doc["default"]),
            rows=rows,
            bias=tuple(float(b) for b in doc["bias"]),
            fingerprint=str(doc["fingerprint"]),
            temperature=float(doc["temperature"]),
            thresholds={str(k): float(v) for k, v in doc["thresholds"].items()},
        )


class ModelError(Exception):
    """The model file is missing, unreadable, or stale (trained on other data)."""


def train(items: Sequence[Example], feats: Sequence[list[int]] | None = None) -> TextModel:
    """Naive Bayes and the averaged perceptron on the same features, in one model."""
    labels = tuple(sorted({e.label for e in items}))
    index = {label: i for i, label in enumerate(labels)}
    ys = [index[e.label] for e in items]
    xs = list(feats) if feats is not None else [features(e.text) for e in items]
    default, deltas = _naive_bayes(xs, ys, len(labels))
    bias, weights = _perceptron(xs, ys, len(labels))
    rows = {}
    for f in deltas.keys() | weights.keys():
        nb, w = deltas.get(f, {}), weights.get(f, {})
        rows[f] = tuple((c, nb.get(c, 0.0), w.get(c, 0.0)) for c in sorted(nb.keys() | w.keys()))
    return TextModel(labels, default, rows, bias)


def _naive_bayes(
    xs: Sequence[list[int]], ys: Sequence[int], n: int
) -> tuple[tuple[float, ...], dict[int, dict[int, float]]]:
    """Multinomial naive Bayes on binary features; classes weigh the same (uniform prior)."""
    alpha = float(CONFIG["alpha"])
    counts: defaultdict[int, defaultdict[int, int]] = defaultdict(lambda: defaultdict(int))
    totals = [0] * n
    for fs, c in zip(xs, ys, strict=True):
        totals[c] += len(fs)
        for f in fs:
            counts[f][c] += 1
    vocabulary = len(counts)
    default = tuple(math.log(alpha) - math.log(t + alpha * vocabulary) for t in totals)
    log_alpha = math.log(alpha)
    deltas = {
        f: {c: math.log(k + alpha) - log_alpha for c, k in per_class.items()}
        for f, per_class in counts.items()
    }
    return default, deltas


def _perceptron(
    xs: Sequence[list[int]], ys: Sequence[int], n: int
) -> tuple[tuple[float, ...], dict[int, dict[int, float]]]:
    """An averaged multi-class perceptron with a margin: for each example (``epochs`` passes in
    a shuffled order), when the best wrong class scores within ``margin`` of the right one, the
    example's features (by ``1 / sqrt(k)`` each, for its ``k`` features) and the biases (by one)
    move towards the right class and away from that wrong one. The weights returned are the
    average over all steps (steadier than the last).

    Trained with numpy (imported here only: a bot serving a fresh model never imports it)."""
    import numpy as np

    margin = float(CONFIG["margin"])
    column: dict[int, int] = {}
    rows = [np.array([column.setdefault(f, len(column)) for f in fs], dtype=np.intp) for fs in xs]
    weights = np.zeros((len(column), n))
    stamps = np.zeros((len(column), n))  # sum of step * update, for the average
    bias, bias_stamps = np.zeros(n), np.zeros(n)
    order = list(range(len(xs)))
    shuffle = random.Random(int(CONFIG["seed"])).shuffle
    step = 1
    for _ in range(int(CONFIG["epochs"])):
        shuffle(order)
        for i in order:
            ix, y = rows[i], ys[i]
            x = 1.0 / math.sqrt(len(ix)) if len(ix) else 1.0
            s = weights[ix].sum(axis=0) * x + bias
            right = s[y]
            s[y] = -np.inf
            z = int(s.argmax())
            if s[z] >= right - margin:
                weights[ix, y] += x
                weights[ix, z] -= x
                stamps[ix, y] += step * x
                stamps[ix, z] -= step * x
                bias[y] += 1.0
                bias[z] -= 1.0
                bias_stamps[y] += step
                bias_stamps[z] -= step
            step += 1
    averaged = weights - stamps / step
    kept = np.abs(averaged) >= 0.005
    out: dict[int, dict[int, float]] = {}
    for f, j in column.items():
        cs = np.flatnonzero(kept[j])
        if cs.size:
            out[f] = {int(c): float(averaged[j, c]) for c in cs}
    return tuple(float(b) for b in bias - bias_stamps / step), out


def families(catalogue: Catalogue) -> dict[str, str]:
    """Community label -> its Team's label ("c:south-west-europe" -> "c:financial-management")."""
    return {f"c:{c.id}": f"c:{c.parent or c.id}" for c in catalogue.communities}


def read_model(path: str | Path) -> TextModel:
    """The model in ``path``, stale or not; ModelError when it is missing or unreadable (or
    made by another version of the bot)."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        return TextModel.from_json(doc)
    except FileNotFoundError as exc:
        raise ModelError(f"{path}: no model file (run: python -m bot train)") from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path}: cannot be read: {exc}") from exc


def load_model(path: str | Path, expected_fingerprint: str) -> TextModel:
    """The model in ``path``; ModelError when it is missing, unreadable or stale."""
    model = read_model(path)
    if model.fingerprint != expected_fingerprint:
        raise ModelError(
            f"{path}: stale, trained on other data than data/ holds now (run: python -m bot train)"
        )
    return model


def training_examples(data_dir: str | Path, catalogue: Catalogue) -> list[Example]:
    return examples(catalogue, load_training(data_dir, catalogue))


def current_fingerprint(items: list[Example]) -> str:
    return fingerprint(items, CONFIG)
