"""The bot's identity: SingleTenant and UserAssignedMSI (the recommended paths), MultiTenant only
when chosen. What each combination of settings builds in botbuilder (the credential factory
``ConfigurationBotFrameworkAuthentication`` makes from ``auth_config``), and the refusals."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from botbuilder.integration.aiohttp import ConfigurationServiceClientCredentialFactory
from botframework.connector.auth import (
    AuthenticationConstants,
    ManagedIdentityAppCredentials,
    MicrosoftAppCredentials,
)

from app import auth_config
from bot.cli import doctor
from bot.cli.doctor import Level
from bot.settings import Settings, SettingsError

APP_ID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
TENANT = "11111111-2222-4333-8444-555555555555"
LOGIN = AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX
SCOPE = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE

SINGLE = {
    "MicrosoftAppId": APP_ID,
    "MicrosoftAppType": "SingleTenant",
    "MicrosoftAppTenantId": TENANT,
    "MicrosoftAppPassword": "a-client-secret",
}
MSI = {
    "MicrosoftAppId": APP_ID,
    "MicrosoftAppType": "UserAssignedMSI",
    "MicrosoftAppTenantId": TENANT,
}
MULTI = {
    "MicrosoftAppId": APP_ID,
    "MicrosoftAppType": "MultiTenant",
    "MicrosoftAppPassword": "a-client-secret",
}


def serving(env: dict[str, str]) -> Settings:
    settings = Settings.from_env(env)
    settings.check_identity()
    return settings


def credentials(settings: Settings) -> Any:
    """The credentials botbuilder uses to call the Bot Connector for these settings."""
    factory = ConfigurationServiceClientCredentialFactory(auth_config(settings))
    return asyncio.run(factory.create_credentials(settings.app_id, SCOPE, LOGIN, True))


def test_single_tenant_asks_its_own_tenant_for_tokens() -> None:
    settings = serving({**SINGLE, "MicrosoftAppType": "singletenant"})
    assert settings.app_type == "SingleTenant"
    made = credentials(settings)
    assert type(made) is MicrosoftAppCredentials
    assert made.oauth_endpoint == f"https://login.microsoftonline.com/{TENANT}"
    assert (made.microsoft_app_id, made.microsoft_app_password) == (APP_ID, "a-client-secret")


def test_multi_tenant_chosen_explicitly_asks_the_bot_framework_tenant() -> None:
    made = credentials(serving(MULTI))
    assert type(made) is MicrosoftAppCredentials
    assert made.oauth_endpoint == "https://login.microsoftonline.com/botframework.com"


class IdentityEndpoint(BaseHTTPRequestHandler):
    """The token endpoint an Azure host gives a managed identity (IDENTITY_ENDPOINT)."""

    requests: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        IdentityEndpoint.requests.append((self.path, self.headers.get("X-IDENTITY-HEADER")))
        body = json.dumps(
            {
                "access_token": "token-of-the-managed-identity",
                "expires_on": "4102444800",
                "resource": SCOPE,
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


@pytest.fixture
def identity_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str | None]]]:
    server = HTTPServer(("127.0.0.1", 0), IdentityEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"http://127.0.0.1:{server.server_port}/token")
    monkeypatch.setenv("IDENTITY_HEADER", "header-the-host-gives")
    IdentityEndpoint.requests = []
    # a fresh token cache: botbuilder keeps one for the process
    cache = type(ManagedIdentityAppCredentials.global_token_cache)()  # msal's TokenCache
    monkeypatch.setattr(ManagedIdentityAppCredentials, "global_token_cache", cache)
    yield IdentityEndpoint.requests
    server.shutdown()
    server.server_close()


def test_a_managed_identity_gets_its_token_without_a_secret(identity_endpoint) -> None:
    settings = serving(MSI)
    assert settings.app_password == ""
    made = credentials(settings)
    assert type(made) is ManagedIdentityAppCredentials
    assert made.get_access_token() == "token-of-the-managed-identity"
    [(path, header)] = identity_endpoint
    assert f"client_id={APP_ID}" in path  # the identity's client id is MicrosoftAppId
    assert "resource=https%3A%2F%2Fapi.botframework.com" in path
    assert header == "header-the-host-gives"


def test_without_an_app_id_authentication_is_off() -> None:
    settings = serving({})
    assert not settings.auth_enabled and settings.app_type == ""
    factory = ConfigurationServiceClientCredentialFactory(auth_config(settings))
    assert asyncio.run(factory.is_authentication_disabled())


# --------------------------------------------------------------------------- refusals


def refused(env: dict[str, str]) -> str:
    settings = Settings.from_env(env)  # enough for python -m bot package
    with pytest.raises(SettingsError) as info:
        settings.check_identity()  # not enough to serve
    message = str(info.value)
    assert "\n" not in message and "a-client-secret" not in message
    return message


def test_no_silent_multi_tenant_default() -> None:
    message = refused({k: v for k, v in MULTI.items() if k != "MicrosoftAppType"})
    assert message.startswith("MicrosoftAppType must be set with MicrosoftAppId: SingleTenant")
    assert "UserAssignedMSI" in message and "MultiTenant" in message


@pytest.mark.parametrize(
    ("env", "start"),
    [
        (
            {**SINGLE, "MicrosoftAppTenantId": ""},
            "MicrosoftAppTenantId must be set with MicrosoftAppType=SingleTenant",
        ),
        (
            {**SINGLE, "MicrosoftAppPassword": ""},
            "MicrosoftAppPassword must be set with MicrosoftAppType=SingleTenant",
        ),
        (
            {**MSI, "MicrosoftAppTenantId": ""},
            "MicrosoftAppTenantId must be set with MicrosoftAppType=UserAssignedMSI",
        ),
        (
            {**MSI, "MicrosoftAppPassword": "a-client-secret"},
            "MicrosoftAppPassword must not be set with MicrosoftAppType=UserAssignedMSI",
        ),
        (
            {**MULTI, "MicrosoftAppPassword": ""},
            "MicrosoftAppPassword must be set with MicrosoftAppType=MultiTenant",
        ),
        (
            {**MULTI, "MicrosoftAppTenantId": TENANT},
            "MicrosoftAppTenantId is not used with MicrosoftAppType=MultiTenant",
        ),
        (
            {"MicrosoftAppPassword": "a-client-secret"},
            "MicrosoftAppId must be set when MicrosoftAppPassword is",
        ),
        ({"MicrosoftAppType": "SingleTenant"}, "MicrosoftAppId must be set when MicrosoftAppType"),
        ({"MicrosoftAppTenantId": TENANT}, "MicrosoftAppId must be set when MicrosoftAppTenantId"),
    ],
)
def test_incomplete_or_contradictory_identities_are_refused(
    env: dict[str, str], start: str
) -> None:
    assert refused(env).startswith(start)


@pytest.mark.parametrize(
    ("env", "start"),
    [
        ({**SINGLE, "MicrosoftAppType": "Single"}, "MicrosoftAppType must be SingleTenant"),
        ({**SINGLE, "MicrosoftAppTenantId": "contoso"}, "MicrosoftAppTenantId must be a GUID"),
    ],
)
def test_values_that_are_not_an_app_type_or_a_tenant_id(env: dict[str, str], start: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env(env)
    assert str(info.value).startswith(start)


# --------------------------------------------------------------------------- the doctor


def test_the_doctor_recommends_leaving_multi_tenant() -> None:
    [found] = doctor.identity(serving(MULTI))
    assert found.level is Level.WARNING
    assert "UserAssignedMSI" in found.fix and "SingleTenant" in found.fix
    for env in (SINGLE, MSI):
        [found] = doctor.identity(serving(env))
        assert found.level is Level.OK


def test_the_doctor_blocks_an_incomplete_identity() -> None:
    [found] = doctor.identity(Settings.from_env({**MSI, "MicrosoftAppTenantId": ""}))
    assert found.level is Level.BLOCKER
    assert found.text.startswith("MicrosoftAppTenantId must be set")
