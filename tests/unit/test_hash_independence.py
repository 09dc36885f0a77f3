"""What the bot reads in a message must not depend on Python's string hashing (the order of a
set differs from one process to the next): the same message, the same words, in every process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = (
    "from bot.cli.main import load_assistant, _settings\n"
    "a = load_assistant(_settings())\n"
    "for q in ('Die Projektpartner prüfen', 'Projektleiterin der Finanzabteilung',\n"
    "          'Kontrollbehörde der Projektpartner'):\n"
    "    print(a.understander.words(q))\n"
)


def test_compound_words_are_split_alike_whatever_the_hash_seed():
    seen = set()
    for seed in ("0", "1", "2", "3", "5", "8"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", READ], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        seen.add(done.stdout)
    assert len(seen) == 1, seen
