"""End to end: the real bot (``python app.py``) in a Teams-like client.

The shared harness ``../shared/tools/playground/run.sh`` drives Microsoft 365 Agents Playground
(the Teams emulator) in headless chromium against the bot, types the messages, clicks the
Action.OpenUrl buttons and writes ``transcript.json`` plus one screenshot per turn to
``artifacts/e2e/`` (git-ignored). The harness installs chromium (apt-get, as root) and its npm
packages itself. The test is skipped only when the harness folder or node is missing; anything
else that goes wrong fails it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
HARNESS = REPO.parent / "shared" / "tools" / "playground"
RUN_SH = HARNESS / "run.sh"
ARTIFACTS = REPO / "artifacts" / "e2e"

RELATED = "Finding the communities and joining them"  # the register FAQ's related question
MESSAGES = (
    "hi",
    "click:Controller",  # a role button of the greeting (plain Action.Submit data)
    "click:List all teams",  # the welcome card's button
    "how can I sign up for an account?",
    f"click:{RELATED}",
    "I can't log in",
    "click:Yes",  # the escalation's confirmation
    "The activation e-mail never arrives, I tried twice",
    "Ich bin Kontrolleur, welches Team passt zu mir?",
    "thank you!",  # small talk: a short reply, not the welcome card
    "please delete my data",  # "forget me": asked first, with Yes / No buttons
    "click:Yes",  # the erasure confirmed
)
GERMAN = ("War das hilfreich?", "So treten Sie bei")  # labels of a German answer card
TECH_SUPPORT = "tech.support@interact.eu"
# The narrowest window in which the Playground's log panel sits beside the chat (below about
# 950 px it lies over it): every card and button is drawn, and clicked, at this width
# (scripts/screenshots.sh shows 1280 px as well).
NARROW = "960x1000"
HEALTH_TIMEOUT_S = 30
RUN_TIMEOUT_S = 900  # the first run may apt-get install chromium and npm install the playground
APOLOGY = "Sorry, something went wrong on my side"
NO_REPLY_ON_SCREEN = 6  # run.sh's exit code when a turn shows no reply (PG_REQUIRE_REPLY=1)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen[Any], grace_s: float = 10) -> None:
    """TERM, then KILL if it has not exited within ``grace_s``."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _tail(path: Path, lines: int = 40) -> str:
    if not path.is_file():
        return f"({path} missing)"
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def _wait_healthy(proc: subprocess.Popen[Any], base: str, log: Path) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    last = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the bot exited ({proc.returncode}) during start-up:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as resp:
                body = json.loads(resp.read())
            if resp.status == 200 and body.get("status") == "ok":
                return
            last = f"HTTP {resp.status} {body}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            last = repr(exc)
        time.sleep(0.2)
    pytest.fail(f"GET /healthz not ok after {HEALTH_TIMEOUT_S}s (last: {last}):\n{_tail(log)}")


