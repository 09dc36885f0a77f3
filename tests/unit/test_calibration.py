"""Calibration of the understanding model (bot.core.learning): the temperature and the two
thresholds, picked on held-out outcomes, must not jump with the split into folds. Synthetic
data of our own."""

from __future__ import annotations

import math
import random

import pytest

from bot.core.learning import Outcome, _log_loss, calibrate, cross_validate, fit_temperature
from bot.core.learning import threshold as pick_threshold
from bot.core.training import Example


def _answers(n: int, seed: int) -> list[tuple[float, bool]]:
    """Answers whose chance of being right is 1 / (1 + exp(-(1 + 2 logit(confidence)))): right
    80 % of the time where 1 + 2 logit(confidence) = logit(0.8), at the confidence 0.548."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        c = rnd.uniform(0.3, 0.999)
        p = 1 / (1 + math.exp(-(1 + 2 * math.log(c / (1 - c)))))
        out.append((c, rnd.random() < p))
    return out


def test_the_threshold_is_read_off_the_precision_curve() -> None:
    truth = 1 / (1 + math.exp(-(math.log(4) - 1) / 2))  # where the curve above reaches 0.8
    assert pick_threshold(_answers(4000, 1), 0.8) == pytest.approx(truth, abs=0.03)


def test_the_threshold_is_steady_from_one_sample_to_the_next() -> None:
    picks = [pick_threshold(_answers(3000, seed), 0.8) for seed in range(5)]
    assert max(picks) - min(picks) < 0.04, picks


def test_no_threshold_where_confidence_does_not_mean_right() -> None:
    """The more confident, the less often right: the model never answers alone."""
    answers = [(0.4, True), (0.5, True), (0.7, False), (0.9, True), (0.95, False), (0.99, False)]
    assert pick_threshold(answers * 30, 0.8) == 1.0
    assert pick_threshold([(0.9, False), (0.99, False)] * 30, 0.8) == 1.0


WORDS = {
    "budget": "money payment claim invoice cost budget account audit spend",
    "press": "press media news journalist story article website post visibility",
    "tools": "tool software login system database upload portal account password",
}
FILLER = "I we the a our some every do work on with for about in".split()


def _toy_examples() -> list[Example]:
    """Three classes of short messages of shared and class words, with noise: a class word of
    another class in each message, and one message in twelve labelled at random."""
    rnd = random.Random(3)
    items = []
    labels = sorted(WORDS)
    for label in labels:
        for k in range(200):
            own = WORDS[label].split()
            other = WORDS[labels[(labels.index(label) + 1 + k % 2) % 3]].split()
            words = rnd.sample(FILLER, 3) + rnd.sample(own, 3) + rnd.sample(other, 1)
            rnd.shuffle(words)
            said = label if rnd.random() > 1 / 12 else rnd.choice(labels)
            items.append(Example(" ".join(words), said, f"{label}-{k}", "", "en"))
    return items


def test_the_temperature_has_the_lowest_log_loss() -> None:
    items = _toy_examples()
    outcomes = cross_validate(items, lambda e: e.phrase, folds=4, seed=1)
    t = fit_temperature(outcomes)
    assert _log_loss(outcomes, t) <= _log_loss(outcomes, t * 1.2)
    assert _log_loss(outcomes, t) <= _log_loss(outcomes, t / 1.2)


def test_thresholds_are_steady_under_another_shuffle_into_folds() -> None:
    items = _toy_examples()

    def pooled(seeds: tuple[int, ...]) -> list[Outcome]:
        return [
            o for s in seeds for o in cross_validate(items, lambda e: e.phrase, folds=4, seed=s)
        ]

    (_, first), (_, second) = (calibrate(pooled(s), {}) for s in ((1, 2, 3), (4, 5, 6)))
    for key in ("answer", "override"):
        assert 0.3 < first[key] < 1.0 and 0.3 < second[key] < 1.0  # a threshold, not a bound
        assert abs(first[key] - second[key]) < 0.08, (first, second)
