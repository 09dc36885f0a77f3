"""Structured logs: one JSON object per line, each carrying the correlation id of its request.

- ``correlation_id`` is a context variable: the web handler sets it once per request (from the
  caller's ``X-Correlation-Id`` header, else the activity's id, else a fresh uuid), and every
  record logged while that request is handled (also in threads started with
  ``asyncio.to_thread``, which copy the context) carries it;
- ``JsonFormatter`` writes ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``,
  ``correlation_id``, ``error_id`` (when the record has one: ``extra={"error_id": ...}``, as the
  turn error handler does) and ``exception`` (the stack, when there is one), plus ``stack``;
- ``setup_logging(level)`` installs it on the root logger (``python app.py`` calls it);
- ``ThrottledLoopErrors``: the event loop's error reports, each kind at most once a minute.

Log aggregators (Azure Monitor, Loki, CloudWatch ...) read these lines as they are; filter by
``correlation_id`` to see one turn, by ``error_id`` to find the error a user was told about.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from typing import IO, Any

correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "correlation_id", default=None
)
FORMATS = ("json", "text")
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:@;=+/-]{1,128}")  # a caller's id, safe to log and echo


def new_correlation_id(given: str | None = None) -> str:
    """``given`` (a caller's header or an activity id) when it is a plausible id, else a fresh
    one: whatever a request carries, the id stays short and printable."""
    given = (given or "").strip()
    return given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex


class CorrelationFilter(logging.Filter):
    """Stamps each record with the current correlation id (``record.correlation_id``), for
    formatters that print it (``%(correlation_id)s``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "correlation_id", None) is None:
            record.correlation_id = correlation_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None) or correlation_id.get(),
        }
        error_id = getattr(record, "error_id", None)
        if error_id is not None:
            entry["error_id"] = str(error_id)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # ensure_ascii: any text (lone surrogates too) becomes a valid line of ASCII JSON
        return json.dumps(entry, ensure_ascii=True, default=str)


class TextFormatter(logging.Formatter):
    """For a person at a terminal (``LOG_FORMAT=text``): the same fields, on one line."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "correlation_id", None) is None:
            record.correlation_id = correlation_id.get() or "-"
        text = super().format(record)
        error_id = getattr(record, "error_id", None)
        return text if error_id is None else f"{text} (error id {error_id})"


_HANDLER_MARK = "_interact_logs"


def setup_logging(
    level: str | int = "INFO", fmt: str = "json", stream: IO[str] | None = None
) -> logging.Handler:
    """Log to ``stream`` (stderr) in ``fmt`` ("json" or "text") at ``level``, on the root
    logger. Calling it again replaces the handler it installed before (not others')."""
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(CorrelationFilter())
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


class ThrottledLoopErrors:
    """An event-loop exception handler that logs each kind of error (message and exception
    type) at most once every ``every`` seconds, then says how many like it were left out.

    When the process runs out of file descriptors, asyncio reports "socket.accept() out of
    system resource", with its stack, every time it tries to accept again: hundreds of times a
    second, 248 MB of log a minute, while nothing new can be learnt from it."""

    MAX_KINDS = 256  # a bound on the kinds remembered

    def __init__(self, every: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self.seen: dict[tuple[str, str], tuple[float, int]] = {}  # kind -> (logged at, left out)

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        message = str(context.get("message") or "Unhandled exception in event loop")
        kind = (message, type(context.get("exception")).__name__)
        now = self.clock()
        logged = self.seen.get(kind)
        if logged is not None and now - logged[0] < self.every:
            self.seen[kind] = (logged[0], logged[1] + 1)
            return
        if len(self.seen) >= self.MAX_KINDS:
            self.seen.clear()
        self.seen[kind] = (now, 0)
        if logged is not None and logged[1]:
            context = {
                **context,
                "message": f"{message} ({logged[1]} more like it in the last "
                f"{now - logged[0]:.0f} s were not logged)",
            }
        loop.default_exception_handler(context)
