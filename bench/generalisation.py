"""Generalisation of the whole understanding (exact rules + model), by cross-validation on the
examples generated from data/: each fold's phrases are held out of the model's training AND
removed from the lexicon that the rules and the model's concept features read with (role and
topic terms, community keywords, intent and route phrases ... that read as a held-out phrase:
bot.core.learning.hidden); the model's thresholds are picked again inside each fold.

    .venv/bin/python bench/generalisation.py [--sample 3]

Prints the share of held-out examples answered right, answered wrong (confidently), and asked
back or fallen back (safe), overall and per language. With the model of naive Bayes plus an
averaged perceptron (bot/core/model.py), thresholds read off a fitted precision curve, and near
ties inside a Team's family asked back: right 82.3 %, wrong 3.6 %, safe 14.0 % (81.4 %, 5.5 %,
13.1 % without asking back on near ties, on the data before; README, "Understanding"). With
the lexicon's concepts among the model's features and the stricter hiding: right 82.0 %, wrong
3.4 %, safe 14.6 % (the model before, on that measure: 81.1 %, 3.3 %, 15.6 %).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.catalogue import load_catalogue  # noqa: E402
from bot.core.learning import hybrid_cross_validate  # noqa: E402
from bot.core.training import examples, load_training  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sample", type=int, default=3, help="predict every n-th held-out example")
    args = ap.parse_args()
    catalogue = load_catalogue(ROOT / "data")
    training = load_training(ROOT / "data", catalogue)
    items = examples(catalogue, training)
    start = time.perf_counter()
    decisions = hybrid_cross_validate(
        catalogue, items, dict(training.languages), sample=args.sample
    )
    by_lang: dict[str, list[str]] = defaultdict(list)
    for d in decisions:
        truth = d.example.label
        verdict = "right" if d.label == truth else ("safe" if d.label is None else "wrong")
        by_lang["all"].append(verdict)
        by_lang[d.example.language].append(verdict)
    print(f"rules + model, whole phrases held out ({time.perf_counter() - start:.0f} s):")
    for lang in ("all", "en", "de", "fr", "it", "es", "other"):
        v = by_lang.get(lang, [])
        if v:
            n = len(v)
            print(
                f"  {lang:5s} n={n:5d}  right {v.count('right') / n:6.1%}  "
                f"wrong {v.count('wrong') / n:6.1%}  "
                f"asked back / fell back {v.count('safe') / n:6.1%}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
