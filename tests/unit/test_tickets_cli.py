"""``python -m bot tickets``: list, show and export for support staff, with the user's text
escaped wherever it is shown (terminal, CSV, JSON)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import ROOT, Settings
from bot.tickets.model import Status, Turn
from bot.tickets.store.contract import NewTicket
from bot.tickets.store.sqlite import SqliteStore
from tests.support.cli import run_tickets

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
EVIL = '=HYPERLINK("http://evil.example","click")\n\x1b[2J\x1b[31mred\rover\u202eright'


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "assistant.sqlite3"
    with SqliteStore(path) as store:
        for i, text in enumerate(["I cannot log in", EVIL, "+SUM(A1:A9) @me -1"], start=1):
            store.create_ticket(
                NewTicket(
                    route="tech-support" if i != 3 else "communication",
                    contact_email="tech.support@interact.eu",
                    description=text,
                    user_name="Ana Example" if i != 2 else "@Mallory\x07",
                    user_aad_id=f"aad-{i}",
                    user_email=f"user{i}@example.org",
                    transcript=[Turn("user", f"help {i}", "2026-11-24T09:59:00+00:00")],
                    conversation_reference={"conversation": {"id": f"a:{i}"}},
                    deliveries=[("channel", {}), ("email", {})],
                ),
                NOW + dt.timedelta(minutes=i),
            )
        store.update_ticket("SUP-0001", now=NOW, status=Status.RESOLVED, assignee="Bob")
        channel = store.pending("SUP-0002")[0]
        store.fail(channel.id, "503 from Bot Connector \x1b[0m", NOW)
    return path


def test_list_newest_first_with_status_filter(db):
    code, text = run_tickets("list", "--db", str(db))
    assert code == 0
    lines = text.splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["SUP-0003", "SUP-0002", "SUP-0001"]
    assert lines[-1] == f"3 ticket(s) in {db}"
    code, text = run_tickets("--db", str(db), "--status", "open")  # list is the default action
    assert code == 0
    assert "SUP-0001" not in text
    assert text.splitlines()[-1] == f"2 open ticket(s) in {db}"


def test_list_escapes_the_users_text(db):
    _, text = run_tickets("list", "--db", str(db))
    assert "\x1b" not in text and "\r" not in text and "\u202e" not in text and "\x07" not in text
    assert "\\x1b[2J" in text
    assert "@Mallory\\x07" in text


def test_show_a_ticket(db):
    code, text = run_tickets("show", "sup 2", "--db", str(db))
    assert code == 0
    assert text.startswith("SUP-0002 (open, version 1)\n")
    assert "route:        tech-support (tech.support@interact.eu)" in text
    assert "conversation: a:2" in text
    assert '  =HYPERLINK("http://evil.example","click")\n  \\x1b[2J\\x1b[31mred\\x0dover' in text
    assert "\\u202eright" in text
    assert "2026-11-24T09:59:00+00:00 user: help 2" in text
    assert "channel pending, 1 failed attempt(s), next 2026-11-24 10:00:05 UTC" in text
    assert "last error: 503 from Bot Connector \\x1b[0m" in text
    assert "email   pending, 0 failed attempt(s)" in text
    assert "\x1b" not in text and "\r" not in text and "\u202e" not in text


def test_show_resolved_ticket(db):
    code, text = run_tickets("show", "SUP-0001", "--db", str(db))
    assert code == 0
    assert "SUP-0001 (resolved, version 2)" in text
    assert "assignee:     Bob" in text


def test_show_errors(db, capsys):
    assert run_tickets("show", "SUP-0099", "--db", str(db))[0] == 1
    assert "no ticket SUP-0099" in capsys.readouterr().err
    assert run_tickets("show", "--db", str(db))[0] == 2
    assert "show needs a ticket id" in capsys.readouterr().err
    assert run_tickets("list", "SUP-0001", "--db", str(db))[0] == 2


def test_export_csv_protects_against_formulas(db):
    code, text = run_tickets("export", "--format", "csv", "--db", str(db))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == ["SUP-0003", "SUP-0002", "SUP-0001"]
    by_id = {r["id"]: r for r in rows}
    evil = by_id["SUP-0002"]["description"]
    assert evil.startswith("'=HYPERLINK(")
    assert "\x1b" not in evil and "\r" not in evil and "\u202e" not in evil
    assert "\n\\x1b[2J" in evil  # line breaks kept, escape sequences shown
    assert by_id["SUP-0002"]["user_name"] == "'@Mallory\\x07"
    assert by_id["SUP-0003"]["description"] == "'+SUM(A1:A9) @me -1"
    assert by_id["SUP-0001"]["status"] == "resolved"
    assert by_id["SUP-0001"]["transcript"] == "2026-11-24T09:59:00+00:00 user: help 1"
    for row in rows:
        assert all(not v or v[0] not in "=+-@" for v in row.values())


def test_export_csv_to_a_file_with_a_status(db, tmp_path):
    target = tmp_path / "open.csv"
    code, text = run_tickets("export", "--status", "open", "--out", str(target), "--db", str(db))
    assert code == 0
    assert text == f"exported 2 ticket(s) to {target}\n"
    rows = list(csv.reader(target.open(encoding="utf-8", newline="")))
    assert len(rows) == 3


def test_export_json_is_the_full_list(db):
    code, text = run_tickets("export", "--format", "json", "--db", str(db))
    assert code == 0
    assert "\u202e" not in text and "\x1b" not in text
    data = json.loads(text)
    with SqliteStore(db) as store:
        assert data == [t.to_json() for t in store.list_tickets()]
    assert data[1]["description"] == EVIL  # the data itself is exact
    assert data[0]["conversation_reference"] == {"conversation": {"id": "a:3"}}
    assert data[0]["transcript"] == [
        {"who": "user", "text": "help 3", "time": "2026-11-24T09:59:00+00:00"}
    ]


def test_a_missing_store_is_reported_not_created(tmp_path, capsys):
    path = tmp_path / "nope" / "assistant.sqlite3"
    assert run_tickets("list", "--db", str(path))[0] == 1
    assert "no store at" in capsys.readouterr().err
    assert not path.exists()


def test_a_file_that_is_not_a_database(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("hello " * 1000)
    assert run_tickets("list", "--db", str(path))[0] == 1
    assert "cannot open" in capsys.readouterr().err


def test_the_store_path_comes_from_assistant_db(db, tmp_path, monkeypatch):
    assert Settings.from_env({}).store_path == ROOT / "var" / "assistant.sqlite3"
    assert Settings.from_env({"ASSISTANT_DB": str(db)}).store_path == db
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("ASSISTANT_DB", str(db))
    code, text = run_tickets("list")
    assert code == 0
    assert "3 ticket(s)" in text


@pytest.mark.parametrize("bad", ["SUP-99999999999999999999999", "SUP-" + "9" * 5000, "TKT-1"])
def test_show_a_malformed_id_is_one_line_of_error(db, bad):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "tickets", "show", bad, "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and not done.stdout
    assert len(done.stderr.splitlines()) == 1 and len(done.stderr) < 200, done.stderr
    assert "is not a ticket id" in done.stderr


def test_python_dash_m_bot_tickets(db):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "tickets", "show", "SUP-0003", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SUP-0003 (open, version 1)")
