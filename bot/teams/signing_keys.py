"""The incoming edge: the Bot Framework's token signing keys, fetched without blocking, once at a
time, and again as soon as a token names a key that was published since.

botbuilder's ``_OpenIdMetadata`` (one per OpenID metadata URL, cached by ``JwtTokenExtractor``)
fetches the metadata document and then its JWKS with blocking ``requests.get`` calls made in the
event loop, without a timeout; every request that finds the keys stale fetches them again, each
on its own (24 cold requests, 48 fetches); and a token that names an unknown key id raises
``IndexError`` in ``_find`` before the refresh meant for that case can run, so a token signed
with a newly published key is refused until the day-old cache expires.

``SigningKeys`` replaces it (``install`` puts it where botbuilder builds its metadata objects):

- one fetch at a time per metadata URL (single flight): every request that needs the keys while
  a fetch is under way awaits that same fetch; the fetch is aiohttp's, with a deadline, so no
  thread and no event-loop stall;
- keys older than a day are refreshed in the background while the old ones keep being served;
  if the refresh fails, the old ones stay in use;
- a token naming an unknown key id triggers a refresh, at most once every
  ``UNKNOWN_KEY_REFRESH_SECONDS`` (so made-up key ids cannot make the bot hammer the key host),
  and is then checked against the new keys, or refused (``UnknownSigningKey``, a 401);
- with no keys at all and the key host out of reach, ``SigningKeysUnavailable`` (a 503).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from botframework.connector.auth import jwt_token_extractor
from botframework.connector.auth.jwt_token_extractor import _OpenIdConfig, _OpenIdMetadata
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger("interact.signing_keys")

TIMEOUT_SECONDS = 10.0  # one fetch: metadata document and JWKS together
MAX_AGE_SECONDS = 24 * 3600.0  # refreshed in the background after a day, as botbuilder does
UNKNOWN_KEY_REFRESH_SECONDS = 300.0  # an unknown key id refreshes at most this often


class SigningKeysUnavailable(Exception):
    """The keys could not be fetched and none are known: the token cannot be checked now."""


class UnknownSigningKey(Exception):
    """The token names a key id the key host does not publish."""


class SigningKeys(_OpenIdMetadata):
    """botbuilder's ``_OpenIdMetadata`` interface (``get(key_id)`` -> ``_OpenIdConfig``)."""

    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.by_id: dict[str, dict[str, Any]] = {}
        self.fetched_at: float | None = None  # when the keys in use were fetched
        self.tried_at: float | None = None  # when the last fetch began
        self.fetches = 0
        self._inflight: asyncio.Task[None] | None = None

    async def get(self, key_id: str) -> _OpenIdConfig:
        now = self.clock()
        if self.fetched_at is None:
            await self._refreshing()  # nothing to serve meanwhile
        elif now - self.fetched_at > MAX_AGE_SECONDS:
            self._start_refresh()  # old keys are served meanwhile
        key = self.by_id.get(key_id)
        if key is None:
            if self._inflight is not None or self._may_refresh_for_unknown(now):
                await self._refreshing()
                key = self.by_id.get(key_id)
            if key is None:
                raise UnknownSigningKey(f"no published signing key has the id {key_id!r:.80}")
        return _OpenIdConfig(RSAAlgorithm.from_jwk(json.dumps(key)), key.get("endorsements", []))

    def _may_refresh_for_unknown(self, now: float) -> bool:
        return self.tried_at is None or now - self.tried_at >= UNKNOWN_KEY_REFRESH_SECONDS

    def _start_refresh(self) -> asyncio.Task[None]:
        task = self._inflight
        if task is None or task.done() or task.get_loop() is not asyncio.get_running_loop():
            self.tried_at = self.clock()
            task = asyncio.get_running_loop().create_task(self._refresh())
            task.add_done_callback(self._finished)
            self._inflight = task
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        if self._inflight is task:
            self._inflight = None
        if not task.cancelled() and task.exception() is not None and self.fetched_at is not None:
            log.warning(
                "could not refresh the signing keys, the old ones stay in use: %s",
                task.exception(),
            )

    async def _refreshing(self) -> None:
        """Await the fetch under way, or a new one; raise only if no keys are known."""
        try:
            await asyncio.shield(self._start_refresh())
        except SigningKeysUnavailable:
            if self.fetched_at is None:
                raise

    async def _refresh(self) -> None:
        self.fetches += 1
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.get(self.url, raise_for_status=True) as response:
                    jwks_uri = (await response.json(content_type=None))["jwks_uri"]
                async with session.get(jwks_uri, raise_for_status=True) as response:
                    keys = (await response.json(content_type=None))["keys"]
            by_id = {key["kid"]: key for key in keys if isinstance(key, dict) and "kid" in key}
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as exc:
            raise SigningKeysUnavailable(
                f"signing keys out of reach ({type(exc).__name__}: {exc})"
            ) from exc
        self.keys, self.by_id, self.fetched_at = list(by_id.values()), by_id, self.clock()


def install() -> None:
    """botbuilder builds ``SigningKeys`` where it built ``_OpenIdMetadata`` (its name is looked
    up when a metadata URL is first used). Idempotent; called by the composition root."""
    jwt_token_extractor._OpenIdMetadata = SigningKeys
