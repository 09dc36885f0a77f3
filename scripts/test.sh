#!/usr/bin/env bash
# The test command: lint, format check, data check, the test suite, and the dev question set.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
"$py" -m ruff check .
"$py" -m ruff format --check .
"$py" -m bot check
"$py" -m pytest -q "$@"
if [ -f ../shared/eval/score.py ]; then
  "$py" ../shared/eval/score.py --min 0.95 | tail -n 12
fi
