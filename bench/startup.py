"""Benchmark: start-up time and memory of the running bot (rules + understanding model).

    .venv/bin/python bench/startup.py [--telemetry]

Starts a fresh Python process that builds the bot as app.py does (``build_bot``: catalogue,
understanding model, store, dialogs), then answers every question of bench/questions.txt once;
prints the time to build and the peak resident memory (RSS) of that process.
Targets: start-up < 5 s, RSS < 150 MB. The exit status is 1 when a target is missed.
``--telemetry``: the same with OpenTelemetry on (each answer a span with its turn event).
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
import dataclasses, json, os, resource, sys, tempfile, time
from pathlib import Path
t0 = time.perf_counter()
from botbuilder.core import MemoryStorage
from app import build_bot, make_telemetry
from bot.ops.telemetry import SERVER, TurnEvent, confidence_band
from bot.settings import Settings
tmp = Path(tempfile.mkdtemp())
settings = Settings.from_env(json.loads(sys.argv[2]))
settings = dataclasses.replace(settings, store_path=tmp / "s.sqlite3")
telemetry = make_telemetry(settings)
components = build_bot(settings, MemoryStorage(), telemetry=telemetry)
started = time.perf_counter() - t0
import datetime as dt
questions = [q for q in Path(sys.argv[1]).read_text(encoding="utf-8").splitlines() if q.strip()]
for q in questions:
    with telemetry.span("POST /api/messages", SERVER):  # as a request does, with its event
        reply = components.assistant.respond(q, dt.date(2026, 11, 24))
        telemetry.turn(TurnEvent("answer", intent=str(reply.answer.intent),
                                 confidence=confidence_band(reply.understanding)))
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
loaded = sum(m.startswith(("opentelemetry", "azure.monitor")) for m in sys.modules)
print(json.dumps({"start_s": started, "rss_mb": rss, "questions": len(questions),
                  "otel_modules": loaded}), flush=True)
os._exit(0)  # not waiting for an export to the unreachable collector
"""
# --telemetry: OpenTelemetry on, to Application Insights and an OTLP collector (both on a
# loopback port nobody listens on: the spans are made and queued, the sending fails quietly).
TELEMETRY_ENV = {
    "APPLICATIONINSIGHTS_CONNECTION_STRING": (
        "InstrumentationKey=00000000-0000-0000-0000-000000000000;"
        "IngestionEndpoint=http://127.0.0.1:9/"
    ),
    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9",
}


def main() -> int:
    telemetry = "--telemetry" in sys.argv[1:]
    env = TELEMETRY_ENV if telemetry else {}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "bench" / "questions.txt"), json.dumps(env)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    start, rss = figures["start_s"], figures["rss_mb"]
    ok_start, ok_rss = start < TARGET_START_S, rss < TARGET_RSS_MB
    print(
        f"telemetry {'on (Azure Monitor + OTLP)' if telemetry else 'off'}: "
        f"{figures['otel_modules']} OpenTelemetry modules loaded"
    )
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
