"""The held-out question sets (tests/heldout, own sentences never trained or tuned on), scored
with the evaluation's own scorer, one line per language.

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
    for path in sorted((ROOT / "tests" / "heldout").glob("*.yaml")):
        out = subprocess.run(
            [sys.executable, str(SCORE), "--set", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        print(f"{path.stem:6s} {out.strip().splitlines()[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
