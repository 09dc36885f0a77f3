"""The command line (``python -m bot``) run in-process, its output captured."""

from __future__ import annotations

import io

from bot.cli.main import main


def run_tickets(*args: str) -> tuple[int, str]:
    """``python -m bot tickets ARGS``: (exit code, what it wrote)."""
    out = io.StringIO()
    code = main(["tickets", *args], out=out)
    return code, out.getvalue()
