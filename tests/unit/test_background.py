"""Background writes (bot/ops/background.py): bounded, dropped and counted when full (logged with a
throttle), never more threads than given, flushed on close within a time limit."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator

import pytest

from bot.ops.background import Background
from bot.ops.logs import correlation_id
from bot.ops.pools import Pool


@pytest.fixture
def pool() -> Iterator[Pool]:
    pool = Pool("store", 4)
    yield pool
    pool.close()


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def until(predicate, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


async def test_a_hung_store_holds_its_workers_only_and_a_full_queue_drops_and_counts(
    pool: Pool, release: threading.Event, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    background = Background(pool, workers=2, limit=3, log_every=60, clock=clock)
    running: list[int] = []
    done: list[int] = []

    def hung(n: int) -> None:
        running.append(n)
        release.wait()
        done.append(n)

    caplog.set_level(logging.WARNING, logger="interact.background")
    accepted = [background.submit(hung, n) for n in range(10)]  # returns at once
    assert accepted == [True] * 3 + [False] * 7  # the queue holds 3: the rest is dropped
    await until(lambda: len(running) == 2)
    assert [background.submit(hung, n) for n in range(10, 14)] == [True, True, False, False]
    await asyncio.sleep(0.1)
    assert len(running) == 2  # two threads of four: the pool's others stay free
    assert await pool.run(lambda: "free") == "free"
    assert background.dropped == 9
    assert caplog.text.count("the queue is full") == 1  # a warning, then quiet for a while
    clock.now = 61.0
    assert not background.submit(hung, 99)
    assert caplog.text.count("the queue is full") == 2
    assert "9 write(s) dropped since the last warning, 10 in all" in caplog.text

    release.set()
    assert await background.close(5.0) == 0  # flushed: every accepted write done
    assert sorted(done) == [0, 1, 2, 10, 11]


async def test_close_gives_up_on_a_hung_store_after_its_time_limit(
    pool: Pool, release: threading.Event, caplog: pytest.LogCaptureFixture
) -> None:
    background = Background(pool, workers=1, limit=10)
    for _ in range(3):
        background.submit(release.wait)
    caplog.set_level(logging.WARNING, logger="interact.background")
    assert await asyncio.wait_for(background.close(0.2), 2) == 3
    assert "3 not done at shutdown" in caplog.text


async def test_a_failing_write_is_logged_and_the_next_ones_still_run(
    pool: Pool, caplog: pytest.LogCaptureFixture
) -> None:
    background = Background(pool, workers=1, limit=10)
    seen: list[str] = []

    def fail() -> None:
        raise OSError("disk full")

    token = correlation_id.set("turn-7")
    try:
        background.submit(fail)
        background.submit(lambda: seen.append(correlation_id.get() or ""))
    finally:
        correlation_id.reset(token)
    await background.settle()
    assert seen == ["turn-7"]  # with the context of the turn that queued it
    assert "background write failed" in caplog.text and "disk full" in caplog.text
    await background.close(1.0)


def test_it_never_takes_every_thread_of_the_pool(pool: Pool) -> None:
    with pytest.raises(ValueError):
        Background(pool, workers=4)
