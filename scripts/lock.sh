#!/usr/bin/env bash
# Write requirements.lock again: a clean venv gets the bot with its test tools and the azure
# extra (newest versions pyproject.toml allows), and pip freeze records them. Run it after a
# change of dependencies in pyproject.toml, then run the tests on every Python (scripts/test.sh,
# scripts/test_pythons.sh) before committing the new lock.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e ".[test,azure,telemetry]"  # editable: no build/ left here
{
  sed -n '1,3p' requirements.lock
  "$venv/bin/python" -m pip freeze --exclude-editable | grep -v '^interact-communities-bot'
} > requirements.lock.new
mv requirements.lock.new requirements.lock
echo "requirements.lock: $(grep -vc '^#' requirements.lock) packages"
