"""Where the store is: plain values that ``bot.settings`` builds and ``factory.open_store`` opens
(no SDK imported here, so reading the configuration never needs azure-storage-blob)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CONTAINER = "interact-assistant"


@dataclass(frozen=True)
class SqliteConfig:
    """The embedded SQLite file (created, with its folder, on first use)."""

    path: Path


@dataclass(frozen=True)
class BlobConfig:
    """A container on Azure Blob Storage, shared by several instances: reached with a
    connection string (an account key) or, without a secret, with the account's URL and the
    host's Azure identity (``DefaultAzureCredential``)."""

    connection_string: str = field(repr=False)  # a secret: never shown; "" with account_url
    container: str = DEFAULT_CONTAINER
    account_url: str = ""  # https://ACCOUNT.blob.core.windows.net


StoreConfig = SqliteConfig | BlobConfig
