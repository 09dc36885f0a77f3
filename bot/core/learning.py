"""Training the understanding model: cross-validation, the thresholds it picks, a fresh model.

Pure Python. Examples are split into folds by a group: the phrase they were made from (a job
title, a task, a FAQ phrasing), the template that wrapped it, or the language, so that a fold's
examples share nothing of that kind with the examples the fold's model was trained on.
``calibrate`` picks the temperature and the confidence thresholds the bot uses to answer from the
model (``Understander._combine``) so that wrong answers stay under the target share.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.catalogue import Catalogue
from bot.core.model import (
    MODEL_FILE,
    SUBTEAM_SHARE,
    ModelError,
    Prediction,
    TextModel,
    current_fingerprint,
    families,
    features,
    load_model,
    read_model,
    train,
)
from bot.core.training import Example, examples, load_training
from bot.core.understanding import Intent, Understander

# The temperature (the scale of the scores before the softmax) is searched in this range for the
# lowest held-out log loss.
TEMPERATURE_RANGE = (0.02, 20.0)
# Precision of the marginal answer (read off a curve fitted to the held-out answers) down to which
# the model answers alone where the rules found nothing, and overrules weak rules.
ANSWER_PRECISION = 0.8
OVERRIDE_PRECISION = 0.9
FIT_FLOOR = 0.3  # the curve is fitted to the held-out answers at least this confident
CALIBRATION_SEEDS = (7, 11, 13)
SENTENCE_WORDS = 4


@dataclass(frozen=True)
class Outcome:
    example: Example
    scores: tuple[float, ...]
    known: int
    labels: tuple[str, ...]

    def prediction(self, temperature: float) -> Prediction:
        model = TextModel(self.labels, (0.0,) * len(self.labels), {}, temperature=temperature)
        return model.rank(list(self.scores), self.known)


def cross_validate(
    items: Sequence[Example],
    group: Callable[[Example], str],
    folds: int = 5,
    seed: int = 7,
    feats: Sequence[list[int]] | None = None,
    only: Callable[[Example], bool] | None = None,
) -> list[Outcome]:
    """Train on all groups but one fold's, predict that fold; every example is predicted once.
    ``only`` limits the predicted examples (others are still trained on)."""
    feats = feats if feats is not None else [features(e.text) for e in items]
    names = sorted({group(e) for e in items})
    random.Random(seed).shuffle(names)
    fold_of = {name: i % folds for i, name in enumerate(names)}
    out: list[Outcome] = []
    for k in range(folds):
        train_idx = [i for i, e in enumerate(items) if fold_of[group(e)] != k]
        test_idx = [i for i, e in enumerate(items) if fold_of[group(e)] == k]
        if not train_idx or not test_idx:
            continue
        model = train([items[i] for i in train_idx], [feats[i] for i in train_idx])
        for i in test_idx:
            if only is None or only(items[i]):
                scores, known = model.scores(feats[i])
                out.append(Outcome(items[i], tuple(scores), known, model.labels))
    return out


def accuracy(
    outcomes: Sequence[Outcome], kind: str = "", family: Mapping[str, str] | None = None
) -> float:
    """Share of right top labels; ``kind`` "c:" limits it to community examples, "intent" scores
    the kind of answer only (a community, a FAQ, a list ...); with ``family`` a community counts
    as right when its Team is."""
    right = n = 0
    for o in outcomes:
        truth = o.example.label
        if kind == "c:" and not truth.startswith("c:"):
            continue
        n += 1
        got = o.prediction(1.0).label
        if kind == "intent":
            right += _kind(got) == _kind(truth)
        elif family is not None:
            right += family.get(got, got) == family.get(truth, truth)
        else:
            right += got == truth
    return right / n if n else 0.0


def _kind(label: str) -> str:
    return label.split(":", 1)[0] if ":" in label else label


def _log_loss(outcomes: Sequence[Outcome], temperature: float) -> float:
    total = 0.0
    for o in outcomes:
        if not o.known or o.example.label not in o.labels:
            total += math.log(len(o.scores))  # no opinion: every class as likely
            continue
        top = max(o.scores)
        z = sum(math.exp((s - top) * temperature) for s in o.scores)
        right = o.scores[o.labels.index(o.example.label)]
        total -= (right - top) * temperature - math.log(z)
    return total / max(len(outcomes), 1)


def fit_temperature(outcomes: Sequence[Outcome]) -> float:
    """The temperature with the lowest log loss on ``outcomes``, by golden-section search on its
    logarithm (the log loss is convex in it): a continuous choice, so that other outcomes move
    it a little, never from one step of a grid to the next (which moved every threshold)."""
    lo, hi = (math.log(t) for t in TEMPERATURE_RANGE)
    g = (math.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = _log_loss(outcomes, math.exp(a)), _log_loss(outcomes, math.exp(b))
    for _ in range(24):
        if fa <= fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = _log_loss(outcomes, math.exp(a))
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = _log_loss(outcomes, math.exp(b))
    return round(math.exp((lo + hi) / 2), 4)


def threshold(
    points: Sequence[tuple[float, bool]], precision: float, floor: float = FIT_FLOOR
) -> float:
    """The confidence at which an answer is right ``precision`` of the time, read off a curve
    fitted to the held-out ``points`` (confidence, right) of at least ``floor`` confidence:
    P(right) = 1 / (1 + exp(-(a + b * logit(confidence)))), by maximum likelihood (Newton's
    method with step halving). Fitted to all those answers at once, the curve is steadier than
    the precision of a window of answers at the margin (which one split into folds moved by up
    to a tenth). 1.0 when the curve never reaches ``precision``; never below ``floor``."""
    xs, ys = [], []
    for confidence, right in points:
        if confidence >= floor:
            c = min(max(confidence, 1e-6), 1 - 1e-6)
            xs.append(math.log(c / (1 - c)))
            ys.append(1.0 if right else 0.0)
    if not any(ys):
        return 1.0
    if all(ys):
        return floor
    a, b = _fit_curve(xs, ys)
    if b <= 0:
        return 1.0
    x = (math.log(precision / (1 - precision)) - a) / b
    return floor if x < -30 else max(floor, 1 / (1 + math.exp(-x)))  # not below the evidence


def _fit_curve(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """``a`` and ``b`` of P(y) = 1 / (1 + exp(-(a + b * x))) by maximum likelihood."""

    def loss(a: float, b: float) -> float:
        total = 0.0
        for x, y in zip(xs, ys, strict=True):
            z = a + b * x if y else -(a + b * x)  # -log sigmoid(z)
            total += math.log1p(math.exp(-abs(z))) + max(-z, 0.0)
        return total

    a, b = 0.0, 1.0
    current = loss(a, b)
    for _ in range(50):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in zip(xs, ys, strict=True):
            z = a + b * x
            q = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
            d, w = q - y, q * (1 - q)
            ga, gb = ga + d, gb + d * x
            haa, hab, hbb = haa + w, hab + w * x, hbb + w * x * x
        det = haa * hbb - hab * hab
        if det <= 1e-12:
            break
        da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
        step = 1.0
        while step > 1e-6 and loss(a - step * da, b - step * db) > current:
            step /= 2
        if step <= 1e-6:
            break
        a, b = a - step * da, b - step * db
        new = loss(a, b)
        if current - new < 1e-9:
            break
        current = new
    return a, b


def calibrate(
    outcomes: Sequence[Outcome], family: Mapping[str, str]
) -> tuple[float, dict[str, float]]:
    """The temperature with the lowest log loss, and the two thresholds, picked on the held-out
    sentences of at least ``SENTENCE_WORDS`` words: the model answers for messages the exact
    rules did not understand, and those are sentences (titles and names are the rules' job).
    ``outcomes`` may pool several shuffles of the same examples into folds."""
    temperature = fit_temperature(outcomes)
    points = []
    for o in outcomes:
        if len(o.example.text.split()) < SENTENCE_WORDS:
            continue
        label, confidence = o.prediction(temperature).decided(family, SUBTEAM_SHARE)
        truth = o.example.label
        right = label == truth or (label == family.get(truth) and truth != label)
        points.append((confidence, right))
    return temperature, {
        "answer": round(threshold(points, ANSWER_PRECISION), 6),
        "override": round(threshold(points, OVERRIDE_PRECISION), 6),
    }


def build(items: Sequence[Example], fingerprint: str, family: Mapping[str, str]) -> TextModel:
    """The model trained on all examples, with its temperature and thresholds picked by
    cross-validation over held-out phrases, on the outcomes of ``CALIBRATION_SEEDS`` shuffles
    into folds pooled (each example predicted once per shuffle): one shuffle alone moved the
    `answer` threshold by up to a tenth, pooled and fitted it moves by about 0.02 (README,
    "Understanding")."""
    feats = [features(e.text) for e in items]
    pooled = [
        o
        for seed in CALIBRATION_SEEDS
        for o in cross_validate(items, by_phrase, seed=seed, feats=feats)
    ]
    model = train(items, feats)
    model.fingerprint = fingerprint
    model.temperature, model.thresholds = calibrate(pooled, family)
    return model


@dataclass(frozen=True)
class Decision:
    example: Example
    label: str | None  # what the bot answered, as a label; None when it asked back or fell back


def without_phrases(catalogue: Catalogue, phrases: set[str]) -> Catalogue:
    """The catalogue with these phrases removed from its lexicon (role and topic terms,
    community keywords): a phrase held out of training must not be known to the rules either."""
    gone = {p.casefold() for p in phrases}

    def keep(terms: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(t for t in terms if t.casefold() not in gone)

    return dataclasses.replace(
        catalogue,
        roles=tuple(dataclasses.replace(r, terms=keep(r.terms)) for r in catalogue.roles),
        topics=tuple(dataclasses.replace(t, terms=keep(t.terms)) for t in catalogue.topics),
        teams=tuple(dataclasses.replace(c, keywords=keep(c.keywords)) for c in catalogue.teams),
        subteams=tuple(
            dataclasses.replace(c, keywords=keep(c.keywords)) for c in catalogue.subteams
        ),
    )


def hybrid_cross_validate(
    catalogue: Catalogue,
    items: Sequence[Example],
    languages: dict[str, frozenset[str]],
    group: Callable[[Example], str] = lambda e: e.phrase.casefold(),
    folds: int = 5,
    seed: int = 7,
    sample: int = 0,
) -> list[Decision]:
    """The whole understanding (rules + model) on held-out groups: each fold's phrases are left
    out of the model's training and removed from the rules' lexicon. ``sample``: predict only
    every n-th example of a fold (faster; 0 = all)."""
    feats = [features(e.text) for e in items]
    names = sorted({group(e) for e in items})
    random.Random(seed).shuffle(names)
    fold_of = {name: i % folds for i, name in enumerate(names)}
    out: list[Decision] = []
    for k in range(folds):
        train_idx = [i for i, e in enumerate(items) if fold_of[group(e)] != k]
        test_idx = [i for i, e in enumerate(items) if fold_of[group(e)] == k]
        if sample:
            test_idx = test_idx[::sample]
        model = train([items[i] for i in train_idx], [feats[i] for i in train_idx])
        model.temperature, model.thresholds = calibrate(
            cross_validate(
                [items[i] for i in train_idx],
                group,
                folds=3,
                seed=seed,
                feats=[feats[i] for i in train_idx],
            ),
            families(catalogue),
        )
        held_out = {items[i].phrase for i in test_idx}
        reader = Understander(without_phrases(catalogue, held_out), model, languages)
        for i in test_idx:
            u = reader.understand(items[i].text)
            label: str | None
            if u.intent == Intent.RECOMMEND and u.matches:
                label = f"c:{u.matches[0].community_id}"
            elif u.intent == Intent.FAQ:
                label = f"faq:{u.faq_id}"
            elif u.intent == Intent.FALLBACK:
                label = None if items[i].label != "offtopic" else "offtopic"
            elif u.intent == Intent.CLARIFY:
                label = None
            else:
                label = str(u.intent)
            out.append(Decision(items[i], label))
    return out


def by_phrase(e: Example) -> str:
    return e.phrase.casefold()


def by_template(e: Example) -> str:
    """Templated examples by their template; the others (written whole) by their phrase."""
    return e.template or "=" + e.phrase.casefold()


def by_language(e: Example) -> str:
    return e.language


@dataclass(frozen=True)
class Loaded:
    model: TextModel
    languages: dict[str, frozenset[str]]
    retrained: str | None  # why the saved model was not used (None when it was)


def load_understanding(data_dir: str | Path, catalogue: Catalogue) -> Loaded:
    """The saved model when it matches the data; else (missing or stale) one trained now, in
    memory, so a stale model is never served. A stale model's temperature and thresholds are kept
    for the one trained now (it is trained in seconds; picking them again takes the minute of
    cross-validation of ``python -m bot train``, which a stale model tells the operator to run);
    without a readable model file, the model is built as ``python -m bot train`` does."""
    training = load_training(data_dir, catalogue)
    items = examples(catalogue, training)
    expected = current_fingerprint(items)
    languages = dict(training.languages)
    path = Path(data_dir) / MODEL_FILE
    try:
        return Loaded(load_model(path, expected), languages, None)
    except ModelError as exc:
        reason = str(exc)
    try:
        stale = read_model(path)
    except ModelError:
        return Loaded(build(items, expected, families(catalogue)), languages, reason)
    model = train(items)
    model.fingerprint = expected
    model.temperature, model.thresholds = stale.temperature, dict(stale.thresholds)
    return Loaded(model, languages, f"{reason}; the saved model's thresholds are kept meanwhile")
