"""tools/azurite/emulator.py's readiness check: it must recognise Azurite, not whatever server
happens to listen on the port it picked (another process may take a free port first)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tools.azurite.emulator import _answers


def _server(status: int, server_header: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response_only(status)
            self.send_header("Server", server_header)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def listening(request: pytest.FixtureRequest) -> Iterator[str]:
    status, header = request.param
    httpd = HTTPServer(("127.0.0.1", 0), _server(status, header))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/devstoreaccount1?comp=list"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize(
    "listening", [(403, "Azurite-Blob/3.37.0"), (200, "Azurite-Blob/3.37.0")], indirect=True
)
def test_azurite_is_recognised(listening: str) -> None:
    assert _answers(listening)


@pytest.mark.parametrize(
    "listening", [(404, "Python/3.11 aiohttp/3.9"), (403, "nginx"), (200, "")], indirect=True
)
def test_another_server_on_the_port_is_not_azurite(listening: str) -> None:
    assert not _answers(listening)


def test_nothing_listening() -> None:
    assert not _answers("http://127.0.0.1:9/devstoreaccount1?comp=list")
