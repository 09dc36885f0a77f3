#!/usr/bin/env bash
# The README's screenshots: the bot (python app.py, a fresh store each run) in the Microsoft 365
# Agents Playground, driven by the shared harness (../shared/tools/playground/run.sh), at 1280 px
# and at 960 px, in English and in German: the welcome, a recommendation, a FAQ answer and the
# escalation's receipt. 960 px is the narrowest window in which the Playground's log panel sits
# beside the chat: below about 950 px it lies over the right part of the chat (and the harness
# cannot close it), and the Playground draws a card at most about 480 px wide at any width.
#
#   bash scripts/screenshots.sh [OUTDIR]     (default artifacts/screenshots; git-ignored)
#
# Writes OUTDIR/<language>-<width>/NN.png (one per turn, 00.png the welcome) with the harness's
# transcript.json, and OUTDIR/<language>-<width>-NN.png: the chat column alone (cropped with
# ImageMagick's convert, when it is installed). Look at them; docs/screenshots/ holds the few
# that the README shows, copied from here by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
harness="$repo/../shared/tools/playground/run.sh"
out=$(realpath -m "${1:-artifacts/screenshots}")
py="$repo/.venv/bin/python"
[ -x "$harness" ] || { echo "the Playground harness is missing: $harness" >&2; exit 1; }
mkdir -p "$out"

# Typed messages and clicks (click:TITLE clicks that button of the newest card that has it).
english=(
  "click:Controller"                                    # a role button of the welcome
  "click:How do I register?"                            # the welcome's FAQ button
  "click:Contact support"                               # the welcome's escalation button
  "click:Yes"
  "The activation e-mail never arrives, I tried twice"  # the description: the receipt
)
german=(
  "Welches Team ist das richtige für Prüfer?"
  "click:Wie trete ich bei?"
  "Ich kann mich nicht einloggen, bitte Support kontaktieren"  # describes it: no question
  "click:Ja"                                                   # the receipt
)
# The chat column of each width (WxH+X+Y for convert -crop): beside the Playground's side bar
# (1280 px only) and its log panel.
declare -A column=([1280]="620x1000+330+0" [960]="630x1000+0+0")

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

run() {  # run LANGUAGE WIDTH MESSAGES...
  local language=$1 width=$2
  shift 2
  local dir="$out/$language-$width" port store bot rc=0
  port=$(free_port)
  store=$(mktemp -d)
  rm -rf "$dir"
  PORT=$port HOST=127.0.0.1 MicrosoftAppId='' MicrosoftAppPassword='' ASSISTANT_TODAY=2026-11-24 \
    ASSISTANT_DB="$store/assistant.sqlite3" "$py" app.py >"$store/bot.log" 2>&1 &
  bot=$!
  for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  PG_VIEWPORT="${width}x1000" "$harness" "http://127.0.0.1:$port/api/messages" "$dir" "$@" \
    >"$out/$language-$width.log" 2>&1 || rc=$?
  kill "$bot" 2>/dev/null || true
  wait "$bot" 2>/dev/null || true
  rm -rf "$store"
  if [ "$rc" != 0 ]; then
    echo "$language at $width px: run.sh exited $rc (see $out/$language-$width.log)" >&2
    return "$rc"
  fi
  if command -v convert >/dev/null; then
    for shot in "$dir"/[0-9][0-9].png; do
      convert "$shot" -crop "${column[$width]}" +repage "$out/$language-$width-$(basename "$shot")"
    done
  fi
  echo "$language at $width px: $dir"
}

for width in 1280 960; do
  run en "$width" "${english[@]}"
  run de "$width" "${german[@]}"
done
