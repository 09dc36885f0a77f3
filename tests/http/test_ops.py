"""Operations: JSON logs with a correlation id per turn, readiness, graceful shutdown."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from types import SimpleNamespace

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from app import CONTENT, DESK, STOPPING, WORKER_TASK, create_app
from bot.ops.logs import JsonFormatter, correlation_id, new_correlation_id, setup_logging
from tests.support.connector import activity, replies_text


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The root logger writing JSON lines into a buffer (as ``python app.py`` does to stderr)."""
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    handler = setup_logging("INFO", "json", stream)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def records(stream: io.StringIO) -> list[dict]:
    """The app's records (each line must be JSON), without the test servers' access logs
    (``python app.py`` turns aiohttp's off: its own request line carries the id)."""
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [r for r in lines if r["logger"] != "aiohttp.access"]


# --------------------------------------------------------------------------- logs


async def test_a_failing_turn_logs_json_with_its_correlation_and_error_ids(
    client, connector, json_logs
) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    client.server.app[CONTENT].current.respond = boom
    resp = await client.post(
        "/api/messages",
        json=activity(connector, "auditors"),
        headers={"X-Correlation-Id": "req-42"},
    )
    assert resp.status in (200, 201)
    assert resp.headers["X-Correlation-Id"] == "req-42"

    logged = records(json_logs)
    failed = [r for r in logged if r["message"].startswith("turn failed")]
    assert len(failed) == 1
    entry = failed[0]
    assert entry["level"] == "ERROR" and entry["logger"] == "interact.bot"
    assert entry["correlation_id"] == "req-42"
    assert "RuntimeError: secret internals" in entry["exception"]
    assert entry["time"].endswith("+00:00")
    apology = replies_text(connector)
    assert f"(error id {entry['error_id']})" in apology  # the id the user was told is logged

    request_line = [r for r in logged if r["message"].startswith("POST /api/messages")]
    assert request_line and request_line[0]["correlation_id"] == "req-42"
    assert {r["correlation_id"] for r in logged} == {"req-42"}  # every record of the turn


async def test_the_activity_id_is_the_correlation_id_when_no_header_is_given(
    client, connector, json_logs
) -> None:
    resp = await client.post(
        "/api/messages", json=activity(connector, "is there a group for controllers?", id="act-7")
    )
    assert resp.status in (200, 201)
    assert resp.headers["X-Correlation-Id"] == "act-7"
    assert [r["correlation_id"] for r in records(json_logs)] == ["act-7"]


async def test_requests_get_fresh_ids_and_do_not_inherit_each_others(client, json_logs) -> None:
    # two requests on one keep-alive connection (one server task): ids must not leak across
    first = await client.get("/healthz")
    second = await client.post("/api/messages", data=b"{", headers={"X-Correlation-Id": "x" * 500})
    ids = {first.headers["X-Correlation-Id"], second.headers["X-Correlation-Id"]}
    assert len(ids) == 2 and all(len(i) == 32 for i in ids)  # an over-long id is replaced
    assert correlation_id.get() is None


def test_json_formatter_survives_any_text() -> None:
    record = logging.LogRecord("t", logging.WARNING, __file__, 1, "bad \ud800 %s", ("\x00",), None)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "bad \ud800 \x00" and entry["correlation_id"] is None


def test_caller_ids_are_kept_only_when_plausible() -> None:
    assert new_correlation_id("f:1700000000000") == "f:1700000000000"
    for odd in (None, "", "a b", "x\ny", "é", "x" * 129):
        assert len(new_correlation_id(odd)) == 32


def test_text_format_for_a_terminal() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = setup_logging("INFO", "text", stream)
    try:
        token = correlation_id.set("abc")
        logging.getLogger("t").warning("hello", extra={"error_id": "e1"})
        correlation_id.reset(token)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    line = stream.getvalue().strip()
    assert "WARNING t [abc] hello (error id e1)" in line
    with pytest.raises(ValueError):
        setup_logging("INFO", "xml")


# --------------------------------------------------------------------------- readiness


async def test_readyz_ok(client) -> None:
    resp = await client.get("/readyz")
    assert resp.status == 200
    data = await resp.json()
    assert data["status"] == "ready" and data["store"] == "ok"


async def test_readyz_503_when_the_store_is_closed(client) -> None:
    client.server.app[DESK].store.close()
    resp = await client.get("/readyz")
    assert resp.status == 503
    data = await resp.json()
    assert data["status"] == "unavailable" and "store" in data["reason"]
    assert (await client.get("/healthz")).status == 200  # alive all the same: not restarted


async def test_readyz_503_when_the_store_hangs(client, monkeypatch) -> None:
    import app as app_module

    monkeypatch.setattr(app_module, "READY_TIMEOUT_SECONDS", 0.1)
    store = client.server.app[DESK].store
    monkeypatch.setattr(store, "get_setting", lambda key: __import__("time").sleep(0.5))
    resp = await client.get("/readyz")
    assert resp.status == 503
    assert "did not answer" in (await resp.json())["reason"]


async def test_readyz_503_when_the_delivery_worker_has_stopped(client) -> None:
    app = client.server.app
    app[DESK].worker.stop()
    await asyncio.wait_for(asyncio.shield(app[WORKER_TASK]), 10)
    resp = await client.get("/readyz")
    assert resp.status == 503
    assert "worker" in (await resp.json())["reason"]


# --------------------------------------------------------------------------- shutdown


async def test_a_turn_in_flight_completes_while_the_app_shuts_down(
    settings, catalogue, connector, caplog
) -> None:
    """The connector is slow to take the reply: shutdown begins meanwhile. The turn still
    finishes (its reply is delivered, its state saved, the request answered), readiness fails
    from the start of the shutdown, and the store is closed only after the turn is done."""
    gate, reached = asyncio.Event(), asyncio.Event()

    async def held(request: web.Request) -> web.Response:
        reached.set()
        await gate.wait()
        connector.sent.append(await request.json())
        return web.json_response({"id": "sent-1"})

    slow = web.Application()
    slow.router.add_post("/v3/conversations/{cid}/activities/{aid}", held)
    slow_server = TestServer(slow, host="127.0.0.1")
    await slow_server.start_server()

    app = create_app(settings, catalogue=catalogue)
    server = TestServer(app, host="127.0.0.1")
    client = TestClient(server)
    await client.start_server()
    closed_after: list[int] = []
    store = app[DESK].store
    close = store.close

    def close_and_count() -> None:
        closed_after.append(len(connector.sent))  # replies delivered when the store closes
        close()

    store.close = close_and_count  # type: ignore[method-assign]
    body = activity(SimpleNamespace(url=str(slow_server.make_url("/"))), "controllers?")
    try:
        async with aiohttp.ClientSession() as session:
            posting = asyncio.create_task(
                session.post(str(server.make_url("/api/messages")), json=body)
            )
            await asyncio.wait_for(reached.wait(), 10)  # the turn is sending its reply
            stopping = asyncio.create_task(server.close())  # what SIGTERM starts
            await asyncio.sleep(0.3)
            assert not stopping.done() and not closed_after
            assert app[STOPPING].is_set()  # readiness is off from the start
            gate.set()  # the connector takes the reply: the turn can finish
            resp = await asyncio.wait_for(posting, 10)
            assert resp.status == 201
            await asyncio.wait_for(stopping, 10)
    finally:
        gate.set()
        await client.close()
        await slow_server.close()
    assert closed_after == [1]
    assert "Controllers network" in replies_text(connector)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
