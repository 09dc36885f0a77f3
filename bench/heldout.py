"""The held-out question sets (tests/heldout, own sentences never trained or tuned on), scored
with the evaluation's own scorer, one line per language; then the fresh set (tests/heldout/fresh,
written later and never looked at while tuning) and the fresh2 set (tests/heldout/fresh2, written
later still, before any tuning on it) the same way, named fresh/<lang> and fresh2/<lang>.
With --fresh3 also the fresh3 set (tests/heldout/fresh3, written blind before the next round of
work), named fresh3/<lang>; it is off by default so that nobody scores it before that round ends.
With --fresh4 likewise the fresh4 set (tests/heldout/fresh4, written blind before the round after
that), named fresh4/<lang>; also off by default, to be scored only at the end of that round.
With --fresh5 likewise the fresh5 set (tests/heldout/fresh5, written blind before the round after
that one), named fresh5/<lang>; also off by default, to be scored only at the end of that round.
With --fresh6 likewise the fresh6 set (tests/heldout/fresh6, written blind while fresh5 was still
unseen), named fresh6/<lang>; off by default, to be scored only at the end of the round after the
one that scores fresh5.
With --fresh7 likewise the fresh7 set (tests/heldout/fresh7, written blind while fresh6 was being
read), named fresh7/<lang>; off by default, to be scored only at the end of the next round.
With --fresh8 likewise the fresh8 set (tests/heldout/fresh8, written blind on 30 November 2026),
named fresh8/<lang>; off by default, but a read development set that anyone may score at any time.
With --fresh9 likewise the fresh9 set (tests/heldout/fresh9, written blind while fresh7 was still
unseen), named fresh9/<lang>; off by default: the unseen set of the next round, scored only then.
With --fresh10 likewise the fresh10 set (tests/heldout/fresh10, written blind on 30 November 2026
while fresh9 was the unseen set of that evening's round), named fresh10/<lang>; off by default:
the unseen set of the round after, scored only at its start and end.
With --fresh11 likewise the fresh11 set (tests/heldout/fresh11, written blind on 1 December 2026
while fresh10 was the unseen set of that night's round), named fresh11/<lang>; off by default:
the unseen set of the round after, scored only at its start and end.
With --fresh12 likewise the fresh12 set (tests/heldout/fresh12, written blind on 1 December 2026
while fresh11 was being read), named fresh12/<lang>; off by default: the unseen set of the next
round, scored only at its start and end.

    .venv/bin/python bench/heldout.py
    .venv/bin/python bench/heldout.py --fresh3 --fresh4
    .venv/bin/python bench/heldout.py --fresh5

Needs ../shared/eval/score.py next to the project (as in the team's workspace).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORE = ROOT.parent / "shared" / "eval" / "score.py"
# the sets scored only when asked for
BLIND = (
    "fresh3",
    "fresh4",
    "fresh5",
    "fresh6",
    "fresh7",
    "fresh8",
    "fresh9",
    "fresh10",
    "fresh11",
    "fresh12",
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    for blind in BLIND:
        ap.add_argument(
            f"--{blind}",
            action="store_true",
            help=f"also score tests/heldout/{blind} (off by default)",
        )
    args = ap.parse_args(argv)
    if not SCORE.is_file():
        print(f"no scorer at {SCORE}")
        return 2
    heldout = ROOT / "tests" / "heldout"
    paths = sorted(heldout.glob("*.yaml"))
    extras = ["fresh", "fresh2"] + [blind for blind in BLIND if getattr(args, blind)]
    for extra in extras:
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
