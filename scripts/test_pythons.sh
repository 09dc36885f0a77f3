#!/usr/bin/env bash
# The unit, dialog and HTTP tests on each Python the bot supports (default: 3.11 3.12 3.13; or
# the versions given), each in a venv of its own (var/venvs/python<version>) installed at the
# tested versions of requirements.lock. The interpreter comes from pyenv (~/.pyenv/versions) or
# PATH (python3.12 ...). A version this machine lacks is skipped with a line saying so; the
# version of .venv is left to scripts/test.sh, which runs everything on it. The e2e and Blob
# tests and the cross-validation (marked generalisation: minutes of numpy arithmetic that the
# unit tests of the same code already cover on every version) run only there, to keep CI within
# its time.
set -euo pipefail
cd "$(dirname "$0")/.."
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(3.11 3.12 3.13)
main=$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
failed=()
for version in "${versions[@]}"; do
  if [ "$version" = "$main" ]; then
    echo "python $version: covered by scripts/test.sh (.venv is $main)"
    continue
  fi
  python=""
  for candidate in $(ls -d "$HOME/.pyenv/versions/$version".* 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/bin/python" ]; then python="$candidate/bin/python"; break; fi
  done
  [ -n "$python" ] || python=$(command -v "python$version" || true)
  if [ -z "$python" ]; then
    echo "python $version: SKIPPED, not installed (looked in ~/.pyenv/versions and PATH)"
    continue
  fi
  venv="var/venvs/python$version"
  echo "python $version: $("$python" --version 2>&1) from $python, venv $venv"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -c requirements.lock -e ".[test,azure,telemetry]"
  if "$venv/bin/python" -m pytest -q -p no:cacheprovider -m "not e2e and not generalisation" \
      tests/unit tests/dialogs tests/http; then
    echo "python $version: passed"
  else
    echo "python $version: FAILED"
    failed+=("$version")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "tests failed on python ${failed[*]}"
  exit 1
fi
