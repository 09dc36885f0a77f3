"""Cards in tests: walking card JSON, and the offline Adaptive Card validator."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VALIDATE_CARDS = ROOT.parent / "shared" / "tools" / "validate" / "validate_cards.sh"
TEAMS_MAX_BYTES = 28 * 1024  # the largest message Teams takes


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``node``, depth first, in reading order."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def actions(node: Any) -> list[dict[str, Any]]:
    """Every action (button) of a card, in reading order."""
    return [n for n in walk(node) if str(n.get("type", "")).startswith("Action.")]


def cards_in(doc: Any) -> list[dict[str, Any]]:
    return [n for n in walk(doc) if n.get("type") == "AdaptiveCard"]


def validate_cards(docs: Mapping[str, Any], folder: Path, *, strict: bool = False) -> str:
    """Run ``validate_cards.sh`` once over ``docs`` (name -> card or activity); fail the test on
    any error (and, with ``strict``, any warning). Skips only when Node.js is missing."""
    if shutil.which("node") is None or not VALIDATE_CARDS.exists():
        pytest.skip("node or ../shared/tools/validate is missing: cannot run validate_cards.sh")
    for name, doc in docs.items():
        (folder / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1))
    proc = subprocess.run(
        [str(VALIDATE_CARDS), "-q", str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = proc.stdout + proc.stderr
    result = [line for line in output.splitlines() if line.startswith("RESULT:")]
    assert proc.returncode == 0, output
    expected = "RESULT: VALID - 0 error(s)" + (", 0 warning(s)" if strict else "")
    assert result and result[-1].startswith(expected), output
    return result[-1]