def _run_harness(bot_url: str, outdir: Path) -> tuple[int, str]:
    """run.sh BOT_URL OUTDIR messages...; stopped with TERM (its trap cleans up) on timeout."""
    env = {
        **os.environ,
        "PG_REQUIRE_REPLY": "1",  # exit 6 if a turn gets no reply
        "PG_VIEWPORT": NARROW,
    }
    proc = subprocess.Popen(
        ["bash", str(RUN_SH), bot_url, str(outdir), *MESSAGES],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        out, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _stop(proc, grace_s=30)
        out, _ = proc.communicate()
        pytest.fail(f"run.sh did not finish within {RUN_TIMEOUT_S}s:\n{out}")
    finally:
        _stop(proc, grace_s=30)
    (outdir / "run.log").write_text(out, encoding="utf-8")
    return proc.returncode, out


def _turn_text(turn: dict[str, Any]) -> str:
    """Everything the user reads in a turn: bubble texts and card texts."""
    parts = list(turn.get("reply_texts") or [])
    parts.extend(card.get("text") or "" for card in turn.get("cards") or [])
    return "\n".join(parts)


def _updated_text(turn: dict[str, Any]) -> str:
    """What the messages the turn changed in place (a clicked card) show: texts and buttons."""
    return "\n".join(
        part
        for u in turn.get("updated") or []
        for part in [
            u.get("text") or "",
            *(c.get("text") or "" for c in u.get("cards") or []),
            *(a.get("title") or "" for c in u.get("cards") or [] for a in c.get("actions") or []),
        ]
    )


def _open_urls(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in card.get("actions") or [] if a.get("kind") == "Action.OpenUrl"]


def _check_transcript(t: dict[str, Any], out: str) -> None:
    turns = t["turns"]
    assert [x["message"] for x in turns] == list(MESSAGES), out
    assert not t.get("error"), f"driver error: {t.get('error')}"
    assert t["page_errors"] == [], f"playground page errors: {t['page_errors']}"
    for turn in turns:
        name = repr(turn["message"])
        if turn["message"].startswith("click:"):
            assert turn.get("clicked"), f"{name}: no such button ({turn.get('click_error')})"
        else:
            assert turn["user_message_seen"], f"{name}: the user's bubble never appeared"
        assert not turn["timed_out"], f"{name}: timed out waiting for the reply"
        assert turn["replies"], f"{name}: no reply"
        assert APOLOGY not in _turn_text(turn), f"{name}: the bot failed:\n{_turn_text(turn)}"
        bad = [w for w in turn["wire"] if not 200 <= int(w.get("status") or 0) < 300]
        assert not bad, f"{name}: HTTP exchanges that failed: {bad}"

    hi, controllers, listed, register, related, login, confirm, described, german, *rest = turns
    thanks, forget, erased = rest

    # "hi": a greeting the user can read
    assert _turn_text(hi).strip(), "'hi': the reply is empty"

    # the clicked role button: what was clicked stays visible, and so does the greeting (the
    # card is shown again with its "Controller" button marked)
    shown = _updated_text(controllers)
    assert "✓ Controller" in shown and "I help people" in shown, controllers.get("updated")

    # a recommendation card for Controllers network with a Join button (Action.OpenUrl)
    cards = [c for c in controllers["cards"] if "Controllers network" in (c.get("text") or "")]
    assert cards, f"no card names Controllers network:\n{_turn_text(controllers)}"
    joins = [a for c in cards for a in _open_urls(c) if "Join" in (a.get("title") or "")]
    assert joins, f"no Action.OpenUrl 'Join' button on the card: {cards[0].get('actions')}"
    for join in joins:
        assert (join.get("url") or "").startswith("https://"), join
        assert join.get("clicked_opened") == join["url"], f"clicking {join} opened nothing"

    # "List all teams" clicked: the list of every community
    assert "Interact's communities" in _turn_text(listed), _turn_text(listed)
    # a FAQ with related questions, and one of them clicked
    assert "Related questions" in _turn_text(register), _turn_text(register)
    assert RELATED in _turn_text(related), _turn_text(related)
    kept = _updated_text(related)  # the answer the user was reading stays, the click marked
    assert f"✓ {RELATED}" in kept and "register for an account" in kept, kept

    # the escalation names Interact's tech support and asks, with Yes / No buttons
    assert TECH_SUPPORT in _turn_text(login), (
        f"'I can't log in': {TECH_SUPPORT} not named:\n{_turn_text(login)}"
    )
    # "Yes" clicked: asked for a description, and the request is stored with an id; with no
    # support channel and no SMTP the receipt promises nothing and asks to send the e-mail
    assert "describe" in _turn_text(confirm), _turn_text(confirm)
    receipt = _turn_text(described)
    assert "SUP-0001" in receipt and "send them the e-mail below" in receipt, receipt
    assert "I will keep trying" not in receipt, receipt

    # a German question gets the German card (the screenshot of this turn is in the README)
    said = _turn_text(german)
    assert "Controllers network" in said, said
    assert all(label in said for label in GERMAN), said
    assert "Was this helpful?" not in said, said

    # "thank you!": a short friendly reply, neither the welcome card nor an apology
    said = _turn_text(thanks)
    assert "welcome" in said.lower() and "I help people" not in said, said
    assert "can't help" not in said, said

    # "please delete my data": asked first; "Yes" clicked: what was erased is said, including
    # the support request made above (its number), and the question stays with "Yes" marked
    assert "Shall I erase everything" in _turn_text(forget), _turn_text(forget)
    said = _turn_text(erased)
    assert "Done: I erased" in said and "SUP-0001" in said, said
    kept = _updated_text(erased)
    assert "✓ Yes" in kept and "Shall I erase everything" in kept, kept


def _converse(store_dir: Path) -> tuple[int, str, Path]:
    """One conversation: the bot on a fresh store, driven by the harness; the bot's log."""
    store_dir.mkdir(parents=True, exist_ok=True)
    bot_log = ARTIFACTS / "bot.log"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "MicrosoftAppId": "",
        "MicrosoftAppPassword": "",
        "ASSISTANT_TODAY": "2026-11-24",
        "ASSISTANT_DB": str(store_dir / "assistant.sqlite3"),
    }
    with bot_log.open("w", encoding="utf-8") as log:
        bot = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_healthy(bot, base, bot_log)
        rc, out = _run_harness(f"{base}/api/messages", ARTIFACTS)
        print(out)
        assert bot.poll() is None, f"the bot died during the run:\n{_tail(bot_log)}"
    finally:
        _stop(bot)
    return rc, out, bot_log


