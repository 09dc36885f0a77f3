"""Benchmark: start-up time and memory of the running bot (rules + understanding model).

    .venv/bin/python bench/startup.py

Starts a fresh Python process that builds the bot as app.py does (``build_bot``: catalogue,
understanding model, store, dialogs), then answers every question of bench/questions.txt once;
prints the time to build and the peak resident memory (RSS) of that process.
Targets: start-up < 5 s, RSS < 150 MB. The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_START_S = 5.0
TARGET_RSS_MB = 150.0

CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
t0 = time.perf_counter()
from botbuilder.core import MemoryStorage
from app import build_bot
from bot.settings import Settings
tmp = Path(tempfile.mkdtemp())
settings = Settings(store_path=tmp / "s.sqlite3")
components = build_bot(settings, MemoryStorage())
started = time.perf_counter() - t0
import datetime as dt
questions = [q for q in Path(sys.argv[1]).read_text(encoding="utf-8").splitlines() if q.strip()]
for q in questions:
    components.assistant.respond(q, dt.date(2026, 11, 24))
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"start_s": started, "rss_mb": rss, "questions": len(questions)}))
"""


def main() -> int:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "bench" / "questions.txt")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    start, rss = figures["start_s"], figures["rss_mb"]
    ok_start, ok_rss = start < TARGET_START_S, rss < TARGET_RSS_MB
    print(
        f"start-up (imports + build_bot)  {start:6.2f} s    target < {TARGET_START_S:g} s  "
        f"{'OK' if ok_start else 'MISSED'}"
    )
    print(
        f"peak RSS after {figures['questions']} answers  {rss:6.1f} MB   target < "
        f"{TARGET_RSS_MB:g} MB  {'OK' if ok_rss else 'MISSED'}"
    )
    return 0 if ok_start and ok_rss else 1


if __name__ == "__main__":
    sys.exit(main())
