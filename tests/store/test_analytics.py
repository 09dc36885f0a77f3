"""Analytics in the store (bot.ops.feedback.AnalyticsStore), on every backend: the counters and
fallback questions every instance writes are seen by every other, none is lost to a concurrent
writer, and the questions are purged by day."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest

from bot.ops.feedback import Analytics, report
from bot.tickets.store.contract import Store
from tests.support.catalogues import fixture_catalogue

DAY = dt.date(2026, 11, 24)
NOON = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def test_counts_add_up_per_day_across_handles(open_store: Callable[[], Store]) -> None:
    one, two = open_store(), open_store()  # two instances on the same store
    one.add_counts(DAY, {"intent:recommend": 1, "community:controllers": 2})
    two.add_counts(DAY, {"intent:recommend": 1, "language:de": 1})
    two.add_counts(DAY + dt.timedelta(days=1), {"intent:faq": 3})
    assert one.read_counts(DAY) == {
        DAY: {"intent:recommend": 2, "community:controllers": 2, "language:de": 1},
        DAY + dt.timedelta(days=1): {"intent:faq": 3},
    }
    assert list(two.read_counts(DAY + dt.timedelta(days=1))) == [DAY + dt.timedelta(days=1)]
    assert one.read_counts(DAY + dt.timedelta(days=2)) == {}


def test_counts_refuse_what_is_not_a_counter(store: Store) -> None:
    with pytest.raises(ValueError):
        store.add_counts(DAY, {"": 1})
    with pytest.raises(ValueError):
        store.add_counts(DAY, {"intent:x": -1})
    with pytest.raises(TypeError):
        store.add_counts(DAY, {"intent:x": "1"})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        store.add_counts(NOON, {"intent:x": 1})  # a datetime is not a day
    assert store.read_counts(DAY) == {}


def test_fallback_questions_are_kept_by_day_and_purged(open_store: Callable[[], Store]) -> None:
    one, two = open_store(), open_store()
    one.add_fallback("sing me a song", NOON - dt.timedelta(days=2))
    two.add_fallback("x" * 2000, NOON)
    one.add_fallback("what time is it", NOON + dt.timedelta(minutes=1))
    found = two.read_fallbacks(DAY - dt.timedelta(days=5))
    assert [q[:20] for _, q in found] == ["sing me a song", "x" * 20, "what time is it"]
    assert len(found[1][1]) == 500  # cut
    assert found[0][0] == NOON - dt.timedelta(days=2)
    assert [q for _, q in one.read_fallbacks(DAY)][-1] == "what time is it"
    assert two.purge_fallbacks(DAY) == 1
    assert one.purge_fallbacks(DAY) == 0
    assert [q[:1] for _, q in one.read_fallbacks(DAY - dt.timedelta(days=5))] == ["x", "w"]


def test_two_writers_lose_no_count(open_store: Callable[[], Store]) -> None:
    writers, increments = 2, 15
    stores = [open_store() for _ in range(writers)]
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(store: Store) -> None:
        start.wait()
        try:
            for _ in range(increments):
                store.add_counts(DAY, {"intent:recommend": 1, "vote:up:faq:register": 1})
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stores[0].read_counts(DAY)[DAY] == {
        "intent:recommend": writers * increments,
        "vote:up:faq:register": writers * increments,
    }


def test_the_report_sees_what_every_instance_recorded(open_store: Callable[[], Store]) -> None:
    retention = dt.timedelta(days=30)
    first, second = Analytics(open_store(), retention), Analytics(open_store(), retention)
    first.record_turn(NOON, intent="recommend", language="en", communities=["controllers"])
    second.record_turn(NOON, intent="recommend", language="de", communities=["controllers", "ca"])
    second.record_turn(NOON, intent="fallback", language="en", question="Sing me a SONG!")
    first.record_turn(NOON, intent="fallback", language="fr", question="sing me a song")
    first.record_vote("faq:register", "up", NOON)
    second.record_vote("faq:register", "down", NOON)
    second.record_route("tech-support", NOON)
    store = open_store()
    tokenizer = fixture_catalogue().tokenizer
    by_intent = report(store, DAY, tokenizer=tokenizer)
    assert by_intent.counts == [("fallback", 2), ("recommend", 2)]
    assert by_intent.fallbacks == [("sing me a song", 2)]
    assert by_intent.votes == [("faq:register", 1, 1)]
    assert report(store, DAY, "community", tokenizer=tokenizer).counts == [
        ("controllers", 2),
        ("ca", 1),
    ]
    assert report(store, DAY, "language", tokenizer=tokenizer).counts == [
        ("en", 2),
        ("de", 1),
        ("fr", 1),
    ]
    assert report(store, DAY, "route", tokenizer=tokenizer).counts == [("tech-support", 1)]
    assert report(store, DAY + dt.timedelta(days=1), tokenizer=tokenizer).counts == []


def test_old_fallback_questions_are_purged_when_a_new_day_records_one(
    open_store: Callable[[], Store],
) -> None:
    analytics = Analytics(open_store(), dt.timedelta(days=7))
    analytics.record_turn(NOON, intent="fallback", language="en", question="old question")
    later = NOON + dt.timedelta(days=8)
    analytics.record_turn(later, intent="fallback", language="en", question="new question")
    assert [q for _, q in open_store().read_fallbacks(DAY)] == ["new question"]
