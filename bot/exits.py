"""Exit codes, and the one line an operator reads when configuration or data stop the process.

``python app.py`` and ``python -m bot ...`` end with one of these codes (the README lists them,
under "Exit codes"); a configuration or data error is one line on stderr naming the setting or
the file, never a traceback.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path

from bot.core.catalogue import CatalogueError


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # a command found what it looks for missing: a blocker (doctor), no such ticket
    USAGE = 2  # the command line itself (argparse's own code)
    SETTINGS = 3  # a setting (environment or .env) is not usable: the line names it
    DATA = 4  # a data file is broken: the line names the file (python -m bot check lists all)
    PORT = 5  # python app.py cannot listen on HOST:PORT (in use, not allowed, no such address)
    STORE = 6  # python app.py cannot open the store (ASSISTANT_DB, or the Blob container)


def data_error_line(exc: CatalogueError, directory: Path) -> str:
    """The first problem, with its file, and how many more there are."""
    first = f"{directory}/{exc.problems[0]}" if exc.problems else f"{directory}: {exc}"
    more = len(exc.problems) - 1
    return first + (f" (and {more} more: python -m bot check lists them)" if more > 0 else "")
