"""Analytics for content editors and operators, shared by every instance through the store.

What is kept (never the user's name, id, e-mail or conversation):

- counters per UTC day (``intent:<intent>``, ``community:<id>`` recommended, ``route:<contact>``
  of a support request, ``language:<code>``, ``vote:up:<answer key>``, ``vote:down:<answer key>``),
  incremented in one cheap write per turn (a per-day row or blob: the cost does not grow with
  history);
- the text of the questions that fell back, append-only records keyed by day, purged after the
  retention period (``FALLBACK_RETENTION_DAYS``).

``AnalyticsStore`` is what a store provides for this (both backends of ``bot.tickets.store``
implement it); ``Analytics`` records a turn's facts; ``report`` and ``export_csv`` summarise.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TextIO

from bot.core.text import Tokenizer, spreadsheet_cell

log = logging.getLogger(__name__)

DIMENSIONS = ("intent", "community", "route", "language")
MAX_KEY_CHARS = 200
MAX_QUESTION_CHARS = 500


def counter_key(*parts: str) -> str:
    """``dimension:value`` (a value cut to a bounded length, so a counter's name stays small)."""
    key = ":".join(parts)
    return key[:MAX_KEY_CHARS]


def checked_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """Counter increments: non-empty names, positive whole numbers (TypeError / ValueError)."""
    checked: dict[str, int] = {}
    for key, n in counts.items():
        if not isinstance(key, str) or not key or len(key) > MAX_KEY_CHARS:
            raise ValueError(f"counter name must be 1 to {MAX_KEY_CHARS} characters: {key!r}")
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"counter {key!r}: the increment must be an int, not {n!r}")
        if n < 0:
            raise ValueError(f"counter {key!r}: the increment must not be negative ({n})")
        if n:
            checked[key] = checked.get(key, 0) + n
    return checked


def checked_day(value: object, name: str = "day") -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}")
    return value


class AnalyticsStore(Protocol):
    """Analytics in a store shared by every instance (synchronous: run it in a thread)."""

    def add_counts(self, day: dt.date, counts: Mapping[str, int]) -> None:
        """Add ``counts`` to the day's counters, atomically (no increment lost to another
        writer)."""

    def read_counts(self, since: dt.date) -> dict[dt.date, dict[str, int]]:
        """Every day's counters from ``since`` on."""
        ...

    def add_fallback(self, question: str, now: dt.datetime) -> None:
        """Keep a question that fell back (its text only, cut to 500 characters)."""

    def read_fallbacks(self, since: dt.date) -> list[tuple[dt.datetime, str]]:
        """The questions kept from ``since`` on, oldest first."""
        ...

    def purge_fallbacks(self, before: dt.date) -> int:
        """Delete the questions of the days before ``before``; return how many."""
        ...


@dataclass(frozen=True)
class Report:
    since: dt.date
    by: str
    counts: list[tuple[str, int]]  # value of the dimension, how often (most first)
    fallbacks: list[tuple[str, int]]  # normalised question, how often
    votes: list[tuple[str, int, int]]  # answer key, 👍, 👎


class Analytics:
    """Records a turn's facts in the store. A failing store never fails the turn: the error
    is logged and the turn goes on. Fallback questions older than ``retention`` are purged
    once a day (by whichever instance records one first that day)."""

    def __init__(self, store: AnalyticsStore, retention: dt.timedelta) -> None:
        self.store = store
        self.retention = retention
        self._purged: dt.date | None = None
        self._lock = threading.Lock()

    def record_turn(
        self,
        when: dt.datetime,
        *,
        intent: str,
        language: str,
        communities: Sequence[str] = (),
        question: str = "",
    ) -> None:
        """One turn's counters (one write), and the question if it fell back."""
        counts: Counter[str] = Counter()
        counts[counter_key("intent", intent)] += 1
        counts[counter_key("language", language)] += 1
        for community in dict.fromkeys(communities):
            counts[counter_key("community", community)] += 1
        self._safely("counts", self.store.add_counts, when.date(), dict(counts))
        if question:
            self._safely("fallback", self.store.add_fallback, question, when)
            self._purge(when.date())

    def record_route(self, route: str, when: dt.datetime) -> None:
        self._safely("route", self.store.add_counts, when.date(), {counter_key("route", route): 1})

    def record_vote(self, answer_key: str, vote: str, when: dt.datetime) -> None:
        if vote not in ("up", "down"):
            raise ValueError(f"vote must be 'up' or 'down', not {vote!r}")
        key = counter_key("vote", vote, answer_key)
        self._safely("vote", self.store.add_counts, when.date(), {key: 1})

    def _purge(self, today: dt.date) -> None:
        with self._lock:
            if self._purged == today:
                return
            self._purged = today
        self._safely("purge", self.store.purge_fallbacks, today - self.retention)

    def _safely(self, what: str, fn: Callable[..., object], *args: object) -> None:
        try:
            fn(*args)
        except Exception:
            log.exception("analytics: could not record the %s; the turn goes on", what)


def report(
    store: AnalyticsStore,
    since: dt.date,
    by: str = "intent",
    top: int = 20,
    *,
    tokenizer: Tokenizer,
) -> Report:
    """Counts per value of ``by`` (one of ``DIMENSIONS``), the votes per answer and the most
    frequent fallback questions (alike when ``tokenizer`` reads them alike: the catalogue's),
    from ``since`` on, over every instance."""
    if by not in DIMENSIONS:
        raise ValueError(f"by must be one of {', '.join(DIMENSIONS)}, not {by!r}")
    totals: Counter[str] = Counter()
    for counts in store.read_counts(since).values():
        totals.update(counts)
    grouped = Counter(
        {key.split(":", 1)[1]: n for key, n in totals.items() if key.startswith(f"{by}:")}
    )
    up: Counter[str] = Counter()
    down: Counter[str] = Counter()
    for key, n in totals.items():
        if key.startswith("vote:up:"):
            up[key.removeprefix("vote:up:")] += n
        elif key.startswith("vote:down:"):
            down[key.removeprefix("vote:down:")] += n
    answers = sorted(set(up) | set(down), key=lambda k: (-(up[k] + down[k]), k))
    fallbacks = Counter(
        " ".join(tokenizer.tokens(question)) for _, question in store.read_fallbacks(since)
    )
    return Report(
        since=since,
        by=by,
        counts=sorted(grouped.items(), key=lambda kv: (-kv[1], kv[0])),
        fallbacks=fallbacks.most_common(top),
        votes=[(k, up[k], down[k]) for k in answers],
    )


def export_csv(store: AnalyticsStore, since: dt.date, by: str, out: TextIO) -> int:
    """The counts per day of one dimension (``day, <by>, count``), then the votes
    (``day, vote, answer, count``) and the fallback questions (``time, question``) — cells
    neutralised for spreadsheets. Returns the number of data rows."""
    if by not in DIMENSIONS:
        raise ValueError(f"by must be one of {', '.join(DIMENSIONS)}, not {by!r}")
    writer = csv.writer(out)
    writer.writerow(["day", "kind", "value", "count"])
    rows = 0
    days = store.read_counts(since)
    for day in sorted(days):
        for key, n in sorted(days[day].items()):
            kind, _, value = key.partition(":")
            if kind == by or kind == "vote":
                writer.writerow([day.isoformat(), kind, spreadsheet_cell(value), n])
                rows += 1
    for when, question in store.read_fallbacks(since):
        writer.writerow([when.date().isoformat(), "fallback", spreadsheet_cell(question), 1])
        rows += 1
    return rows


def cut_question(question: str) -> str:
    return question[:MAX_QUESTION_CHARS]
