"""The pure request guards (bot.ops.guards) and the log redaction (bot.ops.redaction)."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ops.guards import (
    Rate,
    RateLimiter,
    activity_tenants,
    is_bot_framework_url,
    is_loopback_url,
    parse_tenants,
    service_url_allowed_without_auth,
    tenant_allowed,
)
from bot.ops.redaction import REDACTED, Redactor, install_log_redaction

# --------------------------------------------------------------------------- tenants


def test_parse_tenants() -> None:
    assert parse_tenants("") == frozenset()
    assert parse_tenants(" , ") == frozenset()
    assert parse_tenants("A-1, b-2 ,a-1") == frozenset({"a-1", "b-2"})


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"channelData": {"tenant": {"id": "T-1"}}}, {"t-1"}),
        ({"conversation": {"tenantId": "t-2"}}, {"t-2"}),
        (
            {"channelData": {"tenant": {"id": "t-1"}}, "conversation": {"tenantId": "t-2"}},
            {"t-1", "t-2"},
        ),
        ({}, set()),
        ({"channelData": None, "conversation": None}, set()),
        ({"channelData": "t-1", "conversation": ["t-1"]}, set()),
        ({"channelData": {"tenant": "t-1"}}, set()),
        ({"channelData": {"tenant": {"id": {"id": "t-1"}}}}, set()),
        ({"channelData": {"tenant": {"id": 7}}, "conversation": {"tenantId": " "}}, set()),
    ],
)
def test_activity_tenants(body, expected) -> None:
    assert activity_tenants(body) == frozenset(expected)


def test_tenant_allowed() -> None:
    assert tenant_allowed(frozenset(), frozenset())  # no list: everyone, even with no tenant
    assert tenant_allowed({"x"}, frozenset())
    allowed = frozenset({"t-1", "t-2"})
    assert tenant_allowed({"t-1"}, allowed)
    assert tenant_allowed({"t-1", "t-2"}, allowed)
    assert not tenant_allowed(set(), allowed)
    assert not tenant_allowed({"t-3"}, allowed)
    assert not tenant_allowed({"t-1", "t-3"}, allowed)


# --------------------------------------------------------------------------- serviceUrl


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:3978/",
        "http://LOCALHOST/",
        "https://localhost/api",
        "http://127.0.0.1:56150/_connector",
        "http://127.8.9.10/",
        "http://[::1]:3978/",
    ],
)
def test_loopback_urls(url) -> None:
    assert is_loopback_url(url)
    assert service_url_allowed_without_auth(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://smba.trafficmanager.net/emea/",
        "https://smba.trafficmanager.net/amer/",
        "https://webchat.botframework.com/",
        "https://europe.directline.botframework.com/",
        "https://smba.infra.gcc.teams.microsoft.com/",
    ],
)
def test_bot_framework_urls(url) -> None:
    assert is_bot_framework_url(url)
    assert service_url_allowed_without_auth(url)


@pytest.mark.parametrize(
    "url",
    [
        None,
        42,
        "",
        "not a url",
        "127.0.0.1",
        "//127.0.0.1/",
        "ftp://127.0.0.1/",
        "file:///etc/passwd",
        "http://10.0.0.1/",
        "http://0.0.0.0/",
        "http://169.254.169.254/",
        "http://127.1/",  # shorthand a resolver may read differently: refused
        "http://[::ffff:7f00:1]/",  # IPv4-mapped 127.0.0.1: loopback to Python 3.13 only
        "http://[::ffff:127.0.0.1]:3978/",
        "http://[0:0:0:0:0:ffff:7f00:1]/",
        "http://127.0.0.1.evil.example/",
        "http://localhost.evil.example/",
        "http://localhost@evil.example/",
        "http://evil.example@localhost/",  # user info at all: refused
        "http://127.0.0.1\\@evil.example/",
        "http://127.0.0.1:99999/",
        "http://127.0.0.1:port/",
        "http://127.0.0.1 /",
        "http://127.0.0.1\n.evil.example/",
        "http://smba.trafficmanager.net/",  # http to the Bot Framework
        "https://smba.trafficmanager.net.evil.example/",
        "https://evilbotframework.com/",
        "https://botframework.com.evil.example/",
    ],
)
def test_other_urls_are_refused_without_auth(url) -> None:
    assert not service_url_allowed_without_auth(url)


@given(st.text(max_size=60))
def test_url_checks_never_raise(text) -> None:
    for candidate in (text, f"http://{text}", f"https://{text}/x"):
        service_url_allowed_without_auth(candidate)


# --------------------------------------------------------------------------- rate limiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_warns_once_then_drops_until_the_window_frees() -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock=clock)
    assert limiter.check("c") is Rate.ALLOW
    clock.now = 10
    assert limiter.check("c") is Rate.ALLOW
    clock.now = 20
    assert limiter.check("c") is Rate.WARN
    assert limiter.check("c") is Rate.DROP
    assert limiter.check("other") is Rate.ALLOW  # per conversation
    clock.now = 59.9
    assert limiter.check("c") is Rate.DROP  # refused messages do not count, but 0 is still in
    clock.now = 60
    assert limiter.check("c") is Rate.ALLOW  # the first is a minute old
    assert limiter.check("c") is Rate.WARN  # a new window, a new (single) notice
    assert limiter.check("c") is Rate.DROP


def test_rate_limiter_off() -> None:
    limiter = RateLimiter(0)
    assert all(limiter.check("c") is Rate.ALLOW for _ in range(1000))
    assert len(limiter) == 0


def test_rate_limiter_forgets_idle_conversations() -> None:
    clock = Clock()
    limiter = RateLimiter(5, clock=clock)
    for i in range(100):
        limiter.check(f"c{i}")
    assert len(limiter) == 100
    clock.now = 61
    limiter.check("new")
    assert len(limiter) == 1


# --------------------------------------------------------------------------- redaction

SECRET = "s3cr3t-value-123"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl"


def test_redactor() -> None:
    redactor = Redactor([SECRET, "", "ab"])  # empty and very short values are ignored
    assert redactor.redact(f"password={SECRET}!") == f"password={REDACTED}!"
    assert redactor.redact(f"Authorization: Bearer {JWT}") == f"Authorization: Bearer {REDACTED}"
    assert redactor.redact("bearer abcdefgh12345678") == f"bearer {REDACTED}"
    assert redactor.redact(f"token {JWT} and alg none {JWT.rsplit('.', 1)[0]}.") == (
        f"token {REDACTED} and alg none {REDACTED}"
    )
    assert redactor.redact("the bearer of the card, about 2 labs") == (
        "the bearer of the card, about 2 labs"
    )


def test_installed_redaction_covers_every_logger_and_handler(caplog) -> None:
    install_log_redaction([SECRET])
    install_log_redaction([SECRET])  # idempotent: still one wrapper
    factory = logging.getLogRecordFactory()
    assert getattr(factory, "redactor", None) is not None
    caplog.set_level(logging.DEBUG)
    logging.getLogger("some.library").debug("login with %s", SECRET)
    logging.getLogger("urllib3.x").info("header %r", {"Authorization": f"Bearer {JWT}"})
    try:
        raise RuntimeError(f"failed with {SECRET}")
    except RuntimeError:
        logging.getLogger("interact.test").exception("boom %d", 1)
    logging.getLogger("x").warning("fine %s", "nothing secret")
    record = factory("x", logging.WARNING, __file__, 1, "bad format %s %s", ("one",), None)
    assert record.msg == "bad format %s %s"  # left to logging to report, no crash here
    text = caplog.text + "".join(r.getMessage() for r in caplog.records[:4])
    assert SECRET not in text and JWT not in text
    assert REDACTED in text and "fine nothing secret" in text
    assert caplog.records[3].args == ("nothing secret",)  # untouched records keep their args
