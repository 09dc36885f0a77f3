"""Request guards for ``POST /api/messages``, applied by ``app.py`` before the bot sees an
activity: whose tenant it is, where a reply may be sent when nobody vouches for the request, and
how fast one conversation may go. Pure functions over plain values, plus a small rate limiter.

No botbuilder here (the core rule): the handler passes the raw JSON body and plain strings.
"""

from __future__ import annotations

import enum
import ipaddress
import time
from collections import deque
from collections.abc import Callable, Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

RATE_LIMITED_TEXT = "You're sending messages faster than I can answer; please wait a moment."

# Where the Bot Framework's own connectors live (public cloud, and the US government clouds).
BOT_FRAMEWORK_HOSTS = frozenset(
    {
        "smba.trafficmanager.net",  # Teams
        "smba.infra.gcc.teams.microsoft.com",
        "smba.infra.gov.teams.microsoft.us",
        "smba.infra.dod.teams.microsoft.us",
    }
)
BOT_FRAMEWORK_DOMAINS = (".botframework.com", ".botframework.us")  # Web Chat, Direct Line ...


# --------------------------------------------------------------------------- tenants


def parse_tenants(raw: str) -> frozenset[str]:
    """``ALLOWED_TENANTS``: comma-separated tenant ids (AAD ids are compared without case)."""
    return frozenset(t.strip().lower() for t in raw.split(",") if t.strip())


def activity_tenants(body: Mapping[str, Any]) -> frozenset[str]:
    """Every tenant id an activity names: ``channelData.tenant.id`` (Teams) and
    ``conversation.tenantId``. Values of the wrong type are ignored, not trusted."""
    found: set[str] = set()
    channel_data = body.get("channelData")
    tenant = channel_data.get("tenant") if isinstance(channel_data, Mapping) else None
    tenant_id = tenant.get("id") if isinstance(tenant, Mapping) else None
    conversation = body.get("conversation")
    conversation_tenant = (
        conversation.get("tenantId") if isinstance(conversation, Mapping) else None
    )
    for value in (tenant_id, conversation_tenant):
        if isinstance(value, str) and value.strip():
            found.add(value.strip().lower())
    return frozenset(found)


def tenant_allowed(tenants: Collection[str], allowed: Collection[str]) -> bool:
    """No allow-list: everyone. Otherwise the activity must name a tenant, and every tenant it
    names must be on the list (a second, different id is not a way around it)."""
    if not allowed:
        return True
    return bool(tenants) and all(t in allowed for t in tenants)


# --------------------------------------------------------------------------- serviceUrl


def _host(url: object, schemes: Collection[str]) -> str | None:
    """The host name of ``url`` if it is a plain absolute URL with one of ``schemes``; None for
    anything a URL parser could read two ways (user info, backslashes, spaces, controls)."""
    if not isinstance(url, str) or not url.isprintable() or any(c in url for c in " \\@"):
        return None
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in schemes or not parts.hostname:
        return None
    return parts.hostname.lower()


def is_loopback_url(url: object) -> bool:
    """http(s) to this machine: ``localhost``, 127.0.0.0/8 or [::1] (not an IPv4-mapped
    IPv6 address such as [::ffff:7f00:1])."""
    host = _host(url, ("http", "https"))
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    # An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is loopback to Python 3.13 but not to
    # 3.11/3.12, and a resolver or proxy may route it elsewhere: refused on every version.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return False
    return address.is_loopback


def is_bot_framework_url(url: object) -> bool:
    """https to one of the Bot Framework's own connector hosts."""
    host = _host(url, ("https",))
    return host is not None and (
        host in BOT_FRAMEWORK_HOSTS or host.endswith(BOT_FRAMEWORK_DOMAINS)
    )


def service_url_allowed_without_auth(url: object) -> bool:
    """With authentication off nothing vouches for an activity's serviceUrl (with it on, the
    token's ``serviceurl`` claim must match, which botbuilder checks): replies may then only go
    to this machine (local testing, the Agents Playground) or to the Bot Framework itself, never
    to an address a forged request names."""
    return is_loopback_url(url) or is_bot_framework_url(url)


# --------------------------------------------------------------------------- rate limit


class Rate(enum.Enum):
    ALLOW = "allow"  # answer as usual
    WARN = "warn"  # over the limit for the first time in this window: say so, once
    DROP = "drop"  # still over the limit: ignore


class RateLimiter:
    """At most ``per_minute`` messages per conversation in any sliding minute (0: no limit).

    Refused messages do not count, so the conversation is answered again as soon as its oldest
    answered message is a minute old. Memory: one deque per conversation active in the last
    minute (idle ones are swept)."""

    def __init__(
        self, per_minute: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_minute = per_minute
        self.window = window
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._warned: set[str] = set()
        self._swept = clock()

    def check(self, key: str) -> Rate:
        if self.per_minute <= 0:
            return Rate.ALLOW
        now = self.clock()
        if now - self._swept >= self.window:
            self._sweep(now)
        times = self._seen.setdefault(key, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) < self.per_minute:
            times.append(now)
            self._warned.discard(key)
            return Rate.ALLOW
        if key in self._warned:
            return Rate.DROP
        self._warned.add(key)
        return Rate.WARN

    def __len__(self) -> int:
        """How many conversations are tracked (for tests of the sweep)."""
        return len(self._seen)

    def _sweep(self, now: float) -> None:
        for key in [k for k, t in self._seen.items() if not t or now - t[-1] >= self.window]:
            del self._seen[key]
            self._warned.discard(key)
        self._swept = now
