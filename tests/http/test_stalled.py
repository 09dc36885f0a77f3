"""Stalled request bodies (issue 13, item 11): connections that send their headers and then
only a byte of the body are answered and closed within a deadline, those without a bearer
token (authentication on) before their body is read, and asyncio's reports of running out of
file descriptors are rate-limited. Bounded counts, on loopback."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

import app as app_module
from app import create_app
from bot.ops.logs import ThrottledLoopErrors
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
STALLED = 40


async def stall(port: int, headers: str = "", read_for: float = 5.0) -> tuple[bytes, float]:
    """Send a request's headers and the first byte of a 200 KB body, then nothing; return
    what the server answered (until it closed the connection, or ``read_for`` passed) and
    after how long."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            "POST /api/messages HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
            f"Content-Length: 200000\r\n{headers}\r\n{{"
        ).encode()
    )
    await writer.drain()
    started = time.monotonic()
    received = b""
    try:
        async with asyncio.timeout(read_for):
            while chunk := await reader.read(4096):
                received += chunk
    except TimeoutError:
        received += b"<still open>"
    finally:
        writer.close()
    return received, time.monotonic() - started


@pytest.fixture
async def quick_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "BODY_TIMEOUT_SECONDS", 0.5)


async def test_stalled_bodies_get_408_and_are_closed_while_others_are_answered(
    client: TestClient, quick_deadline: None, connector: Any
) -> None:
    from tests.support.connector import activity

    port = client.server.port
    assert port is not None
    stalled = [asyncio.create_task(stall(port)) for _ in range(STALLED)]
    await asyncio.sleep(0.1)
    resp = await client.post("/api/messages", json=activity(connector, "auditors"))
    assert resp.status in (200, 201)  # a whole request meanwhile: answered
    answers = await asyncio.gather(*stalled)
    for received, seconds in answers:
        assert received.startswith(b"HTTP/1.1 408"), received[:80]
        assert not received.endswith(b"<still open>")  # and the connection closed
        assert seconds < 3.0


async def test_without_a_bearer_token_the_body_is_not_waited_for(
    settings: Settings, connector: Any
) -> None:
    auth = dataclasses.replace(settings, app_id="00000000-aaaa-4bbb-8ccc-000000000001")
    async with TestClient(TestServer(create_app(auth), host="127.0.0.1")) as client:
        port = client.server.port
        assert port is not None
        for headers in ("", "Authorization: Basic abc\r\n", "Authorization: Bearer x\r\n"):
            received, seconds = await stall(port, headers)
            assert received.startswith(b"HTTP/1.1 401"), received[:80]
            assert not received.endswith(b"<still open>")
            assert seconds < 1.0  # BODY_TIMEOUT_SECONDS is 10: it was not waited for


# --------------------------------------------------------------------------- the log


def test_loop_errors_are_logged_once_a_minute_per_kind(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    handler = ThrottledLoopErrors(every=60.0, clock=lambda: now[0])
    loop = asyncio.new_event_loop()
    try:
        accept = {"message": "socket.accept() out of system resource", "exception": OSError(24)}
        other = {"message": "Task exception was never retrieved", "exception": ValueError()}
        with caplog.at_level("ERROR", logger="asyncio"):
            for _ in range(1000):
                handler(loop, accept)
                now[0] += 0.01
            handler(loop, other)
            now[0] = 61.0
            handler(loop, accept)
    finally:
        loop.close()
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3
    assert messages[0].startswith("socket.accept() out of system resource")
    assert messages[1].startswith("Task exception was never retrieved")
    assert "999 more like it" in messages[2]


@pytest.mark.skipif(sys.platform != "linux", reason="needs RLIMIT_NOFILE and fork")
async def test_running_out_of_file_descriptors_does_not_flood_the_log(tmp_path: Path) -> None:
    """``python app.py`` limited to 128 file descriptors, 160 stalled connections for 3 s: the
    accept errors are logged a few times, not thousands (27 MB in 20 s before)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "ASSISTANT_DB": str(tmp_path / "db.sqlite3"),
        "LOG_LEVEL": "INFO",
    }
    env.pop("MicrosoftAppId", None)
    log_path = tmp_path / "app.log"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))

    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=limit,
        )
    try:
        await _wait_until_serving(port)
        answers = await asyncio.gather(*(_stall_quietly(port) for _ in range(160)))
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    logged = log_path.read_bytes()
    accept_errors = logged.count(b"socket.accept() out of system resource")
    assert 1 <= accept_errors <= 3, logged[-2000:]
    assert len(logged) < 200_000
    assert len(answers) == 160


async def _stall_quietly(port: int) -> bytes:
    try:
        received, _ = await stall(port, read_for=3.0)
    except OSError:
        return b""
    return received


async def _wait_until_serving(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.2)
            continue
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: bot\r\nConnection: close\r\n\r\n")
        answer = await reader.read()
        writer.close()
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["status"] == "ok"
        return
    raise AssertionError("the app did not start")
