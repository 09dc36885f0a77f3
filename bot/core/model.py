"""The understanding model: a linear text classifier over hashed word and character n-grams
and the lexicon's concepts found in the message (``features``; ``Understander.features``
computes them, for training and for the served bot alike).

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

Both weights are kept as integers: a naive Bayes delta in steps of ``nb_step`` (the logarithm of
a count, so it takes few values), a perceptron weight in steps of ``weight_step``; a perceptron
weight under ``prune`` is dropped (README, "Understanding": how it was picked). A feature's
entry is its class and the two integers packed into one (``delta << 32`` plus the weight), so
that one integer addition sums both, and equal entries share one object in memory.

A model file (``data/model/understanding.json``; its layout is ``FORMAT``: JSON whose entries
are little-endian integer arrays, zlib-compressed and base64-encoded) carries the fingerprint of
the training examples it was trained on and of the lexicon its concepts come from
(``current_fingerprint``); ``load_model``
refuses a model whose fingerprint does not match the data (a stale model) or of another format,
and ``bot.core.learning.load_understanding`` then trains a new one in memory, so a stale model
is never served. ``python -m bot check`` fails on a stale model; ``python -m bot train`` writes
a fresh one.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import random
import re
import sys
import zlib
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.catalogue import Catalogue
from bot.core.text import fold, stem
from bot.core.training import Example, examples, fingerprint, load_training

MODEL_FILE = Path("model") / "understanding.json"
PRUNE = 0.1  # README, "Compact model": the largest threshold that cost no accuracy
FORMAT = 3  # 2: weights as JSON floats, per feature; 3: packed integer arrays
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
    "nb_step": 0.001,  # naive Bayes deltas are stored in these steps
    "weight_step": 0.01,  # perceptron weights are stored in these steps
    "prune": PRUNE,  # perceptron weights smaller than this are dropped
    "concept_copies": 8,  # how many features each concept of the lexicon found in a message is
}
# The model names a sub-team when it holds this share of its Team's probability (else the Team:
# a Team for a sub-team's question is safe, its members find the sub-team there).
SUBTEAM_SHARE = 0.6
_WORD = re.compile(r"[^\W_]+")
_MASK = (1 << int(CONFIG["bits"])) - 1
# A packed entry: the naive Bayes delta (in nb_step units, never negative) << _SHIFT, plus the
# perceptron weight (in weight_step units, signed); sums of entries unpack the same way.
_SHIFT = 32
_LOW, _HALF = (1 << _SHIFT) - 1, 1 << (_SHIFT - 1)


def features(text: str, concepts: Iterable[str] = ()) -> list[int]:
    """Hashed features of a message: its ``ngrams``, and the ``concepts`` the lexicon found in
    it ("role:auditor", "cue:problem": ``Understander.concepts``), each as ``concept_copies``
    features: a concept is said alike in every language of the lexicon, so a model that never
    saw a German sentence still reads "Prüferin" as the auditor its English examples taught it
    (README, "Understanding": how many copies, and what that measured)."""
    return sorted(ngrams(text) | concept_features(concepts))


def ngrams(text: str) -> frozenset[int]:
    """Hashed words, word pairs and character n-grams of each word of a message (any script:
    Greek and Cyrillic words count too)."""
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
    return frozenset(zlib.crc32(g.encode()) & _MASK for g in grams)


def concept_features(concepts: Iterable[str]) -> frozenset[int]:
    """Each concept as ``concept_copies`` hashed features."""
    copies = int(CONFIG["concept_copies"])
    grams = (f"k{i} {concept}" for concept in concepts for i in range(copies))
    return frozenset(zlib.crc32(g.encode()) & _MASK for g in grams)


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

    def split(self, family: Mapping[str, str], share: float) -> tuple[str, ...]:
        """The members of the most likely Team's family (the Team and its sub-teams) to ask
        between, best first, when none of them holds ``share`` of the family's probability:
        "Jems network" or its "User Group", a Team or its own sub-team, is then a near tie, and
        answering either would be a guess. Empty when one member holds it (or none is split)."""
        mass: dict[str, float] = {}
        for label, p in self.ranked:
            key = family.get(label, label)
            mass[key] = mass.get(key, 0.0) + p
        if not mass:
            return ()
        top = max(mass, key=mass.__getitem__)
        members = [(lab, p) for lab, p in self.ranked if family.get(lab, lab) == top]
        if len(members) < 2 or members[0][1] >= share * mass[top]:
            return ()
        return tuple(lab for lab, p in members if p >= (1 - share) * members[0][1])


@dataclass
class TextModel:
    labels: tuple[str, ...]
    default: tuple[float, ...]  # naive Bayes: log P(unseen feature | class)
    # feature -> its entries, flat: class, packed weights, class, packed weights, ... (_pack)
    rows: dict[int, tuple[int, ...]]
    bias: tuple[float, ...] = ()  # the perceptron's bias per class (none: zero)
    fingerprint: str = ""
    temperature: float = 1.0
    thresholds: dict[str, float] = field(default_factory=dict)

    def entries(self) -> int:
        """How many (feature, class) weights the model keeps."""
        return sum(len(row) for row in self.rows.values()) // 2

    def scores(self, feats: Iterable[int]) -> tuple[list[float], int]:
        """The score of each class, and how many of the features the model knows."""
        n = len(self.labels)
        sums = [0] * n  # packed: naive Bayes deltas and perceptron weights, summed at once
        known = 0
        rows = self.rows
        for f in feats:
            row = rows.get(f)
            if row is None:
                continue
            known += 1
            entries = iter(row)
            for c, packed in zip(entries, entries, strict=False):
                sums[c] += packed
        bias = self.bias or (0.0,) * n
        if not known:
            return list(bias), 0
        weight, default = float(CONFIG["nb_weight"]), self.default
        nb_scale = weight * float(CONFIG["nb_step"]) / known
        linear_scale = float(CONFIG["weight_step"]) / math.sqrt(known)
        out = []
        for c, total in enumerate(sums):
            nb, linear = _unpack(total)
            out.append(bias[c] + linear * linear_scale + weight * default[c] + nb * nb_scale)
        return out, known

    def predict(self, text: str, concepts: Iterable[str] = (), top: int = 8) -> Prediction:
        """The labels for ``text`` in which the lexicon found ``concepts`` (``features``)."""
        feats = features(text, concepts)
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
        """The model as JSON (``FORMAT``): the entries as five integer arrays, per feature in
        ascending order: the feature (as the gap from the one before), its number of entries,
        and per entry the class, the naive Bayes delta and the perceptron weight (in steps)."""
        ids = sorted(self.rows)
        classes, deltas, weights = [], [], []
        for f in ids:
            entries = iter(self.rows[f])
            for c, packed in zip(entries, entries, strict=True):
                nb, linear = _unpack(packed)
                classes.append(c)
                deltas.append(nb)
                weights.append(linear)
        return {
            "format": FORMAT,
            "config": CONFIG,
            "fingerprint": self.fingerprint,
            "labels": list(self.labels),
            "default": list(self.default),
            "bias": list(self.bias),
            "temperature": self.temperature,
            "thresholds": self.thresholds,
            "rows": {
                "features": _encode("I", [b - a for a, b in itertools.pairwise([0, *ids])]),
                "sizes": _encode("H", [len(self.rows[f]) // 2 for f in ids]),
                "classes": _encode("H", classes),
                "deltas": _encode("I", deltas),
                "weights": _encode("i", weights),
            },
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> TextModel:
        """The model of a ``to_json`` document; ModelError when it is of another format or was
        trained with other settings, ValueError (or KeyError, TypeError) when it is damaged."""
        if doc.get("format") != FORMAT:
            raise ModelError(
                f"a model file of format {doc.get('format')!r}, made by another version of the "
                f"bot; this one reads format {FORMAT} (run: python -m bot train)"
            )
        if doc.get("config") != CONFIG:
            raise ModelError(
                "a model file trained with other settings than this version of the bot's "
                "(run: python -m bot train)"
            )
        arrays = doc["rows"]
        ids = list(itertools.accumulate(_decode("I", arrays["features"])))
        sizes, classes = _decode("H", arrays["sizes"]), _decode("H", arrays["classes"])
        deltas, weights = _decode("I", arrays["deltas"]), _decode("i", arrays["weights"])
        labels = tuple(str(label) for label in doc["labels"])
        if len(sizes) != len(ids) or not len(classes) == len(deltas) == len(weights) == sum(sizes):
            raise ValueError("the arrays of entries do not match in length")
        if classes and max(classes) >= len(labels):
            raise ValueError("an entry's class is not one of the labels")
        return cls(
            labels=labels,
            default=tuple(float(d) for d in doc["default"]),
            rows=_rows(ids, sizes, classes, deltas, weights),
            bias=tuple(float(b) for b in doc["bias"]),
            fingerprint=str(doc["fingerprint"]),
            temperature=float(doc["temperature"]),
            thresholds={str(k): float(v) for k, v in doc["thresholds"].items()},
        )


def _unpack(packed: int) -> tuple[int, int]:
    """(naive Bayes delta, perceptron weight) of a packed entry or a sum of them."""
    linear = ((packed + _HALF) & _LOW) - _HALF
    return (packed - linear) >> _SHIFT, linear


def _rows(
    ids: Sequence[int],
    sizes: Sequence[int],
    classes: Sequence[int],
    deltas: Sequence[int],
    weights: Sequence[int],
) -> dict[int, tuple[int, ...]]:
    """Per feature, its entries as one flat tuple of (class, packed weights); equal packed
    values are one object (about ten thousand distinct values among 180,000 entries)."""
    shared: dict[int, int] = {}
    keep = shared.setdefault
    packed = (keep(v, v) for v in ((d << _SHIFT) + w for d, w in zip(deltas, weights, strict=True)))
    flat = itertools.chain.from_iterable(zip(classes, packed, strict=True))
    return {f: tuple(itertools.islice(flat, 2 * size)) for f, size in zip(ids, sizes, strict=True)}


def _encode(typecode: str, values: Sequence[int]) -> str:
    data = array(typecode, values)
    if sys.byteorder == "big":
        data.byteswap()
    return base64.b64encode(zlib.compress(data.tobytes(), 9)).decode("ascii")


def _decode(typecode: str, text: str) -> array[int]:
    data = array(typecode)
    data.frombytes(zlib.decompress(base64.b64decode(text, validate=True)))
    if sys.byteorder == "big":
        data.byteswap()
    return data


class ModelError(Exception):
    """The model file is missing, unreadable, or stale (trained on other data)."""


def train(items: Sequence[Example], feats: Sequence[list[int]] | None = None) -> TextModel:
    """Naive Bayes and the averaged perceptron on the same features, in one model: per feature,
    an entry for each class it was seen with (naive Bayes) or whose perceptron weight is at
    least ``prune``, both weights rounded to their steps.

    Trained with numpy (imported here only: a bot serving a fresh model never imports it)."""
    import numpy as np

    labels = tuple(sorted({e.label for e in items}))
    index = {label: i for i, label in enumerate(labels)}
    ys = [index[e.label] for e in items]
    xs = list(feats) if feats is not None else [features(e.text) for e in items]
    column: dict[int, int] = {}
    cols = [np.array([column.setdefault(f, len(column)) for f in fs], dtype=np.intp) for fs in xs]
    default, deltas = _naive_bayes(cols, ys, len(column), len(labels))
    bias, weights = _perceptron(cols, ys, len(column), len(labels))
    nb = np.rint(deltas / float(CONFIG["nb_step"])).astype(np.int64)
    linear = np.rint(weights / float(CONFIG["weight_step"])).astype(np.int64)
    linear[np.abs(weights) < float(CONFIG["prune"])] = 0
    ids = np.fromiter(column, dtype=np.int64, count=len(column))
    order = np.argsort(ids)
    kept = ((deltas > 0) | (linear != 0))[order]
    at, cs = np.nonzero(kept)  # by feature, then class
    rows = _rows(
        ids[order].tolist(),
        kept.sum(axis=1).tolist(),
        cs.tolist(),
        nb[order][at, cs].tolist(),
        linear[order][at, cs].tolist(),
    )
    return TextModel(labels, default, rows, bias)


def _naive_bayes(xs: Sequence[Any], ys: Sequence[int], width: int, n: int) -> tuple[Any, Any]:
    """Multinomial naive Bayes on binary features; classes weigh the same (uniform prior).
    ``xs``: each example's feature columns (of ``width``). Returns the per-class log-likelihood
    of an unseen feature and, per column and class, the delta of a seen one (0: never seen)."""
    import numpy as np

    alpha = float(CONFIG["alpha"])
    counts = np.zeros((width, n))
    for ix, c in zip(xs, ys, strict=True):
        counts[ix, c] += 1  # a message's features are distinct
    totals = counts.sum(axis=0)
    default = tuple(float(d) for d in math.log(alpha) - np.log(totals + alpha * width))
    return default, np.where(counts > 0, np.log(counts + alpha) - math.log(alpha), 0.0)


def _perceptron(
    xs: Sequence[Any], ys: Sequence[int], width: int, n: int
) -> tuple[tuple[float, ...], Any]:
    """An averaged multi-class perceptron with a margin: for each example (``epochs`` passes in
    a shuffled order), when the best wrong class scores within ``margin`` of the right one, the
    example's features (by ``1 / sqrt(k)`` each, for its ``k`` features) and the biases (by one)
    move towards the right class and away from that wrong one. The weights returned (per
    column and class) are the average over all steps (steadier than the last)."""
    import numpy as np

    margin = float(CONFIG["margin"])
    weights = np.zeros((width, n))
    stamps = np.zeros((width, n))  # sum of step * update, for the average
    bias, bias_stamps = np.zeros(n), np.zeros(n)
    order = list(range(len(xs)))
    shuffle = random.Random(int(CONFIG["seed"])).shuffle
    step = 1
    for _ in range(int(CONFIG["epochs"])):
        shuffle(order)
        for i in order:
            ix, y = xs[i], ys[i]
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
    return tuple(float(b) for b in bias - bias_stamps / step), weights - stamps / step


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
    except ModelError as exc:
        raise ModelError(f"{path}: {exc}") from exc
    except (OSError, ValueError, KeyError, TypeError, AttributeError, zlib.error) as exc:
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


def expected_fingerprint(data_dir: str | Path, catalogue: Catalogue) -> tuple[list[Example], str]:
    """The training examples of ``data_dir`` and the fingerprint of a model trained on them now
    (``current_fingerprint``)."""
    training = load_training(data_dir, catalogue)
    items = examples(catalogue, training)
    return items, current_fingerprint(items, catalogue, dict(training.languages))


def current_fingerprint(
    items: list[Example], catalogue: Catalogue, languages: Mapping[str, frozenset[str]]
) -> str:
    """The fingerprint of a model trained now: its examples, its settings, and the lexicon its
    concept features come from (roles, topics, keywords, qualifiers, Working Groups, intent
    phrases, escalation routes, the FAQs' subjects, the word lists that tell how a message is
    built, the language word lists that decide how a word is read, and the function words and
    elisions that decide how a message is split into words), so that an edit of any of them
    makes the saved model stale."""
    lexicon = repr(
        (
            catalogue.roles,
            catalogue.topics,
            [(c.id, c.keywords, c.qualifiers) for c in catalogue.communities],
            catalogue.working_groups,
            catalogue.intent_phrases,
            catalogue.word_lists,
            catalogue.escalation.routes,
            [(f.id, f.subject) for f in catalogue.faqs],
            sorted((lang, sorted(words)) for lang, words in languages.items()),
            sorted(catalogue.tokenizer.function_words),
            catalogue.tokenizer.elisions,
        )
    )
    return fingerprint(items, {**CONFIG, "lexicon": hashlib.sha256(lexicon.encode()).hexdigest()})
