"""Starting ``python app.py``: what stops it (a setting, a data file, the port, the store) is one
line on stderr and a distinct exit code (bot.exits.ExitCode), never a traceback; the bot says
where it serves only once it listens there."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import app as app_module
from bot.exits import ExitCode

ROOT = Path(__file__).resolve().parents[2]
# Variables main() reads that the test process might carry from its own environment.
CLEARED = (
    *("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppType", "MicrosoftAppTenantId"),
    *("ASSISTANT_STORE", "LOG_LEVEL", "PORT"),
)


@pytest.fixture
def start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """main() with the given environment; web.run_app is replaced by a recorder."""
    ran: dict[str, Any] = {}
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    base = {
        "HOST": "127.0.0.1",
        "PORT": "0",
        "ASSISTANT_DB": str(tmp_path / "assistant.sqlite3"),
        "LOG_FORMAT": "text",
    }

    def run(**env: str) -> dict[str, Any]:
        for key, value in {**base, **env}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr(app_module.web, "run_app", lambda a, **kw: ran.update(app=a, **kw))
        app_module.main()
        return ran

    yield run
    for sock in ran.get("sock", []):
        sock.close()


def stopped(start: Any, capsys: pytest.CaptureFixture[str], **env: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        start(**env)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return int(info.value.code), lines[0]


def test_a_bad_setting(start: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = stopped(start, capsys, LOG_LEVEL="verbose")
    assert code == ExitCode.SETTINGS == 3
    assert line.startswith("error: LOG_LEVEL must be one of DEBUG, INFO")


def test_an_app_id_without_its_app_type(start: Any, capsys: pytest.CaptureFixture[str]) -> None:
    app_id = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
    code, line = stopped(start, capsys, MicrosoftAppId=app_id, MicrosoftAppPassword="secret")
    assert code == ExitCode.SETTINGS
    assert line.startswith("error: MicrosoftAppType must be set with MicrosoftAppId: ")


def test_a_broken_dotenv_line(
    start: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("PORT=0\nMicrosoftAppId\n", encoding="utf-8")
    code, line = stopped(start, capsys)
    assert code == ExitCode.SETTINGS
    assert line == "error: .env, line 2: not a KEY=value line (nor a # comment); a KEY is " + (
        "letters, digits and _"
    )


def test_a_broken_data_file(start: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "faq.yaml").write_text("faqs: [\n", encoding="utf-8")
    code, line = stopped(start, capsys, ASSISTANT_DATA_DIR=str(data))
    assert code == ExitCode.DATA == 4
    assert line.startswith(f"error: {data}/faq.yaml:")


def test_a_port_in_use(start: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, line = stopped(start, capsys, PORT=str(port))
    assert code == ExitCode.PORT == 5
    assert line == (
        f"error: port {port} on 127.0.0.1 is already in use (PORT): stop the other process "
        "or choose another PORT"
    )


def test_a_host_that_is_not_this_machine(start: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = stopped(start, capsys, HOST="192.0.2.1")  # TEST-NET-1: never local
    assert code == ExitCode.PORT
    assert line == "error: cannot listen on '192.0.2.1' (HOST): not an address of this machine"


def test_a_store_that_cannot_be_opened(
    start: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    db = tmp_path / "a-file" / "assistant.sqlite3"  # its folder is a file
    code, line = stopped(start, capsys, ASSISTANT_DB=str(db))
    assert code == ExitCode.STORE == 6
    assert line.startswith(f"error: cannot open the store (ASSISTANT_DB={db}): ")


def test_it_listens_before_it_says_where(
    start: Any, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    ran = start()
    [sock] = ran["sock"]
    port = sock.getsockname()[1]
    assert port != 0
    # the socket given to aiohttp already listens: a client can connect before it serves
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    assert f"serving on http://127.0.0.1:{port}/api/messages" in caplog.text
    assert "host" not in ran and "port" not in ran


def test_the_real_process_says_a_port_is_in_use_in_one_line(tmp_path: Path) -> None:
    """Before: "serving on ..." was logged, then an OSError traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            "PATH": "/usr/bin:/bin",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "ASSISTANT_DB": str(tmp_path / "assistant.sqlite3"),
        }
        run = subprocess.run(
            [sys.executable, str(ROOT / "app.py")],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert run.returncode == ExitCode.PORT
    assert "Traceback" not in run.stderr
    assert "serving on" not in run.stderr
    assert run.stderr.splitlines()[-1] == (
        f"error: port {port} on 127.0.0.1 is already in use (PORT): stop the other process "
        "or choose another PORT"
    )


def test_telemetry_asked_for_without_its_extra(
    start: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "azure.monitor.opentelemetry.exporter", None)  # not there
    connection = "InstrumentationKey=00000000-0000-0000-0000-000000000000"
    code, line = stopped(start, capsys, APPLICATIONINSIGHTS_CONNECTION_STRING=connection)
    assert code == ExitCode.SETTINGS
    assert line.startswith(
        "error: APPLICATIONINSIGHTS_CONNECTION_STRING is set but the telemetry extra is not "
        "installed: pip install 'interact-communities-bot[telemetry]'"
    )
