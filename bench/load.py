"""Load benchmark: the running assistant under N concurrent conversations, against a stock
botbuilder echo bot on the same stack, measured in the same run, alternately.

    .venv/bin/python bench/load.py                                  # 50 and 200 conversations
    .venv/bin/python bench/load.py --conversations 50 --turns 20 --rounds 3
    .venv/bin/python bench/load.py --conversations 200 --seconds 30 --questions my.txt

For each level of concurrency N, two fresh processes are started: the assistant (``python app.py``
with HOST=127.0.0.1, a free PORT, no MicrosoftAppId, ASSISTANT_DB in a temporary
folder, and RATE_LIMIT_PER_MINUTE high enough never to fire: load-test conversations talk faster
than people) and ``bench/echo_bot.py`` (a stock botbuilder echo bot). A connector stub runs in
this process: it plays the Bot Connector service, records every reply per conversation and per
incoming activity, and answers ``{"id": ...}``. Both bots send their replies to it (the
activities' serviceUrl), during the request, as in Teams.

A measurement is N conversations at once, each M turns in a row: a turn posts one message
activity (a question read from --questions, each conversation starting at a different one) and
waits for the HTTP response; its latency runs from the request being sent to the last of its
replies being received (the bot answers the request after its replies were accepted). A turn is
an error if the status is not 2xx, the request fails or times out, or the bot apologises for an
error (or says it is rate-limited); it is lost if no reply arrived at the stub. Questions that
would open the escalation dialog (a yes/no question) are refused at start-up; should the bot
ask it anyway, the conversation's next turn answers "no". After a short warm-up (not measured),
measurements alternate between the bots (echo, assistant, then assistant, echo, ...) for
--rounds rounds; each bot's figures pool its rounds: turns/s is its turns over its measured
time, CPU ms/turn the CPU time its process (all threads) used over its turns. Peak RSS is the
bot process's high-water mark (VmHWM) at the end.

Bounded: each measurement stops starting turns after --seconds and is cut off --grace seconds
later (unfinished turns count as errors); at most N x M turns per measurement.

Targets (both levels): zero errors and zero lost replies for both bots; the assistant's turns/s
at least 1.5x the echo bot's and its p99 below the echo bot's; the assistant's peak RSS under
150 MB. The exit status is 1 when a target is missed. A benchmark, not a test: pytest does not
run it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "bench" / "questions.txt"

TARGET_RATIO = 1.5
TARGET_RSS_MB = 150.0
APOLOGY = "something went wrong"  # the assistant's on_turn_error apology
ECHO_ERROR = "encountered an error"  # the echo sample's
RATE_LIMITED = "faster than I can answer"  # the assistant's rate limiter
# the escalation dialog's yes/no question: passed on by the bot, or an e-mail the user sends
CONFIRMS = ("Shall I pass your request", "Shall I prepare an e-mail")


# --------------------------------------------------------------------------- connector stub


@dataclass
class ConnectorStub:
    """Plays the Bot Connector service: records replies per (conversation, incoming activity)."""

    url: str = ""
    replies: dict[tuple[str, str], list[tuple[float, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    total: int = 0

    def app(self) -> web.Application:
        ids = itertools.count(1)

        async def post(request: web.Request) -> web.Response:
            body = await request.json()
            key = (request.match_info["cid"], request.match_info.get("aid", ""))
            text = body.get("text") or ""
            for att in body.get("attachments") or []:
                text += " " + json.dumps(att.get("content"), ensure_ascii=False)
            self.replies[key].append((time.perf_counter(), text))
            self.total += 1
            return web.json_response({"id": f"sent-{next(ids)}"})

        async def put(request: web.Request) -> web.Response:
            await request.read()
            return web.json_response({"id": request.match_info["aid"]})

        async def member(request: web.Request) -> web.Response:
            uid = request.match_info["uid"]
            return web.json_response({"id": uid, "name": "Load Test", "aadObjectId": uid})

        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_get("/v3/conversations/{cid}/members/{uid}", member)
        app.router.add_post("/v3/conversations/{cid}/activities", post)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", post)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", put)
        return app


# --------------------------------------------------------------------------- the bots


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Bot:
    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/messages"

    def start(self, cwd: Path) -> None:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command, cwd=cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    async def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited at start-up:\n{self.log_tail()}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                await writer.wait_closed()
                return
            except OSError:
                await asyncio.sleep(0.1)
        raise SystemExit(f"{self.name} did not listen within {timeout:.0f} s:\n{self.log_tail()}")

    def peak_rss_mb(self) -> float:
        """The process's resident-set high-water mark (VmHWM), in MB."""
        assert self.process is not None
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return math.nan
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return math.nan

    def cpu_seconds(self) -> float:
        """User + system CPU time the process (all its threads) has used so far."""
        assert self.process is not None
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return math.nan
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_bots(tmp: Path) -> tuple[Bot, Bot]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    assistant = Bot(
        "assistant",
        [sys.executable, str(ROOT / "app.py")],
        {
            **base,
            "PORT": "0",
            "HOST": "127.0.0.1",
            "MicrosoftAppId": "",
            "MicrosoftAppPassword": "",
            "ASSISTANT_DB": str(tmp / "assistant.sqlite3"),
            # a load test's conversations talk faster than people: the limiter runs, never fires
            "RATE_LIMIT_PER_MINUTE": "100000",
            "PYTHONUNBUFFERED": "1",
        },
        tmp / "assistant.log",
        0,
    )
    echo = Bot(
        "echo",
        [sys.executable, str(ROOT / "bench" / "echo_bot.py"), "--port", "0"],
        {**base, "PYTHONUNBUFFERED": "1"},
        tmp / "echo.log",
        0,
    )
    for bot in (assistant, echo):
        bot.port = free_port()
        if bot is assistant:
            bot.env["PORT"] = str(bot.port)
        else:
            bot.command[-1] = str(bot.port)
        bot.start(cwd=tmp)  # not the repository: no developer's .env is read
    return echo, assistant


