"""Bounded thread pools, one per kind of blocking work, so that one kind cannot starve another.

asyncio's default executor has ``min(32, cores + 4)`` threads: 6 on two cores. When outgoing
replies, SMTP and the store all ran there, eight throttled conversations (their HTTP retries
sleeping in those threads) made an unrelated question wait two minutes and ``/readyz`` fail.
Now outgoing HTTP (bot/teams/connector.py) and SMTP (bot/tickets/mail.py) each run in a ``Pool``
of their own, and so does the store (made in ``app.py``, passed to every caller of the store).
A pool's threads never sleep for a retry: waiting is done by the event loop.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from bot.ops.telemetry import CLIENT, Telemetry

P = ParamSpec("P")
R = TypeVar("R")


class Pool:
    """A named, bounded thread pool; ``run`` is ``asyncio.to_thread`` on it (the context, so
    the correlation id, goes along). With ``telemetry``, each call is a client span named
    ``<pool> <function>`` (the store's: within a traced request only)."""

    def __init__(
        self,
        name: str,
        threads: int,
        telemetry: Telemetry | None = None,
        *,
        child_only: bool = True,
    ) -> None:
        self.name = name
        self.threads = threads
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix=name)
        self.telemetry = telemetry or Telemetry()
        self.child_only = child_only

    async def run(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        name = f"{self.name} {getattr(fn, '__name__', 'call').lstrip('_')}"
        attributes = {"interact.dependency": self.name}
        with self.telemetry.span(name, CLIENT, attributes, child_only=self.child_only):
            call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
            return await asyncio.get_running_loop().run_in_executor(self.executor, call)

    def close(self) -> None:
        """No new work; what runs finishes on its own (nothing waits for it)."""
        self.executor.shutdown(wait=False, cancel_futures=True)
