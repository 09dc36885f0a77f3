"""The held-out question sets (tests/heldout, own sentences never trained or tuned on), scored
with the evaluation's own scorer, one line per language; then the fresh set (tests/heldout/fresh,
written later and never looked at while tuning) and the fresh2 set (tests/heldout/fresh2, written
later still, before any tuning on it) the same way, named fresh/<lang> and fresh2/<lang>.

    .venv/bin/python bench/heldout.py

Needs ../shared/eval/score.py next to the project (as in the team's workspace).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORE = ROOT.parent / "shared" / "eval" / "score.py"


def main() -> int:
    if not SCORE.is_file():
        print(f"no scorer at {SCORE}")
        return 2
    heldout = ROOT / "tests" / "heldout"
    paths = sorted(heldout.glob("*.yaml"))
    for extra in ("fresh", "fresh2"):
        paths += sorted((heldout / extra).glob("*.yaml"))
    for path in paths:
        name = path.stem if path.parent == heldout else f"{path.parent.name}/{path.stem}"
        out = subprocess.run(
            [sys.executable, str(SCORE), "--set", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        print(f"{name:12s} {out.strip().splitlines()[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
