"""Benchmark: how long the assistant takes to load its catalogue and to decide an answer.

    .venv/bin/python bench/decide.py                 # real data, then 10,000 synthetic communities
    .venv/bin/python bench/decide.py --profile       # also profile the synthetic decisions
    .venv/bin/python bench/decide.py --communities 2000 --runs 3

A decision is ``Understander.understand`` followed by ``Answerer.answer`` for one question (no
card rendering, no I/O). Questions: the development set (shared/eval/dev.yaml, when present)
plus the ones below. "cold" is the first pass over the questions (the typo-correction cache is
empty), "warm" every further pass. The synthetic catalogue keeps the real data and adds
generated Teams and sub-teams up to --communities, written as YAML into a temporary folder and
loaded with ``load_catalogue`` like the real one.

Targets: load + index of the real catalogue < 200 ms; median decision (rules + the understanding
model) < 1 ms on the real catalogue, and (rules only) < 10 ms on the synthetic one. The exit
status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import itertools
import math
import platform
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.answers import Answerer  # noqa: E402
from bot.core.catalogue import Catalogue, load_catalogue  # noqa: E402
from bot.core.learning import load_understanding  # noqa: E402
from bot.core.understanding import Understander  # noqa: E402

DATA = ROOT / "data"
DEV_SET = ROOT.parent / "shared" / "eval" / "dev.yaml"
TODAY = dt.date(2026, 11, 24)

TARGET_LOAD_MS = 200.0
TARGET_REAL_MS = 1.0  # rules + model (the rules alone take about half)
TARGET_SYNTHETIC_MS = 10.0

OWN_QUESTIONS = [
    "I'm a controler",
    "which netwrok is for auditors?",
    "I'm a finacial officer",
    "I do comunication for our programme",
    "Our FLC team checks partner expenditure",
    "I work for the AA in our country",
    "JS project officer looking for peers",
    "NCP for Interreg Central Europe",
    "I'm on the IMC",
    "the accounting function of our programme",
    "I manage social media",
    "Ich bin Kontrolleurin",
    "Je suis chargé de communication pour un programme Interreg",
    "Mi occupo di gestione finanziaria",
    "Soy punto de contacto nacional",
    "comms officer for an IPA programme",
    "communication officer in a strand B programme",
    "I'm in the Jems core group",
    "I work on the Interreg Sudoe programme",
    "I work for Interreg Baltic Sea Region",
    "Interreg Euro-MED",
    "I'm a controller, can I join Financial management?",
    "I'm a controller and an auditor",
    "I forgot my password",
    "I want to talk to someone about working groups",
    "what happened to the IBM communities?",
    "how do I create my Interact account?",
    "what's a sub-team exactly?",
    "recipe for lasagne",
    "which team should I join?",
    "I'm the national contact point for Interreg Europe in Slovenia and I also do some "
    "communication work for our programme, mostly press releases and the newsletter; which "
    "of your communities would fit me best, and how do I register on the portal?",
]

# --------------------------------------------------------------------------- synthetic data

REGIONS = [
    "Alpine", "Danube", "Adriatic", "Ionian", "Atlantic", "North Sea", "Arctic", "Carpathian",
    "Pyrenees", "Aegean", "Balkan", "Nordic", "Iberian", "Celtic", "Rhine", "Elbe", "Oder",
    "Vistula", "Lake Constance", "Upper Rhine", "Meuse", "Scheldt", "Po Valley", "Tisza", "Sava",
    "Drava", "Mura", "Saar", "Moselle", "Ems Dollart", "Wadden Sea", "Kvarken", "Botnia",
    "Karelia", "Latgale", "Podlasie", "Silesia", "Bohemia", "Tyrol", "Istria", "Dalmatia",
    "Thrace", "Epirus", "Crete", "Sicily", "Sardinia", "Corsica", "Madeira", "Azores",
    "Canarias", "Guiana", "Reunion", "Mayotte", "Caribbean", "Amazonia", "Indian Ocean",
    "Lapland", "Pomerania", "Galicia", "Flanders",
]  # fmt: skip
TOPICS = [
    "green transition", "smart specialisation", "sustainable tourism", "health care",
    "cultural heritage", "youth employment", "circular economy", "climate adaptation",
    "water management", "energy efficiency", "rural development", "urban mobility",
    "digital services", "border obstacles", "labour mobility", "education and training",
    "social inclusion", "biodiversity", "maritime safety", "fisheries", "civil protection",
    "public procurement", "simplified cost options", "capitalisation", "small project funds",
    "people to people", "governance", "territorial strategies", "data protection",
    "risk prevention",
]  # fmt: skip
KINDS = [
    "network", "exchange", "forum", "lab", "working space", "task force", "peer group",
    "community of practice",
]  # fmt: skip


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def synthetic_communities(total: int, existing: int, seed: int = 2025) -> tuple[list, list]:
    """Generated Teams (a fifth) and sub-teams (four per Team) so that, with the ``existing``
    real ones, there are ``total`` communities. Names are unique and plausible."""
    count = total - existing
    combos = list(itertools.product(REGIONS, TOPICS, KINDS))
    if count > len(combos):
        raise SystemExit(f"at most {len(combos) + existing} synthetic communities, not {total}")
    random.Random(seed).shuffle(combos)
    n_teams = max(1, count // 5)
    teams: list[dict] = []
    subteams: list[dict] = []
    for i, (region, topic, kind) in enumerate(combos[:count]):
        name = f"{region} {topic} {kind}"
        entry = {
            "id": f"syn-{i:05d}-{_slug(name)}",
            "name": name[:1].upper() + name[1:],
            "who_should_join": f"Those working on {topic} in the {region} area",
            "keywords": [f"{region} {topic}".lower(), f"{topic} {kind}".lower()],
        }
        if i < n_teams:
            teams.append(entry)
        else:
            entry["parent"] = teams[(i - n_teams) % n_teams]["id"]
            entry["qualifiers"] = [region.lower()]
            entry["who_should_join"] = f"Sub-space for {region}"
            subteams.append(entry)
    return teams, subteams


def write_synthetic(folder: Path, total: int) -> None:
    shutil.copytree(DATA, folder)
    path = folder / "communities.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    existing = len(doc["teams"]) + len(doc["subteams"])
    teams, subteams = synthetic_communities(total, existing)
    doc["teams"] += teams
    doc["subteams"] += subteams
    path.write_text(
        yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )
    # every language states who should join each community (bot check requires it); the
    # generated ones say it in English everywhere, which costs the same to load and to show
    for texts in sorted((folder / "texts").glob("*.yaml")):
        if texts.stem == "en":
            continue
        language = yaml.safe_load(texts.read_text(encoding="utf-8"))
        said = language.setdefault("community", {})
        for entry in teams + subteams:
            said[entry["id"]] = {"who_should_join": entry["who_should_join"]}
        texts.write_text(
            yaml.safe_dump(language, sort_keys=False, allow_unicode=True, width=100),
            encoding="utf-8",
        )


def synthetic_questions(catalogue: Catalogue, n: int = 60, seed: int = 7) -> list[str]:
    """Questions that name generated communities, the way people would."""
    rng = random.Random(seed)
    generated = [c for c in catalogue.communities if c.id.startswith("syn-")]
    out = []
    for c in rng.sample(generated, min(n, len(generated))):
        region_topic = c.keywords[0]
        out.append(
            rng.choice(
                [
                    f"I work on {region_topic}",
                    f"is there a team for {region_topic}?",
                    f"{c.name}",
                    f"I'm a controller working on {region_topic}",
                    f"which sub-team for {c.keywords[1]} in {region_topic.split()[0]}?",
                ]
            )
        )
    return out


# --------------------------------------------------------------------------- measuring


def dev_questions() -> list[str]:
    if not DEV_SET.is_file():
        return []
    return [str(case["q"]) for case in yaml.safe_load(DEV_SET.read_text(encoding="utf-8"))]


def ms(ns: float) -> float:
    return ns / 1e6


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def time_load(folder: Path, runs: int) -> tuple[list[float], Catalogue]:
    times = []
    catalogue = None
    for _ in range(runs):
        start = time.perf_counter_ns()
        catalogue = load_catalogue(folder)
        Understander(catalogue)
        Answerer(catalogue)
        times.append(ms(time.perf_counter_ns() - start))
    assert catalogue is not None
    return times, catalogue


def time_decisions(
    understander: Understander, answerer: Answerer, questions: Sequence[str], rounds: int
) -> tuple[list[float], list[float]]:
    """Per-question times in ms: the first (cold) pass and all further (warm) passes."""
    cold: list[float] = []
    warm: list[float] = []
    gc.collect()  # start from a clean heap: no garbage left over from loading
    for r in range(rounds):
        for q in questions:
            start = time.perf_counter_ns()
            answerer.answer(understander.understand(q), TODAY)
            (cold if r == 0 else warm).append(ms(time.perf_counter_ns() - start))
    return cold, warm


def verdict(value: float, target: float) -> str:
    return f"target < {target:g} ms  {'OK' if value < target else 'MISSED'}"


def report_decisions(
    label: str, cold: list[float], warm: list[float], target: float | None
) -> None:
    median = statistics.median(warm)
    line = (
        f"  {label:<34} median {median:8.3f} ms   p95 {p95(warm):8.3f} ms   "
        f"max {max(warm):8.3f} ms   (cold pass: median {statistics.median(cold):.3f} ms, "
        f"p95 {p95(cold):.3f} ms)"
    )
    print(line + (f"   {verdict(median, target)}" if target else ""))
    return median


def profile(fn: Callable[[], object], top: int = 18) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(top)
    print(buffer.getvalue())


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--communities", type=int, default=10_000, help="synthetic catalogue size")
    ap.add_argument("--runs", type=int, default=7, help="load + index runs (median)")
    ap.add_argument("--rounds", type=int, default=20, help="passes over the questions")
    ap.add_argument("--profile", action="store_true", help="profile the synthetic decisions")
    args = ap.parse_args(argv)

    questions = dev_questions() + OWN_QUESTIONS
    missed: list[str] = []
    print(
        f"Decision benchmark: Python {platform.python_version()} on {platform.machine()}, "
        f"{len(questions)} questions ({len(questions) - len(OWN_QUESTIONS)} from the dev set, "
        f"{len(OWN_QUESTIONS)} own), {args.rounds} passes"
    )

    # ----- the real catalogue
    load_times, catalogue = time_load(DATA, args.runs)
    n = len(catalogue.communities)
    print(
        f"\nReal catalogue ({len(catalogue.teams)} Teams + {len(catalogue.subteams)} sub-teams "
        f"= {n} communities)"
    )
    load_median = statistics.median(load_times)
    print(
        f"  {'load + index':<34} median {load_median:8.2f} ms   (min {min(load_times):.2f}, "
        f"max {max(load_times):.2f}; {args.runs} runs)   {verdict(load_median, TARGET_LOAD_MS)}"
    )
    if load_median >= TARGET_LOAD_MS:
        missed.append("real load + index")
    start = time.perf_counter_ns()
    loaded = load_understanding(DATA, catalogue)
    print(
        f"  {'model load (rules + model)':<34} {ms(time.perf_counter_ns() - start):8.2f} ms   "
        f"({'retrained: ' + loaded.retrained if loaded.retrained else 'saved model'}; "
        "start-up budget: bench/startup.py)"
    )
    understander = Understander(catalogue, loaded.model, loaded.languages)
    answerer = Answerer(catalogue)
    cold, warm = time_decisions(understander, answerer, questions, args.rounds)
    if report_decisions("decision, rules + model", cold, warm, TARGET_REAL_MS) >= TARGET_REAL_MS:
        missed.append("real decision")
    rules = Understander(catalogue)
    cold, warm = time_decisions(rules, answerer, questions, args.rounds)
    report_decisions("decision, rules only", cold, warm, None)

    # ----- the synthetic catalogue
    with tempfile.TemporaryDirectory(prefix="bench-catalogue-") as tmp:
        folder = Path(tmp) / "data"
        start = time.perf_counter_ns()
        write_synthetic(folder, args.communities)
        write_ms = ms(time.perf_counter_ns() - start)
        size_kb = sum(f.stat().st_size for f in folder.iterdir()) / 1024
        syn_runs = max(1, min(args.runs, 3))
        syn_load, syn = time_load(folder, syn_runs)
    print(
        f"\nSynthetic catalogue ({len(syn.teams)} Teams + {len(syn.subteams)} sub-teams = "
        f"{len(syn.communities)} communities, {size_kb:,.0f} KB of YAML written in "
        f"{write_ms:.0f} ms)"
    )
    print(
        f"  {'load + index':<34} median {statistics.median(syn_load):8.1f} ms   "
        f"({syn_runs} runs; no target)"
    )
    understander, answerer = Understander(syn), Answerer(syn)
    own = synthetic_questions(syn)
    cold, warm = time_decisions(understander, answerer, questions, args.rounds)
    median = report_decisions("decision, real questions", cold, warm, TARGET_SYNTHETIC_MS)
    if median >= TARGET_SYNTHETIC_MS:
        missed.append("synthetic decision (real questions)")
    s_cold, s_warm = time_decisions(understander, answerer, own, args.rounds)
    median = report_decisions(
        f"decision, {len(own)} synthetic questions", s_cold, s_warm, TARGET_SYNTHETIC_MS
    )
    if median >= TARGET_SYNTHETIC_MS:
        missed.append("synthetic decision (synthetic questions)")

    if args.profile or missed:
        print("\nProfile of one warm pass over all questions on the synthetic catalogue:")
        profile(lambda: time_decisions(understander, answerer, questions + own, 1))

    print("\nAll targets met." if not missed else f"\nMISSED: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
