"""Choosing the store: ASSISTANT_STORE, the Azure Storage connection string (a secret) and
container, and ``open_store``."""

from __future__ import annotations

import logging

import pytest

from bot.ops.redaction import install_log_redaction
from bot.settings import Settings, SettingsError
from bot.tickets.store.config import BlobConfig
from bot.tickets.store.factory import open_store
from bot.tickets.store.sqlite import SqliteStore

CONNECTION = (
    "DefaultEndpointsProtocol=https;AccountName=interact;"
    "AccountKey=c2VjcmV0LWtleS1zZWNyZXQta2V5LXNlY3JldA==;EndpointSuffix=core.windows.net"
)


def test_sqlite_is_the_default(tmp_path):
    settings = Settings.from_env({"ASSISTANT_DB": str(tmp_path / "a.sqlite3")})
    assert settings.store_backend == "sqlite"
    assert settings.azure_storage_container == "interact-assistant"
    with open_store(settings.store_config()) as store:
        assert isinstance(store, SqliteStore)


def test_blob_is_chosen_with_its_connection_string():
    settings = Settings.from_env(
        {
            "ASSISTANT_STORE": " Blob ",
            "AZURE_STORAGE_CONNECTION_STRING": CONNECTION,
            "AZURE_STORAGE_CONTAINER": "bot-state-2",
        }
    )
    assert settings.store_backend == "blob"
    assert settings.azure_storage_connection_string == CONNECTION
    assert settings.azure_storage_container == "bot-state-2"
    assert settings.store_config() == BlobConfig(CONNECTION, "bot-state-2")


def test_blob_is_chosen_with_an_account_url_and_no_secret():
    settings = Settings.from_env(
        {
            "ASSISTANT_STORE": "blob",
            "AZURE_STORAGE_ACCOUNT_URL": "https://interact.blob.core.windows.net",
        }
    )
    config = settings.store_config()
    assert isinstance(config, BlobConfig)
    assert config.account_url == "https://interact.blob.core.windows.net"
    assert config.connection_string == ""


def test_the_connection_string_is_not_in_the_repr():
    settings = Settings(store_backend="blob", azure_storage_connection_string=CONNECTION)
    assert "c2VjcmV0" not in repr(settings) and "AccountKey" not in repr(settings)


def test_the_connection_string_is_redacted_from_logs(caplog):
    install_log_redaction([CONNECTION])
    with caplog.at_level(logging.INFO):
        logging.getLogger("interact.test").info("connecting with %s", CONNECTION)
    assert "c2VjcmV0" not in caplog.text


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ASSISTANT_STORE": "cosmos"}, "ASSISTANT_STORE must be sqlite or blob"),
        (
            {"ASSISTANT_STORE": "blob"},
            "ASSISTANT_STORE=blob needs AZURE_STORAGE_ACCOUNT_URL .* or AZURE_STORAGE_CONNECTION",
        ),
        (
            {
                "ASSISTANT_STORE": "blob",
                "AZURE_STORAGE_ACCOUNT_URL": "https://interact.blob.core.windows.net",
                "AZURE_STORAGE_CONNECTION_STRING": CONNECTION,
            },
            "AZURE_STORAGE_ACCOUNT_URL and AZURE_STORAGE_CONNECTION_STRING are both set",
        ),
        (
            {"ASSISTANT_STORE": "blob", "AZURE_STORAGE_ACCOUNT_URL": "http://interact.example"},
            "AZURE_STORAGE_ACCOUNT_URL must be an https:// address",
        ),
        ({"AZURE_STORAGE_CONTAINER": "Upper"}, "AZURE_STORAGE_CONTAINER must be a container"),
        ({"AZURE_STORAGE_CONTAINER": "ab"}, "AZURE_STORAGE_CONTAINER"),
        ({"AZURE_STORAGE_CONTAINER": "a--b"}, "AZURE_STORAGE_CONTAINER"),
        ({"AZURE_STORAGE_CONTAINER": "-ab"}, "AZURE_STORAGE_CONTAINER"),
    ],
)
def test_bad_store_settings_are_refused(env, message):
    with pytest.raises(SettingsError, match=message) as info:
        Settings.from_env(env)
    assert "c2VjcmV0" not in str(info.value)
