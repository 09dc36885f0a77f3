#!/usr/bin/env bash
# CI: the Microsoft 365 Agents Toolkit project files (m365agents*.yml, env/) driven by the
# toolkit's own CLI, offline: what needs no Azure or Microsoft 365 account.
#   atk deploy --env dev         runs m365agents.yml's deploy: `python -m bot package`
#   atk deploy --env playground  runs m365agents.playground.yml's deploy: `python -m bot check`
#   atk package / atk validate   the toolkit fills manifest/manifest.json from env/.env.dev and
#                                checks it against the Teams schema and its validation rules
# provision and publish sign in to Microsoft 365 (teamsApp/create ...): not run here.
# Skipped, with a line saying so, when the npm registry cannot be reached. Bounded: the install
# is cached in tools/atk/ and each command has a time limit.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
cli_package=@microsoft/m365agentstoolkit-cli
cli_version=1.1.17
prefix=tools/atk
atk="$repo/$prefix/node_modules/.bin/atk"

if [ ! -x "$atk" ]; then
  if ! command -v npm >/dev/null || ! timeout 30 npm view "$cli_package@$cli_version" version >/dev/null 2>&1; then
    echo "ci_agents_toolkit: SKIPPED: npm or the npm registry is not reachable ($cli_package@$cli_version not installed)"
    exit 0
  fi
  # --ignore-scripts: the only install script builds keytar (the sign-in token cache, native,
  # needs libsecret); nothing offline uses it.
  timeout 300 npm install --prefix "$prefix" --no-audit --no-fund --ignore-scripts --loglevel=error \
    "$cli_package@$cli_version" >/dev/null
fi
echo "ci_agents_toolkit: $("$atk" --version) ($cli_package)"

# The toolkit rewrites env files as it goes: work on a copy of the committed project.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git ls-files -co --exclude-standard -z | grep -zv '^tools/' | tar --null -cf - -T - | tar -xf - -C "$work"
cd "$work"
export PATH="$repo/.venv/bin:$PATH"
# Values `atk provision` or the operator would put in env/.env.dev (dummy ids: never uploaded).
export MicrosoftAppId=00000000-0000-4000-8000-000000000000
export TEAMS_APP_ID=11111111-1111-4111-8111-111111111111
export BOT_DOMAIN=bot.example.org

run() {  # atk prints "(✖) Error" and may still exit 0: both count as a failure
  local out
  out=$(timeout 120 "$atk" "$@" -i false --telemetry false 2>&1) || { echo "$out"; echo "ci_agents_toolkit: atk $* failed" >&2; exit 1; }
  if grep -q '(✖)' <<<"$out"; then echo "$out"; echo "ci_agents_toolkit: atk $* reported an error" >&2; exit 1; fi
  echo "ci_agents_toolkit: atk $*: ok"
}

run deploy --env dev
test -s build/appPackage.dev.zip
run deploy --env playground
run package --env dev --manifest-file manifest/manifest.json \
  --output-package-file build/atk/appPackage.dev.zip --output-folder build/atk
run validate --env dev --manifest-file manifest/manifest.json --output-folder build/atk

# The toolkit and `python -m bot package` fill the template the same way.
python - build/appPackage.dev.zip build/atk/manifest.dev.json <<'PY'
import json, sys, zipfile
ours = json.loads(zipfile.ZipFile(sys.argv[1]).read("manifest.json"))
theirs = json.load(open(sys.argv[2], encoding="utf-8"))
if ours != theirs:
    diff = sorted(k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k))
    sys.exit(f"ci_agents_toolkit: the manifests differ in {diff}")
print("ci_agents_toolkit: the toolkit's manifest and python -m bot package's are the same")
PY
