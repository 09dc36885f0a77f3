"""The feedback log and `python -m bot report`."""

from __future__ import annotations

import csv
import datetime as dt
import io

from bot.cli.main import main
from bot.ops.feedback import FeedbackLog

WHEN = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


def test_report_counts_fallbacks_and_votes(tmp_path) -> None:
    log = FeedbackLog(tmp_path / "f.jsonl")
    for q in ("Write me a poem", "write me a POEM!", "what time is it"):
        log.record_fallback(q, WHEN)
    log.record_vote("faq:register", "up", WHEN)
    log.record_vote("faq:register", "down", WHEN)
    log.record_vote("recommend:controllers", "up", WHEN)
    report = log.report()
    assert report.fallbacks[0] == ("write me a poem", 2)
    assert ("faq:register", 1, 1) in report.votes


def test_a_torn_last_line_loses_nothing_else(tmp_path) -> None:
    path = tmp_path / "f.jsonl"
    log = FeedbackLog(path)
    log.record_vote("faq:register", "up", WHEN)
    with path.open("a") as f:
        f.write('{"time": "2026-')  # a crash in the middle of a write
    assert log.report().votes == [("faq:register", 1, 0)]


def test_csv_export_neutralises_formulas(tmp_path) -> None:
    log = FeedbackLog(tmp_path / "f.jsonl")
    log.record_fallback('=HYPERLINK("http://evil")', WHEN)
    out = io.StringIO()
    assert log.export_csv(out) == 1
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["time", "event", "answer", "vote", "question"]
    assert rows[1][4].startswith("'=")


def test_report_command(tmp_path) -> None:
    path = tmp_path / "f.jsonl"
    FeedbackLog(path).record_fallback("qwerty", WHEN)
    out = io.StringIO()
    csv_path = tmp_path / "out.csv"
    assert main(["report", "--log", str(path), "--csv", str(csv_path)], out=out) == 0
    assert "qwerty" in out.getvalue()
    assert "qwerty" in csv_path.read_text()
