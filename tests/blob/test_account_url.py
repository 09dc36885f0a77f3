"""The Blob store without a secret: AZURE_STORAGE_ACCOUNT_URL and the host's Azure identity
(DefaultAzureCredential). Azurite runs over HTTPS with OAuth checks on; the identity is a
managed identity whose token endpoint (IDENTITY_ENDPOINT, as App Service gives it) is a stub
here, so the whole path runs: settings -> store config -> DefaultAzureCredential -> managed
identity token -> Bearer request checked by the storage service."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.settings import Settings
from bot.tickets.store.factory import open_store
from bot.tickets.store.sqlite import StoreError
from tests.support import azurite

pytest.importorskip("azure.identity")  # the azure extra

TENANT = "11111111-2222-4333-8444-555555555555"


def _b64(doc: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode()


def token(audience: str) -> str:
    """A JWT as Microsoft Entra ID issues for storage (Azurite's basic OAuth checks issuer,
    audience and lifetime, not the signature)."""
    now = int(time.time())
    claims = {
        "aud": audience,
        "iss": f"https://sts.windows.net/{TENANT}/",
        "iat": now - 60,
        "nbf": now - 60,
        "exp": now + 3600,
        "tid": TENANT,
    }
    return f"{_b64({'alg': 'RS256', 'typ': 'JWT'})}.{_b64(claims)}.signature"


class IdentityEndpoint(BaseHTTPRequestHandler):
    """The token endpoint an Azure host gives its managed identity."""

    audience: ClassVar[str] = "https://storage.azure.com"
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        IdentityEndpoint.asked.append(self.path)
        body = json.dumps(
            {
                "access_token": token(IdentityEndpoint.audience),
                "expires_on": str(int(time.time()) + 3600),
                "resource": "https://storage.azure.com",
                "token_type": "Bearer",
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def https_azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The account URL of an Azurite that takes only HTTPS and checks Bearer tokens, and the
    certificate to trust."""
    if not shutil.which("openssl"):
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("azurite-https")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    options = ("--cert", str(cert), "--key", str(key), "--oauth", "basic")
    proc, port = azurite.start(folder, *options, scheme="https")
    try:
        yield f"https://127.0.0.1:{port}/{azurite.ACCOUNT}", cert
    finally:
        azurite.stop(proc)


@pytest.fixture
def managed_identity(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[IdentityEndpoint]]:
    server = HTTPServer(("127.0.0.1", 0), IdentityEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "MSI_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"http://127.0.0.1:{server.server_port}/token")
    monkeypatch.setenv("IDENTITY_HEADER", "header-the-host-gives")
    IdentityEndpoint.asked = []
    IdentityEndpoint.audience = "https://storage.azure.com"
    yield IdentityEndpoint
    server.shutdown()
    server.server_close()


def settings_for(account_url: str, container: str) -> Settings:
    return Settings.from_env(
        {
            "ASSISTANT_STORE": "blob",
            "AZURE_STORAGE_ACCOUNT_URL": account_url,
            "AZURE_STORAGE_CONTAINER": container,
        }
    )


def test_the_store_works_with_the_hosts_identity_and_no_key(
    https_azurite: tuple[str, Path],
    managed_identity: type[IdentityEndpoint],
    container: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account_url, cert = https_azurite
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # trust the emulator's certificate
    settings = settings_for(account_url, container)
    with open_store(settings.store_config()) as store:
        store.set_setting("probe", {"written": "with a token"})
        assert store.get_setting("probe") == {"written": "with a token"}
    assert managed_identity.asked, "the token came from the host's managed identity"
    query = parse_qs(urlsplit(managed_identity.asked[0]).query)
    assert query["resource"] == ["https://storage.azure.com"]


def test_a_token_for_another_service_is_refused_by_the_storage(
    https_azurite: tuple[str, Path],
    managed_identity: type[IdentityEndpoint],
    container: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The token is what gets the store in; one the storage refuses is one line (StoreError:
    python app.py exits with code 6)."""
    account_url, cert = https_azurite
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    managed_identity.audience = "https://api.botframework.com"
    with pytest.raises(StoreError) as info:
        open_store(settings_for(account_url, container).store_config())
    assert str(info.value).startswith(f"cannot sign in to Azure Storage ({account_url}): ")
    assert "\n" not in str(info.value)