# --------------------------------------------------------------------------- the load


def read_questions(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    questions = [q.strip() for q in lines if q.strip() and not q.lstrip().startswith("#")]
    if not questions:
        raise SystemExit(f"{path}: no questions")
    return questions


def check_questions(questions: Sequence[str]) -> None:
    """Refuse questions that open the escalation dialog (it waits for yes / no)."""
    sys.path.insert(0, str(ROOT))
    from bot.assistant import Assistant
    from bot.core.catalogue import load_catalogue
    from bot.core.understanding import Context, Intent

    assistant = Assistant(load_catalogue(ROOT / "data"))
    understander = assistant.understander
    escalating = [
        q for q in questions if understander.understand(q, Context()).intent == Intent.ESCALATE
    ]
    if escalating:
        raise SystemExit(
            "these questions open the escalation dialog:\n  " + "\n  ".join(escalating)
        )


@dataclass
class Result:
    bot: str
    conversations: int
    latencies: list[float] = field(default_factory=list)  # seconds, completed turns
    errors: int = 0
    lost: int = 0
    turns: int = 0
    seconds: float = 0.0
    cpu: float = 0.0  # the bot process's CPU seconds during the measurement
    error_samples: list[str] = field(default_factory=list)

    def merge(self, other: Result) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.lost += other.lost
        self.turns += other.turns
        self.seconds += other.seconds
        self.cpu += other.cpu
        self.error_samples += other.error_samples[: max(0, 5 - len(self.error_samples))]

    @property
    def rate(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """The bot's CPU time per turn (its process, all threads), in ms."""
        return self.cpu / self.turns * 1000 if self.turns else math.nan

    def pct(self, q: float) -> float:
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000


def activity(stub: ConnectorStub, cid: str, uid: str, turn_id: str, text: str) -> dict:
    return {
        "type": "message",
        "id": turn_id,
        "timestamp": "2026-11-24T10:00:00.000Z",
        "serviceUrl": stub.url,
        "channelId": "msteams",
        "from": {"id": uid, "name": "Load Test", "aadObjectId": f"aad-{uid}"},
        "conversation": {"id": cid, "conversationType": "personal", "tenantId": "t-load"},
        "recipient": {"id": "28:bot-load", "name": "Interact"},
        "locale": "en-US",
        "text": text,
        "channelData": {"tenant": {"id": "t-load"}},
    }


async def conversation(
    session: ClientSession,
    stub: ConnectorStub,
    bot: Bot,
    result: Result,
    label: str,
    index: int,
    turns: int,
    questions: Sequence[str],
    deadline: float,
) -> None:
    cid = f"a:load-{label}-{index}"
    uid = f"29:user-{label}-{index}"
    answer_no = False
    for turn in range(turns):
        if time.perf_counter() >= deadline:
            return
        text = "no" if answer_no else questions[(index * 7 + turn) % len(questions)]
        turn_id = f"t{turn}"
        body = activity(stub, cid, uid, turn_id, text)
        start = time.perf_counter()
        try:
            async with session.post(bot.url, json=body) as resp:
                await resp.read()
                status = resp.status
        except Exception as exc:  # any failure (refused, reset, timeout) is an error
            result.turns += 1
            result.errors += 1
            result.error_samples.append(f"{cid} {turn_id}: {type(exc).__name__}: {exc}")
            continue
        done = time.perf_counter()
        result.turns += 1
        replies = stub.replies.get((cid, turn_id), []) + [
            r
            for r in stub.replies.get((cid, ""), [])
            if r[0] >= start  # not sent as a reply
        ]
        if not 200 <= status < 300:
            result.errors += 1
            result.error_samples.append(f"{cid} {turn_id}: HTTP {status}")
        if not replies:
            result.lost += 1
            continue
        texts = " ".join(t for _, t in replies)
        if APOLOGY in texts or ECHO_ERROR in texts or RATE_LIMITED in texts:
            result.errors += 1
            result.error_samples.append(f"{cid} {turn_id}: the bot apologised: {texts[:120]}")
        answer_no = any(confirm in texts for confirm in CONFIRMS)
        result.latencies.append(max(done, replies[-1][0]) - start)


async def measure(
    session: ClientSession,
    stub: ConnectorStub,
    bot: Bot,
    label: str,
    conversations: int,
    turns: int,
    questions: Sequence[str],
    seconds: float,
    grace: float,
) -> Result:
    result = Result(bot.name, conversations)
    stub.replies.clear()  # each turn is checked as it ends: nothing older is needed
    cpu_start = bot.cpu_seconds()
    start = time.perf_counter()
    deadline = start + seconds
    tasks = [
        asyncio.create_task(
            conversation(session, stub, bot, result, label, i, turns, questions, deadline)
        )
        for i in range(conversations)
    ]
    _done, pending = await asyncio.wait(tasks, timeout=seconds + grace)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    result.seconds = time.perf_counter() - start
    result.cpu = bot.cpu_seconds() - cpu_start
    if pending:
        result.errors += len(pending)
        result.error_samples.append(
            f"{len(pending)} conversations cut off after {seconds + grace:.0f} s"
        )
    return result


async def run_level(
    stub: ConnectorStub, questions: Sequence[str], n: int, args: argparse.Namespace
) -> tuple[Result, Result, float, float]:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp_name:
        tmp = Path(tmp_name)
        echo, assistant = start_bots(tmp)
        try:
            await asyncio.gather(echo.wait_ready(), assistant.wait_ready())
            timeout = ClientTimeout(total=args.seconds + args.grace)
            async with ClientSession(
                connector=TCPConnector(limit=0, force_close=False), timeout=timeout
            ) as session:
                for bot in (echo, assistant):  # warm-up: imports, caches, connections
                    await measure(session, stub, bot, f"warm-{n}", min(n, 20), 5, questions, 30, 10)
                totals = {b.name: Result(b.name, n) for b in (echo, assistant)}
                for r in range(args.rounds):
                    order = (echo, assistant) if r % 2 == 0 else (assistant, echo)
                    for bot in order:
                        res = await measure(
                            session,
                            stub,
                            bot,
                            f"{n}-{r}",
                            n,
                            args.turns,
                            questions,
                            args.seconds,
                            args.grace,
                        )
                        print(
                            f"    round {r + 1} {bot.name:<9} {res.turns:6d} turns "
                            f"{res.rate:8.1f} turns/s  p99 {res.pct(0.99):7.1f} ms  "
                            f"CPU {res.cpu_ms:5.2f} ms/turn  errors {res.errors}  lost {res.lost}",
                            flush=True,
                        )
                        totals[bot.name].merge(res)
            rss = echo.peak_rss_mb(), assistant.peak_rss_mb()
        finally:
            for bot in (echo, assistant):
                bot.stop()
        for res, bot in ((totals["echo"], echo), (totals["assistant"], assistant)):
            if res.errors or res.lost:
                print(f"  {bot.name}: first problems: {res.error_samples[:5]}")
                print(f"  {bot.name} log (tail):\n{bot.log_tail()}")
        return totals["echo"], totals["assistant"], rss[0], rss[1]


def row(n: int, res: Result, rss: float) -> str:
    return (
        f"| {n:>5} | {res.bot:<9} | {res.turns:6d} | {res.rate:8.1f} | {res.pct(0.5):7.1f} | "
        f"{res.pct(0.95):7.1f} | {res.pct(0.99):7.1f} | {res.errors:6d} | {res.lost:4d} | "
        f"{res.cpu_ms:6.2f} | {rss:8.1f} |"
    )


async def main_async(args: argparse.Namespace) -> int:
    questions = read_questions(args.questions)
    check_questions(questions)
    levels = [int(x) for x in args.conversations.split(",") if x.strip()]
    stub = ConnectorStub()
    runner = web.AppRunner(stub.app(), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stub.url = f"http://127.0.0.1:{port}/"
    print(
        f"Load benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"{len(questions)} questions from {args.questions.name}; {args.turns} turns per "
        f"conversation, {args.rounds} rounds per bot, alternating"
    )
    rows: list[str] = []
    missed: list[str] = []
    try:
        for n in levels:
            print(f"\n{n} concurrent conversations:", flush=True)
            echo, assistant, echo_rss, assistant_rss = await run_level(stub, questions, n, args)
            rows += [row(n, echo, echo_rss), row(n, assistant, assistant_rss)]
            ratio = assistant.rate / echo.rate if echo.rate else math.inf
            p99_ratio = assistant.pct(0.99) / echo.pct(0.99)
            rows.append(
                f"| {n:>5} | ratio     | assistant / echo: turns/s {ratio:.2f}x "
                f"(target >= {TARGET_RATIO:g}x), p99 {p99_ratio:.2f}x (target < 1) |"
            )
            for res in (echo, assistant):
                if res.errors:
                    missed.append(f"{n}: {res.bot} errors")
                if res.lost:
                    missed.append(f"{n}: {res.bot} lost replies")
            if ratio < TARGET_RATIO:
                missed.append(f"{n}: turns/s ratio {ratio:.2f}")
            if not assistant.pct(0.99) < echo.pct(0.99):
                missed.append(f"{n}: assistant p99 not below echo's")
            if not assistant_rss < TARGET_RSS_MB:
                missed.append(f"{n}: assistant peak RSS {assistant_rss:.0f} MB")
    finally:
        await runner.cleanup()
    print(
        "\n| conv. | bot       |  turns |  turns/s |  p50 ms |  p95 ms |  p99 ms | errors | lost "
        "| CPU ms/turn | peak RSS MB |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))
    print("\nAll targets met." if not missed else f"\nMISSED: {'; '.join(missed)}")
    return 1 if missed else 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--conversations", default="50,200", help="levels of concurrency, e.g. 50,200")
    ap.add_argument("--turns", type=int, default=10, help="turns per conversation")
    ap.add_argument("--rounds", type=int, default=2, help="measurements per bot and level")
    ap.add_argument("--seconds", type=float, default=60.0, help="max time of one measurement")
    ap.add_argument("--grace", type=float, default=30.0, help="then unfinished turns are cut off")
    ap.add_argument("--questions", type=Path, default=QUESTIONS, help="one question a line")
    args = ap.parse_args(argv)
    if args.turns < 1 or args.rounds < 1 or args.seconds <= 0:
        ap.error("--turns, --rounds and --seconds must be positive")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
