"""Tickets as values: ids, the backoff, transcript turns, printable text."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.tickets.model import TicketQuota, Turn, backoff, format_id, parse_id, printable


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "SUP-0001"), (42, "SUP-0042"), (9999, "SUP-9999"), (12345, "SUP-12345")],
)
def test_format_id(number, text):
    assert format_id(number) == text
    assert parse_id(text) == number


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "42"])
def test_format_id_refuses_non_numbers(bad):
    with pytest.raises(ValueError, match="ticket number"):
        format_id(bad)


@pytest.mark.parametrize(
    "text",
    [
        *("SUP-0042", "sup-42", "Sup 42", " sup42 ", "SUP_0042", "sup #42", "SUP–42", "#42"),
        *("42", 42, "SUP-" + "0" * 30 + "42"),
    ],
)
def test_parse_id_is_tolerant(text):
    assert parse_id(text) == 42


@pytest.mark.parametrize(
    "text",
    [
        *("", "SUP", "SUP-", "SUP-0", "0", "TKT-42", "sup-4x2", "42 43", None, "SUP-٤٢", 0, -3),
        # past any ticket number: SQLite's integers overflow, Python refuses 4,300+ digits
        *("SUP-99999999999999999999999", "SUP-1000000000000", "9" * 5000, 10**12, 2**70),
    ],
)
def test_parse_id_refuses_what_is_not_an_id(text):
    assert parse_id(text) is None


def test_backoff_doubles_up_to_a_cap_and_is_deterministic():
    assert backoff(0) == dt.timedelta(0)
    waits = [backoff(n).total_seconds() for n in range(1, 12)]
    assert waits[:5] == [5, 10, 20, 40, 80]
    assert max(waits) == 15 * 60
    assert waits == sorted(waits)
    assert backoff(1000) == dt.timedelta(minutes=15)
    assert [backoff(n) for n in range(30)] == [backoff(n) for n in range(30)]


def test_turn_checks_who():
    with pytest.raises(ValueError, match="'user' or 'bot'"):
        Turn("admin", "hi", "2026-11-24T10:00:00+00:00")


def test_printable_shows_control_characters():
    assert printable("a\x1b[31mb\rc\u202ed") == "a\\x1b[31mb\\x0dc\\u202ed"
    assert printable("two\nlines", keep_newlines=True) == "two\nlines"
    assert printable("two\nlines") == "two\\x0alines"
    assert printable("Ünïcödé 👍") == "Ünïcödé 👍"


def test_the_quota_counters_of_a_user_and_a_tenant_for_a_day() -> None:
    day = dt.date(2026, 11, 24)
    quota = TicketQuota(per_user=5, per_tenant=100)
    assert quota.counters("aad-1", "t-1", day) == [
        ("user:aad-1:2026-11-24", 5),
        ("tenant:t-1:2026-11-24", 100),
    ]
    assert quota.counters("aad-1", "", day) == [("user:aad-1:2026-11-24", 5)]  # no tenant known
    assert TicketQuota(per_user=0, per_tenant=0).counters("aad-1", "t-1", day) == []  # no limit
