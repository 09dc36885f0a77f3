"""Analytics (bot/ops/feedback.py) and `python -m bot report` over the store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.ops.feedback import Analytics
from bot.tickets.store.sqlite import SqliteStore

WHEN = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
KEEP = dt.timedelta(days=90)


def recorded(path: Path) -> None:
    with SqliteStore(path) as store:
        analytics = Analytics(store, KEEP)
        analytics.record_turn(WHEN, intent="recommend", language="en", communities=["ca"])
        analytics.record_turn(WHEN, intent="fallback", language="de", question="qwerty")
        analytics.record_turn(
            WHEN, intent="fallback", language="en", question='=HYPERLINK("http://evil")'
        )
        analytics.record_vote("faq:register", "up", WHEN)
        analytics.record_route("tech-support", WHEN)


def test_report_command_by_dimension_and_csv(tmp_path: Path) -> None:
    path = tmp_path / "assistant.sqlite3"
    recorded(path)
    out = io.StringIO()
    csv_path = tmp_path / "out.csv"
    args = ["report", "--db", str(path), "--since", "2026-11-01", "--by", "language"]
    assert main([*args, "--csv", str(csv_path)], out=out) == 0
    text = out.getvalue()
    assert "Turns by language:" in text and "2  en" in text and "1  de" in text
    assert "qwerty" in text and "faq:register" in text
    rows = list(csv.reader(csv_path.open(encoding="utf-8")))
    assert rows[0] == ["day", "kind", "value", "count"]
    assert ["2026-11-24", "language", "en", "2"] in rows
    assert ["2026-11-24", "vote", "up:faq:register", "1"] in rows
    assert ["2026-11-24", "fallback", "qwerty", "1"] in rows
    formula = next(r for r in rows if "HYPERLINK" in r[2])
    assert formula[2].startswith("'=")  # neutralised for spreadsheets
    assert ["2026-11-24", "intent", "recommend", "1"] not in rows  # only the chosen dimension
    out = io.StringIO()
    assert main(["report", "--db", str(path), "--since", "2026-11-24", "--by", "route"], out) == 0
    assert "1  tech-support" in out.getvalue()
    out = io.StringIO()
    assert main(["report", "--db", str(path), "--since", "2026-11-25"], out=out) == 0
    assert "qwerty" not in out.getvalue()


def test_report_refuses_a_bad_date_and_a_missing_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--db", str(tmp_path / "x.sqlite3"), "--since", "24/11"]) == 2
    assert "--since must be a date" in capsys.readouterr().err
    assert main(["report", "--db", str(tmp_path / "x.sqlite3")]) == 1
    assert "no store at" in capsys.readouterr().err


class BrokenStore:
    def add_counts(self, day: dt.date, counts: object) -> None:
        raise OSError("the store is down")

    def add_fallback(self, question: str, now: dt.datetime) -> None:
        raise OSError("the store is down")

    def purge_fallbacks(self, before: dt.date) -> int:
        raise OSError("the store is down")


def test_a_failing_store_never_fails_the_turn(caplog: pytest.LogCaptureFixture) -> None:
    analytics = Analytics(BrokenStore(), KEEP)  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR):
        analytics.record_turn(WHEN, intent="fallback", language="en", question="secret text")
        analytics.record_vote("faq:register", "down", WHEN)
    assert "could not record the counts" in caplog.text
    assert "could not record the vote" in caplog.text
    with pytest.raises(ValueError):
        analytics.record_vote("faq:register", "sideways", WHEN)
