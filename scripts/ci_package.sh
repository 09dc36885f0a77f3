#!/usr/bin/env bash
# CI: build the Teams app package with a fixed dummy bot id into build/, then validate it with the
# offline Teams schema validator. Needs node (validate_manifest.sh installs its own npm deps once).
#   VALIDATE_MANIFEST=/path/to/validate_manifest.sh  overrides where the validator is.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
out=build/appPackage.ci.zip
dummy_bot_id=00000000-0000-4000-8000-000000000000  # not a real bot: the package is never uploaded
validator="${VALIDATE_MANIFEST:-../shared/tools/validate/validate_manifest.sh}"

# The Python checks (ids, icons, referenced files) run here; the schema check runs below.
"$py" -m bot package --app-id "$dummy_bot_id" --out "$out" --no-schema
# Strict: any warning fails, except the validator's own limitation: it cannot compile Teams'
# localization schema (a pattern JavaScript refuses); the Python checks above cover the language
# files (bot/packaging/package.py: language_problems).
echo "ci_package: $validator $out (warnings fail, but for the localization schema's)"
report=$(bash "$validator" "$out") || { echo "$report"; exit 1; }
echo "$report"
if echo "$report" | grep '^WARN' | grep -v 'localization schema did not compile'; then
  echo "ci_package: warnings above" >&2
  exit 1
fi
