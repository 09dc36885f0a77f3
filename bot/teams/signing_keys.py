"""The incoming edge: fetch the Bot Framework's signing keys without freezing the event loop.

botbuilder refreshes the token signing keys (OpenID metadata, then its JWKS, once a day and when
a token names an unknown key, at most once an hour) with blocking ``requests.get`` calls made
inside the event loop, with no timeout: while the key host is slow every conversation of the
instance waits, and a host that never answers freezes it for good. ``install`` replaces that one
method with the same two requests made in a worker thread, each with a timeout; a failure still
raises ``requests.RequestException``, which the app answers with 503.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import requests
from botframework.connector.auth.jwt_token_extractor import _OpenIdMetadata

TIMEOUT_SECONDS = 10.0


def _fetch(url: str, timeout: float) -> list[dict[str, Any]]:
    response = requests.get(url, timeout=timeout)
    response.raise_for_status()
    keys = requests.get(response.json()["jwks_uri"], timeout=timeout)
    keys.raise_for_status()
    return list(keys.json()["keys"])


async def _refresh(self: _OpenIdMetadata) -> None:
    self.keys = await asyncio.to_thread(_fetch, self.url, TIMEOUT_SECONDS)
    self.last_updated = dt.datetime.now()  # naive, as botbuilder compares it


def install() -> None:
    """Idempotent; called by the composition root."""
    _OpenIdMetadata._refresh = _refresh
