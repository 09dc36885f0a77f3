#!/usr/bin/env bash
# The test command: lint, format check, type check, data check, the test suite, and the dev
# question set.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
"$py" -m ruff check .
"$py" -m ruff format --check .
if ! "$py" -c "import mypy" 2>/dev/null; then
  echo "mypy is missing (a test dependency): $py -m pip install -e '.[test,azure,telemetry]'" >&2
  exit 1
fi
"$py" -m mypy  # what and how strictly: [tool.mypy] in pyproject.toml
"$py" -m bot check
"$py" -m pytest -q "$@"
if [ -f ../shared/eval/score.py ]; then
  "$py" ../shared/eval/score.py --min 0.95 | tail -n 12
fi
