#!/usr/bin/env bash
# CI: build the container image and start it: it must answer /healthz and /readyz, run as a
# non-root user, pass its own HEALTHCHECK command, log JSON lines and stop cleanly on SIGTERM.
# Needs a Docker engine: without one (`docker info` fails) it says so and exits 0 (skipped).
#   IMAGE=name:tag  overrides the image tag (default interact-communities-bot:ci).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
  echo "ci_docker: skipped: no Docker engine (docker info failed)"
  exit 0
fi

image="${IMAGE:-interact-communities-bot:ci}"
name="interact-bot-ci-$$"
py=$(command -v python3 || command -v python)

cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "ci_docker: building $image"
docker build --quiet --tag "$image" .

echo "ci_docker: starting $name"
docker run --detach --name "$name" --publish 127.0.0.1::3978 "$image" >/dev/null
port=$(docker port "$name" 3978/tcp | head -n1 | sed 's/.*://')
base="http://127.0.0.1:$port"

# GET $1 until it answers $2 (30 s at most); prints the body.
expect() {
  "$py" - "$base$1" "$2" <<'PY'
import sys, time, urllib.error, urllib.request
url, want = sys.argv[1], int(sys.argv[2])
deadline, last = time.monotonic() + 30, "no answer"
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:
            status, body = resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read().decode()
    except OSError as exc:
        last = str(exc)
        time.sleep(0.5)
        continue
    if status == want:
        print(body)
        sys.exit(0)
    last = f"{status} {body}"
    time.sleep(0.5)
sys.exit(f"{url}: expected {want}, last: {last}")
PY
}

fail() {
  echo "ci_docker: FAILED: $*" >&2
  docker logs "$name" >&2 || true
  exit 1
}

expect /healthz 200 || fail "/healthz"
expect /readyz 200 || fail "/readyz"

uid=$(docker exec "$name" id -u)
[ "$uid" != "0" ] || fail "the container runs as root"

# The image's own HEALTHCHECK command, run now (docker would first run it after 30 s).
check=$(docker inspect --format '{{json .Config.Healthcheck.Test}}' "$image")
docker exec "$name" sh -c "$("$py" -c 'import json, shlex, sys
test = json.loads(sys.argv[1])
print(shlex.join(test[1:]) if test[0] == "CMD" else test[1])' "$check")" ||
  fail "the HEALTHCHECK command fails"

# A malformed activity is refused, not a server error.
status=$("$py" - "$base/api/messages" <<'PY'
import sys, urllib.error, urllib.request
req = urllib.request.Request(sys.argv[1], data=b"{", headers={"Content-Type": "application/json"})
try:
    print(urllib.request.urlopen(req, timeout=5).status)
except urllib.error.HTTPError as exc:
    print(exc.code)
PY
)
[ "$status" = "400" ] || fail "a malformed activity got $status, not 400"

echo "ci_docker: stopping (SIGTERM)"
docker stop --time 20 "$name" >/dev/null
code=$(docker inspect --format '{{.State.ExitCode}}' "$name")
[ "$code" = "0" ] || fail "exit code $code after SIGTERM"

# Every log line is a JSON object with a correlation_id field.
docker logs "$name" 2>&1 | "$py" -c '
import json, sys
lines = [line for line in sys.stdin if line.strip()]
assert lines, "no log lines"
for line in lines:
    assert "correlation_id" in json.loads(line), line
print(f"ci_docker: {len(lines)} log lines, all JSON")
' || fail "the logs are not JSON lines"

echo "ci_docker: ok ($image)"
