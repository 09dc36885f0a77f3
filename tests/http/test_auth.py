"""Authentication proven offline: with ``MicrosoftAppId`` set, /api/messages takes only requests
carrying a valid Bot Framework token, and no secret or token ever reaches a log line.

How this runs without the network:

- The Bot Framework's token service is played on loopback (``KeyIssuer``): an OpenID metadata
  document and a JWKS with RSA keys generated here, endorsed for ``msteams`` like the real ones.
  The app reads its address from ``TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL`` (Settings ->
  ``app.auth_config`` -> botbuilder); everything else is botbuilder's real validation, with the
  public cloud's issuer, audience and serviceUrl checks (the keys are fetched by
  bot/teams/signing_keys.py). The issuer runs in its own thread, so that it answers even if a
  fetch were to block the event loop.
- Replies need an outgoing token, which botbuilder gets from login.microsoftonline.com with
  MSAL (``MicrosoftAppCredentials.get_access_token``). That one method is replaced (``aad``):
  it checks the credentials botbuilder built (app id, password, scope) and returns a token of
  its own, which the connector stub must then receive as ``Authorization: Bearer ...``.
- ``offline`` refuses (and records) any name lookup or connection that is not loopback, and
  fails the test if one was tried.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import hmac
import json
import logging
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient, TestServer
from botframework.connector.auth import AuthenticationConstants, MicrosoftAppCredentials
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

import app as app_module
from app import auth_config, create_app
from bot.core.catalogue import Catalogue
from bot.settings import Settings, SettingsError
from bot.teams.signing_keys import UNKNOWN_KEY_REFRESH_SECONDS, SigningKeys
from tests.support.connector import ConnectorStub, activity, replies_text

APP_ID = "00000000-aaaa-4bbb-8ccc-000000000001"
APP_PASSWORD = "s3cr3t-value-Xy9~never-to-be-logged"
SMTP_PASSWORD = "smtp-s3cr3t-value-also-never-logged"
ISSUER = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER  # https://api.botframework.com
TEAMS_KID = "bf-key-teams"
WEBCHAT_KID = "bf-key-webchat"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


# --------------------------------------------------------------------------- keys and tokens


@dataclasses.dataclass(frozen=True)
class Keys:
    teams: rsa.RSAPrivateKey  # published, endorsed for msteams
    webchat: rsa.RSAPrivateKey  # published, endorsed for webchat only
    stranger: rsa.RSAPrivateKey  # never published
    outgoing: rsa.RSAPrivateKey  # signs the stubbed AAD token

    def jwks(self) -> dict[str, Any]:
        return {
            "keys": [
                _jwk(self.teams, TEAMS_KID, ["msteams", "webchat", "directline"]),
                _jwk(self.webchat, WEBCHAT_KID, ["webchat"]),
            ]
        }


def _jwk(key: rsa.RSAPrivateKey, kid: str, endorsements: list[str]) -> dict[str, Any]:
    """A key as login.botframework.com publishes it (n, e, kid, use, endorsements)."""
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "use": "sig", "endorsements": endorsements}


@pytest.fixture(scope="session")
def keys() -> Keys:
    def new() -> rsa.RSAPrivateKey:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    return Keys(new(), new(), new(), new())


def claims(service_url: str, **overrides: Any) -> dict[str, Any]:
    """The claims of a token the Bot Framework sends a bot (Teams channel)."""
    now = int(time.time())
    base = {
        "serviceurl": service_url,
        "nbf": now - 60,
        "exp": now + 3600,
        "iss": ISSUER,
        "aud": APP_ID,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(key: rsa.RSAPrivateKey, payload: dict[str, Any], kid: str = TEAMS_KID) -> str:
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(payload: dict[str, Any], kid: str = TEAMS_KID) -> str:
    """alg "none": no signature at all."""
    header = {"alg": "none", "typ": "JWT", "kid": kid}
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}."


def hs256_with_public_key(key: rsa.RSAPrivateKey, payload: dict[str, Any]) -> str:
    """The algorithm-confusion attack: HMAC with the published public key as the secret."""
    secret = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": TEAMS_KID}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


# --------------------------------------------------------------------------- the key issuer


class KeyIssuer:
    """login.botframework.com on loopback: /<id>/.well-known/openid-configuration and
    /<id>/keys, served from a thread (botbuilder's fetch blocks the event loop). The path is
    new for every test, since botbuilder caches keys per metadata URL for a day."""

    def __init__(self, jwks: dict[str, Any], failure: str = "", delay: float = 0.0) -> None:
        self.jwks = jwks
        self.delay = delay  # seconds before each answer: a slow key host
        self.failure = failure  # "" | "500" (every answer) | "keys gone" (JWKS address dead)
        self.prefix = f"/{uuid.uuid4().hex}"
        self.hits: list[str] = []
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.hits.append(self.path)
                time.sleep(issuer.delay)
                base = f"http://127.0.0.1:{self.server.server_address[1]}{issuer.prefix}"
                if issuer.failure == "500":
                    self.send_error(500)
                    return
                if self.path == f"{issuer.prefix}/.well-known/openid-configuration":
                    jwks_uri = f"{base}/keys"
                    if issuer.failure == "keys gone":
                        jwks_uri = closed_port_url().replace("openid-configuration", "keys")
                    document = {
                        "issuer": ISSUER,
                        "jwks_uri": jwks_uri,
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                    }
                elif self.path == f"{issuer.prefix}/keys":
                    document = issuer.jwks
                else:
                    self.send_error(404)
                    return
                data = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # no stderr noise

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def metadata_url(self) -> str:
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}{self.prefix}/.well-known/openid-configuration"

    def __enter__(self) -> KeyIssuer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def issuer(keys: Keys) -> Iterator[KeyIssuer]:
    with KeyIssuer(keys.jwks()) as running:
        yield running


def closed_port_url() -> str:
    """A loopback address where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/{uuid.uuid4().hex}/.well-known/openid-configuration"


# --------------------------------------------------------------------------- no network


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Name lookups and connections beyond loopback are refused and recorded."""
    attempts: list[str] = []
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name not in LOOPBACK:
            attempts.append(f"lookup {name}")
            raise OSError(f"offline test: no lookup of {name}")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            attempts.append(f"connect {address[0]}")
            raise OSError(f"offline test: no connection to {address[0]}")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    yield attempts
    assert attempts == [], f"the test tried to reach the network: {attempts}"


# --------------------------------------------------------------------------- AAD, stubbed

OUTGOING_SCOPE = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE


@dataclasses.dataclass
class Aad:
    token: str
    calls: list[dict[str, Any]] = dataclasses.field(default_factory=list)


@pytest.fixture
def aad(keys: Keys, monkeypatch: pytest.MonkeyPatch) -> Aad:
    """Replaces the one SDK method that asks login.microsoftonline.com for the bot's outgoing
    token (MSAL client credentials): it records the credentials botbuilder built and returns
    a token shaped like AAD's."""
    now = int(time.time())
    token = jwt.encode(
        {"aud": OUTGOING_SCOPE, "appid": APP_ID, "iat": now, "exp": now + 3600},
        keys.outgoing,
        algorithm="RS256",
        headers={"kid": "aad-key"},
    )
    stub = Aad(token)

    def get_access_token(self: MicrosoftAppCredentials, force_refresh: bool = False) -> str:
        stub.calls.append(
            {
                "app_id": self.microsoft_app_id,
                "password_ok": self.microsoft_app_password == APP_PASSWORD,
                "scope": self.oauth_scope,
                "authority": self.oauth_endpoint,
            }
        )
        return stub.token

    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", get_access_token)
    return stub


# --------------------------------------------------------------------------- the app


@pytest.fixture
def auth_settings(settings: Settings, issuer: KeyIssuer) -> Settings:
    return dataclasses.replace(
        settings,
        app_id=APP_ID,
        app_password=APP_PASSWORD,
        openid_metadata_url=issuer.metadata_url,
    )


@pytest.fixture
async def auth_client(
    auth_settings: Settings, catalogue: Catalogue, offline, aad
) -> AsyncIterator[TestClient]:
    server = TestServer(create_app(auth_settings, catalogue=catalogue), host="127.0.0.1")
    async with TestClient(server) as c:
        yield c


async def post(client: TestClient, body: dict[str, Any], token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await client.post("/api/messages", json=body, headers=headers)


# --------------------------------------------------------------------------- the tests


async def test_a_valid_token_is_answered_with_the_bots_own_token(
    auth_client, connector: ConnectorStub, keys: Keys, aad: Aad, issuer: KeyIssuer
) -> None:
    token = sign(keys.teams, claims(connector.url))
    resp = await post(auth_client, activity(connector, "is there a group for controllers?"), token)
    assert resp.status in (200, 201)
    assert "Controllers network" in replies_text(connector)
    # the reply carried the bot's outgoing token, got for the bot's app id and password
    assert connector.authorizations == [f"Bearer {aad.token}"]
    assert aad.calls and all(
        c["app_id"] == APP_ID and c["password_ok"] and c["scope"] == OUTGOING_SCOPE
        for c in aad.calls
    )
    # the keys came from the loopback issuer: metadata, then JWKS
    assert issuer.hits[:2] == [
        f"{issuer.prefix}/.well-known/openid-configuration",
        f"{issuer.prefix}/keys",
    ]


async def test_keys_are_fetched_once_for_many_requests(
    auth_client, connector: ConnectorStub, keys: Keys, issuer: KeyIssuer
) -> None:
    for i in range(3):
        token = sign(keys.teams, claims(connector.url))
        resp = await post(auth_client, activity(connector, "hello", id=f"m-{i}"), token)
        assert resp.status in (200, 201)
    assert len(issuer.hits) == 2


def bad_tokens(keys: Keys, service_url: str) -> dict[str, str | None]:
    """Every way a request can fail to prove it comes from the Bot Framework."""
    now = int(time.time())
    good = claims(service_url)
    return {
        "no token": None,
        "empty bearer": "",
        "not a JWT": "not-a-jwt",
        "signed with another key, published key id": sign(keys.stranger, good),
        "signed with another key, unknown key id": sign(keys.stranger, good, kid="other"),
        "expired": sign(keys.teams, claims(service_url, nbf=now - 7200, exp=now - 3600)),
        "not yet valid": sign(keys.teams, claims(service_url, nbf=now + 3600)),
        "no expiry": sign(keys.teams, claims(service_url, exp=None)),
        "wrong audience": sign(keys.teams, claims(service_url, aud="another-bot")),
        "no audience": sign(keys.teams, claims(service_url, aud=None)),
        "wrong issuer": sign(keys.teams, claims(service_url, iss="https://evil.example.com")),
        "no issuer": sign(keys.teams, claims(service_url, iss=None)),
        "alg none": unsigned(good),
        "HS256 with the public key": hs256_with_public_key(keys.teams, good),
        "key not endorsed for msteams": sign(keys.webchat, good, kid=WEBCHAT_KID),
        "serviceurl claim for another host": sign(
            keys.teams, claims("https://smba.trafficmanager.net/emea/")
        ),
        "no serviceurl claim": sign(keys.teams, claims(service_url, serviceurl=None)),
        "tampered payload": _tamper(sign(keys.teams, good)),
    }


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims_ = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims_["aud"] = "another-bot"
    return f"{header}.{_b64(json.dumps(claims_).encode())}.{signature}"


@pytest.mark.parametrize(
    "case",
    [
        "no token",
        "empty bearer",
        "not a JWT",
        "signed with another key, published key id",
        "signed with another key, unknown key id",
        "expired",
        "not yet valid",
        "no expiry",
        "wrong audience",
        "no audience",
        "wrong issuer",
        "no issuer",
        "alg none",
        "HS256 with the public key",
        "key not endorsed for msteams",
        "serviceurl claim for another host",
        "no serviceurl claim",
        "tampered payload",
    ],
)
async def test_a_bad_token_is_refused_and_the_bot_does_nothing(
    auth_client, connector: ConnectorStub, keys: Keys, aad: Aad, case: str
) -> None:
    token = bad_tokens(keys, connector.url)[case]
    resp = await post(auth_client, activity(connector, "is there a group for controllers?"), token)
    assert resp.status == 401, case
    assert await resp.json() == {"error": "unauthorized"}
    assert connector.sent == [] and connector.updated == []
    assert aad.calls == []  # not even an outgoing token was asked for


async def test_other_authorization_schemes_are_refused(
    auth_client, connector: ConnectorStub, keys: Keys
) -> None:
    token = sign(keys.teams, claims(connector.url))
    for header in (f"Basic {token}", token, f"Bearer {token} extra", f"bearer  {token}"):
        resp = await auth_client.post(
            "/api/messages", json=activity(connector), headers={"Authorization": header}
        )
        assert resp.status == 401, header
    assert connector.sent == []


async def test_an_invoke_with_a_bad_token_is_refused(
    auth_client, connector: ConnectorStub, keys: Keys
) -> None:
    body = activity(
        connector,
        None,
        type="invoke",
        name="composeExtension/query",
        value={"commandId": "findCommunity", "parameters": [{"name": "query", "value": "x"}]},
    )
    resp = await post(auth_client, body, sign(keys.stranger, claims(connector.url)))
    assert resp.status == 401
    resp = await post(auth_client, body, sign(keys.teams, claims(connector.url)))
    assert resp.status == 200 and "composeExtension" in await resp.json()


@pytest.mark.parametrize("down", ["metadata", "keys", "metadata answers 500"])
async def test_signing_keys_out_of_reach_is_503_not_500(
    settings: Settings,
    catalogue: Catalogue,
    connector: ConnectorStub,
    keys: Keys,
    aad: Aad,
    offline,
    down: str,
) -> None:
    context: KeyIssuer | None = None
    if down == "metadata":
        url = closed_port_url()
    else:
        context = KeyIssuer(keys.jwks(), failure="keys gone" if down == "keys" else "500")
        url = context.__enter__().metadata_url
    try:
        app_settings = dataclasses.replace(
            settings, app_id=APP_ID, app_password=APP_PASSWORD, openid_metadata_url=url
        )
        app = create_app(app_settings, catalogue=catalogue)
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            token = sign(keys.teams, claims(connector.url))
            resp = await post(client, activity(connector), token)
            assert resp.status == 503
            assert "error" in await resp.json()
            # and the unauthenticated are still refused, not waved through
            resp = await post(client, activity(connector), None)
            assert resp.status == 401
    finally:
        if context is not None:
            context.__exit__(None, None, None)
    assert connector.sent == [] and aad.calls == []


# The issuer of the tokens the Emulator gets from the Bot Framework's own AAD tenant (v3.1, 1.0).
EMULATOR_ISSUER = "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"


def emulator_token(keys: Keys) -> str:
    """A token on botbuilder's Emulator path: an AAD issuer, ``appid`` the bot, no
    ``serviceurl`` claim (botbuilder checks none on that path)."""
    now = int(time.time())
    payload = {
        "iss": EMULATOR_ISSUER,
        "aud": APP_ID,
        "appid": APP_ID,
        "ver": "1.0",
        "nbf": now - 60,
        "exp": now + 3600,
    }
    return sign(keys.teams, payload)


@pytest.mark.parametrize("allowed", [False, True], ids=["production", "ALLOW_EMULATOR_TOKENS"])
async def test_emulator_tokens_are_refused_unless_development_allows_them(
    auth_settings: Settings,
    catalogue: Catalogue,
    issuer: KeyIssuer,
    connector: ConnectorStub,
    keys: Keys,
    aad: Aad,
    offline,
    allowed: bool,
) -> None:
    """The Emulator's keys are served by the loopback issuer too, so the only thing between
    such a token and a reply carrying the bot's own token to the request's serviceUrl is the
    app's rule: with authentication on, channel tokens only."""
    app_settings = dataclasses.replace(
        auth_settings,
        emulator_openid_metadata_url=issuer.metadata_url,
        allow_emulator_tokens=allowed,
    )
    app = create_app(app_settings, catalogue=catalogue)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        resp = await post(client, activity(connector, "hello"), emulator_token(keys))
        if allowed:
            assert resp.status in (200, 201)
            assert connector.authorizations == [f"Bearer {aad.token}"]
            return
        assert resp.status == 401
        assert connector.sent == [] and aad.calls == []
        # a channel token still goes through
        resp = await post(
            client, activity(connector, "hello"), sign(keys.teams, claims(connector.url))
        )
        assert resp.status in (200, 201)


def test_the_emulator_settings() -> None:
    assert Settings.from_env({}).allow_emulator_tokens is False
    url = "http://127.0.0.1:9/.well-known/openid-configuration"
    env = {"ALLOW_EMULATOR_TOKENS": "true", "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL": url}
    settings = Settings.from_env(env)
    assert settings.allow_emulator_tokens is True
    assert url == auth_config(settings).TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
    with pytest.raises(SettingsError, match="TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL"):
        Settings.from_env({"TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL": "http://evil.example/"})


def test_without_a_metadata_url_the_public_clouds_keys_and_checks_are_used() -> None:
    config = auth_config(Settings(app_id=APP_ID, app_password=APP_PASSWORD))
    assert config.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL == (
        "https://login.botframework.com/v1/.well-known/openidconfiguration"
    )
    assert config.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER == "https://api.botframework.com"
    assert config.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE == "https://api.botframework.com"
    assert config.TO_CHANNEL_FROM_BOT_LOGIN_URL == "https://login.microsoftonline.com/"
    assert config.CALLER_ID == "urn:botframework:azure"
    assert (config.APP_ID, config.APP_PASSWORD) == (APP_ID, APP_PASSWORD)


def test_the_metadata_url_setting() -> None:
    url = "http://127.0.0.1:9/.well-known/openid-configuration"
    env = {"TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": url}
    assert Settings.from_env(env).openid_metadata_url == url
    config = auth_config(Settings.from_env(env))
    assert vars(config)["TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL"] == url

    with pytest.raises(SettingsError, match="TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL"):
        Settings.from_env({"TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": "http://evil.example/"})


# --------------------------------------------------------------------------- no secret in logs

NOISY_LOGGERS = [
    "",
    "interact",
    "botbuilder",
    "botframework",
    "msrest",
    "msal",
    "urllib3",
    "requests",
    "aiohttp",
    "asyncio",
    "azure",
]


async def test_no_secret_or_token_reaches_a_log_line_or_an_answer(
    tmp_path, monkeypatch, caplog, connector: ConnectorStub, keys: Keys, aad: Aad, issuer, offline
) -> None:
    for name in NOISY_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    env = {
        "MicrosoftAppId": APP_ID,
        "MicrosoftAppType": "MultiTenant",
        "MicrosoftAppPassword": APP_PASSWORD,
        "SMTP_USERNAME": "bot@interact.example",
        "SMTP_PASSWORD": SMTP_PASSWORD,
        "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": issuer.metadata_url,
        "ASSISTANT_DB": str(tmp_path / "assistant.sqlite3"),
        "ASSISTANT_TODAY": "2026-11-24",
        "LOG_LEVEL": "DEBUG",
        "HOST": "127.0.0.1",
        "PORT": "0",  # main() binds before it serves: any free port
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    started: dict[str, Any] = {}
    monkeypatch.setattr(app_module.web, "run_app", lambda a, **kw: started.setdefault("app", a))
    app_module.main()  # the real start-up: environment -> settings -> logging -> app

    good = sign(keys.teams, claims(connector.url))
    bad = {k: v for k, v in bad_tokens(keys, connector.url).items() if v}
    answers: list[str] = []
    async with TestClient(TestServer(started["app"], host="127.0.0.1")) as client:
        for i, token in enumerate([good, *bad.values()]):
            resp = await post(
                client, activity(connector, "is there a group for controllers?", id=f"m{i}"), token
            )
            answers.append(await resp.text())
        # a failing turn (its stack trace is logged) with a valid token
        from app import CONTENT

        def boom(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError(f"failed while holding {good} and {APP_PASSWORD}")

        monkeypatch.setattr(client.server.app[CONTENT].current, "respond", boom)
        resp = await post(client, activity(connector, "auditors", id="boom"), good)
        answers.append(await resp.text())
        # a secret sent as the Authorization header itself
        resp = await client.post(
            "/api/messages",
            json=activity(connector),
            headers={"Authorization": f"Basic {APP_PASSWORD}"},
        )
        answers.append(await resp.text())
    assert "Controllers network" in replies_text(connector)  # the valid one was answered
    assert any(r.exc_info or r.exc_text for r in caplog.records)  # the failure was logged

    logged = "\n".join(
        [caplog.text]
        + [f"{r.getMessage()}\n{r.exc_text or ''}\n{r.stack_info or ''}" for r in caplog.records]
    )
    sent = json.dumps(connector.sent) + json.dumps(connector.updated)
    secrets = {
        "app password": APP_PASSWORD,
        "smtp password": SMTP_PASSWORD,
        "valid token": good,
        "outgoing token": aad.token,
        **{f"token: {k}": v for k, v in bad.items() if len(v) > 20},
    }
    for what, secret in secrets.items():
        assert secret not in logged, f"{what} in the logs"
        assert all(secret not in a for a in answers), f"{what} in an HTTP answer"
        assert secret not in sent, f"{what} sent to the user"
    # and the tokens' signatures, the part that makes them usable, appear nowhere either
    for what, secret in secrets.items():
        if secret.count(".") == 2 and secret.rsplit(".", 1)[1]:
            assert secret.rsplit(".", 1)[1] not in logged, f"{what}'s signature in the logs"


async def test_a_slow_key_host_does_not_freeze_other_requests(
    auth_client, connector: ConnectorStub, keys: Keys, issuer: KeyIssuer
) -> None:
    issuer.delay = 1.0  # metadata and keys: two seconds in all
    token = sign(keys.teams, claims(connector.url))
    message = asyncio.create_task(post(auth_client, activity(connector, "auditors"), token))
    started = time.monotonic()
    await asyncio.sleep(0.3)  # the key fetch is under way (a frozen loop wakes only after it)
    health = await auth_client.get("/healthz")
    assert health.status == 200
    assert time.monotonic() - started < 1.2  # answered while the keys were still coming
    assert (await message).status in (200, 201)
    assert "Auditors network" in replies_text(connector)


# --------------------------------------------------------------------------- key rotation

NEW_KID = "bf-key-rotated"


@dataclasses.dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The signing-key cache's clock, moved by hand."""
    fake = Clock()
    monkeypatch.setattr(SigningKeys, "clock", staticmethod(fake))
    return fake


def rotated(keys: Keys, new: rsa.RSAPrivateKey) -> dict[str, Any]:
    """The JWKS after the Bot Framework published a new key next to the old ones."""
    published = keys.jwks()
    return {"keys": [*published["keys"], _jwk(new, NEW_KID, ["msteams", "webchat"])]}


async def test_a_token_signed_with_a_newly_published_key_is_accepted(
    auth_client, connector: ConnectorStub, keys: Keys, issuer: KeyIssuer, clock: Clock
) -> None:
    resp = await post(
        auth_client, activity(connector, "auditors", id="m-1"), _good(keys, connector)
    )
    assert resp.status in (200, 201) and len(issuer.hits) == 2
    clock.now += UNKNOWN_KEY_REFRESH_SECONDS + 1  # a while later, the host rotates its keys
    issuer.jwks = rotated(keys, keys.stranger)
    token = sign(keys.stranger, claims(connector.url), kid=NEW_KID)
    resp = await post(auth_client, activity(connector, "controllers", id="m-2"), token)
    assert resp.status in (200, 201)  # refreshed for the unknown key id, not refused for a day
    assert len(issuer.hits) == 4
    # a made-up key id right after is refused without asking the host again
    resp = await post(
        auth_client,
        activity(connector, "auditors", id="m-3"),
        sign(keys.stranger, claims(connector.url), kid="made-up"),
    )
    assert resp.status == 401 and len(issuer.hits) == 4
    # and the keys published before still work
    resp = await post(
        auth_client, activity(connector, "auditors", id="m-4"), _good(keys, connector)
    )
    assert resp.status in (200, 201) and len(issuer.hits) == 4
    assert "Controllers network" in replies_text(connector)


async def test_unknown_key_ids_refresh_the_keys_at_most_every_few_minutes(
    auth_client, connector: ConnectorStub, keys: Keys, issuer: KeyIssuer, clock: Clock
) -> None:
    for i in range(6):
        token = sign(keys.stranger, claims(connector.url), kid=f"made-up-{i}")
        resp = await post(auth_client, activity(connector, id=f"m-{i}"), token)
        assert resp.status == 401
        clock.now += UNKNOWN_KEY_REFRESH_SECONDS / 4
    assert len(issuer.hits) == 4  # the first fetch, and one refresh a few minutes later
    assert connector.sent == []


async def test_cold_requests_share_one_key_fetch(
    auth_client, connector: ConnectorStub, keys: Keys, issuer: KeyIssuer
) -> None:
    issuer.delay = 0.2
    answers = await asyncio.gather(
        *(
            post(auth_client, activity(connector, "hello", id=f"m-{i}"), _good(keys, connector))
            for i in range(24)
        )
    )
    assert [a.status in (200, 201) for a in answers] == [True] * 24
    assert len(issuer.hits) == 2  # metadata and keys, once


async def test_day_old_keys_are_served_while_they_are_refreshed(
    auth_client, connector: ConnectorStub, keys: Keys, issuer: KeyIssuer, clock: Clock
) -> None:
    resp = await post(auth_client, activity(connector, id="m-1"), _good(keys, connector))
    assert resp.status in (200, 201)
    clock.now += 25 * 3600
    issuer.delay = 1.0  # a slow refresh: nobody waits for it
    started = time.monotonic()
    resp = await post(auth_client, activity(connector, id="m-2"), _good(keys, connector))
    assert resp.status in (200, 201) and time.monotonic() - started < 0.9
    issuer.failure = "500"  # the refresh fails: the old keys stay in use, no 503
    await asyncio.sleep(2.2)
    clock.now += 25 * 3600
    for i in range(3, 6):
        resp = await post(auth_client, activity(connector, id=f"m-{i}"), _good(keys, connector))
        assert resp.status in (200, 201)


def _good(keys: Keys, connector: ConnectorStub) -> str:
    return sign(keys.teams, claims(connector.url))
