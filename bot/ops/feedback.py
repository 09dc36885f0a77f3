"""Feedback for content editors: 👍/👎 votes per answer and the questions that fell back.

Stored as JSON lines (append-only, one event a line) with the time and never the user's name or
id, so editors can see what to improve. ``report`` summarises; ``export_csv`` writes a CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.core.text import spreadsheet_cell, tokens


@dataclass(frozen=True)
class Report:
    fallbacks: list[tuple[str, int]]  # normalised question, how often
    votes: list[tuple[str, int, int]]  # answer key, 👍, 👎


class FeedbackLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _append(self, event: dict[str, str]) -> None:
        line = json.dumps(event, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line)

    def record_vote(self, answer_key: str, vote: str, when: dt.datetime) -> None:
        if vote not in ("up", "down"):
            raise ValueError(f"vote must be 'up' or 'down', not {vote!r}")
        self._append(
            {"time": when.isoformat(), "event": "vote", "answer": answer_key[:200], "vote": vote}
        )

    def record_fallback(self, question: str, when: dt.datetime) -> None:
        self._append({"time": when.isoformat(), "event": "fallback", "question": question[:500]})

    def events(self) -> Iterator[dict[str, str]]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as f:
            for line in f:
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash: skip it, keep the rest
                if isinstance(event, dict):
                    yield event

    def report(self, top: int = 20) -> Report:
        fallbacks: Counter[str] = Counter()
        up: Counter[str] = Counter()
        down: Counter[str] = Counter()
        for e in self.events():
            if e.get("event") == "fallback":
                fallbacks[" ".join(tokens(str(e.get("question", ""))))] += 1
            elif e.get("event") == "vote":
                (up if e.get("vote") == "up" else down)[str(e.get("answer", ""))] += 1
        keys = sorted(set(up) | set(down), key=lambda k: (-(up[k] + down[k]), k))
        return Report(
            fallbacks=fallbacks.most_common(top),
            votes=[(k, up[k], down[k]) for k in keys],
        )

    def export_csv(self, out: TextIO) -> int:
        """Write every event as CSV (time, event, answer, vote, question); return the count."""
        writer = csv.writer(out)
        writer.writerow(["time", "event", "answer", "vote", "question"])
        n = 0
        for e in self.events():
            writer.writerow(
                [
                    spreadsheet_cell(e.get(k, ""))
                    for k in ("time", "event", "answer", "vote", "question")
                ]
            )
            n += 1
        return n
