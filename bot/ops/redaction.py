"""No secret in a log line: the app's passwords, bearer tokens and anything shaped like a JSON Web
Token are replaced by ``[redacted]`` in every log record, whichever library logs it.

``install_log_redaction(secrets)`` wraps logging's record factory (once per process; later calls
add secrets), so the redaction happens when a record is made, before any handler, filter or
test capture sees it: a handler added later (pytest's ``caplog``, a hosting platform's) cannot
miss it, which a filter on today's handlers could.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 4  # shorter values would redact ordinary words

_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        self.secrets.update(s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH)

    def redact(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
        return _JWT.sub(REDACTED, text)

    def redact_record(self, record: logging.LogRecord) -> None:
        """Rewrite the record's message, exception text and stack in place, if they hold a
        secret (only then: other records keep their ``msg`` and ``args`` for handlers that
        group by them)."""
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: logging reports that itself, later
            return
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            clean = self.redact(text)
            if clean != text:
                record.exc_text = clean  # formatters use it instead of formatting exc_info
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)


def install_log_redaction(secrets: Iterable[str] = ()) -> Redactor:
    """Redact ``secrets`` (and bearer tokens, JWTs) from every log record made from now on."""
    factory = logging.getLogRecordFactory()
    redactor: Redactor | None = getattr(factory, "redactor", None)
    if redactor is None:
        redactor = Redactor()
        inner = factory

        def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = inner(*args, **kwargs)
            redactor.redact_record(record)
            return record

        make_record.redactor = redactor  # type: ignore[attr-defined]
        logging.setLogRecordFactory(make_record)
    redactor.add(secrets)
    return redactor
