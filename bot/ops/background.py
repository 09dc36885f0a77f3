"""Writes that no reply waits for (analytics: counters, votes, fallback questions), run in the
background: a bounded queue in front of a few threads of the store's pool.

A store that hangs then delays no reply, and holds at most ``workers`` of the store pool's
threads (the conversation state, tickets and deliveries keep the others). When the queue is full
a new write is dropped and counted (a warning at once, then at most one a ``log_every`` seconds
with the count since); ``close`` (graceful shutdown) lets what is queued finish within a time
limit and says how many were lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec

from bot.ops.pools import Pool

log = logging.getLogger("interact.background")

P = ParamSpec("P")
_Job = tuple[contextvars.Context, Callable[[], Coroutine[Any, Any, object]]]  # a write, its context


class Background:
    def __init__(
        self,
        pool: Pool,
        *,
        workers: int = 2,
        limit: int = 500,
        log_every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if workers < 1 or workers >= pool.threads:
            raise ValueError(f"workers must be 1 to {pool.threads - 1} (the pool has more)")
        self.pool = pool
        self.workers = workers
        self.limit = limit
        self.log_every = log_every
        self.clock = clock
        self.dropped = 0  # since the start
        self._queue: asyncio.Queue[_Job] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.waiting = 0  # writes queued or running
        self._unlogged = 0  # dropped since the last warning
        self._logged_at: float | None = None

    def submit(self, fn: Callable[P, object], /, *args: P.args, **kwargs: P.kwargs) -> bool:
        """Queue ``fn(*args, **kwargs)`` and return at once; False when the queue is full and
        the write is dropped. It runs in the caller's context (its correlation id, its trace)."""
        queue = self._started()
        job = functools.partial(self.pool.run, fn, *args, **kwargs)
        try:
            queue.put_nowait((contextvars.copy_context(), job))
        except asyncio.QueueFull:
            self._drop()
            return False
        self.waiting += 1
        return True

    def _started(self) -> asyncio.Queue[_Job]:
        if self._queue is None:  # made in the event loop, at the first write
            self._queue = asyncio.Queue(self.limit)
            self._tasks = [asyncio.create_task(self._work()) for _ in range(self.workers)]
        return self._queue

    def _drop(self) -> None:
        self.dropped += 1
        self._unlogged += 1
        now = self.clock()
        if self._logged_at is None or now - self._logged_at >= self.log_every:
            log.warning(
                "background writes: the queue is full (%d waiting: the store is slow or down); "
                "%d write(s) dropped since the last warning, %d in all",
                self.limit,
                self._unlogged,
                self.dropped,
            )
            self._logged_at, self._unlogged = now, 0

    async def _work(self) -> None:
        assert self._queue is not None
        while True:
            context, job = await self._queue.get()
            try:
                await asyncio.create_task(job(), context=context)
            except Exception:
                log.exception("background write failed")
            finally:
                self.waiting -= 1
                self._queue.task_done()

    async def settle(self) -> None:
        """Wait until every write queued so far is done."""
        if self._queue is not None:
            await self._queue.join()

    async def close(self, timeout: float) -> int:
        """Let the queued writes finish, for at most ``timeout`` seconds, then stop; how many
        were left undone (logged)."""
        if self._queue is None:
            return 0
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self.settle()
        left = self.waiting
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if left:
            log.warning("background writes: %d not done at shutdown (the store is slow)", left)
        if self.dropped:
            log.warning("background writes: %d dropped while running (queue full)", self.dropped)
        return left
