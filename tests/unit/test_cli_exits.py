"""``python -m bot ...`` ends a configuration or data error with one line and its exit code
(bot.exits.ExitCode), as ``python app.py`` does."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.exits import ExitCode

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env
    for name in ("ASSISTANT_DATA_DIR", "LOG_LEVEL", "MicrosoftAppId"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err.rstrip("\n")


def test_a_broken_data_file_is_exit_code_4_naming_the_file(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = here / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "communities.yaml").write_text("teams: {\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data))
    assert main(["ask", "is there a group for controllers?"], io.StringIO()) == ExitCode.DATA
    assert one_error_line(capsys).startswith(f"error: {data}/communities.yaml:")


def test_a_bad_setting_is_exit_code_3(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / ".env").write_text("RATE_LIMIT_PER_MINUTE=abc\n", encoding="utf-8")
    assert main(["ask", "hello"], io.StringIO()) == ExitCode.SETTINGS
    assert one_error_line(capsys) == (
        "error: RATE_LIMIT_PER_MINUTE must be a whole number, not 'abc'"
    )


def test_check_finding_problems_is_exit_code_4(here: Path) -> None:
    data = here / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "faq.yaml").write_text("", encoding="utf-8")
    assert main(["check", str(data)], io.StringIO()) == ExitCode.DATA