def _bot_answered_every_turn(transcript: Path) -> bool:
    """True when the playground recorded a bot activity in every turn (its wire log), so a
    turn without a reply on screen is the client's drawing order, not a silent bot."""
    try:
        turns = json.loads(transcript.read_text(encoding="utf-8"))["turns"]
    except (OSError, ValueError, KeyError):
        return False
    return all(
        any(w.get("direction") == "bot->playground" for w in turn.get("wire") or [])
        for turn in turns
    )


@pytest.mark.e2e
def test_playground_conversation(tmp_path: Path) -> None:
    if not HARNESS.is_dir():
        pytest.skip(f"Agents Playground harness not found at {HARNESS}")
    if shutil.which("node") is None:
        pytest.skip("node is not installed (the Agents Playground harness needs Node >= 18)")
    assert RUN_SH.is_file(), f"{RUN_SH} is missing from the harness folder"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    transcript = ARTIFACTS / "transcript.json"
    rc, out, bot_log = _converse(tmp_path / "first")
    if rc == NO_REPLY_ON_SCREEN and _bot_answered_every_turn(transcript):
        # Under load the playground sometimes draws a fast reply above the user's own bubble,
        # and the harness then reads no reply for that turn although the bot answered (its
        # wire log has it). Once, and only for that signature: the whole conversation again,
        # on a fresh store.
        print(f"harness saw no reply on screen although the bot answered; once more:\n{out}")
        rc, out, bot_log = _converse(tmp_path / "second")

    assert rc == 0, f"run.sh exited {rc}:\n{out}\nbot log:\n{_tail(bot_log)}"
    assert transcript.is_file(), f"run.sh wrote no transcript:\n{out}"
    _check_transcript(json.loads(transcript.read_text(encoding="utf-8")), out)
    log_text = bot_log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log_text, f"the bot logged an exception:\n{_tail(bot_log, 80)}"
    for shot in ["00.png", *(f"{i:02d}.png" for i in range(1, len(MESSAGES) + 1))]:
        assert (ARTIFACTS / shot).is_file(), f"screenshot {shot} missing in {ARTIFACTS}"
