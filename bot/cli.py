"""Command line: ``python -m bot ask|check``.

python -m bot ask "which team for controllers?"          # human-readable answer
python -m bot ask --json "which team for controllers?"   # one JSON object
python -m bot ask --jsonl < questions.txt                # one JSON object per input line
python -m bot check [DIR]                                # validate the data files
python -m bot package [--out FILE] [--app-id GUID]       # build + validate the Teams app zip
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot import package as teams_package
from bot.assistant import Assistant, Reply
from bot.catalogue import CatalogueError, load_catalogue
from bot.feedback import FeedbackLog
from bot.settings import Settings, SettingsError


def _settings() -> Settings:
    return Settings.from_env(os.environ, dotenv=Path(".env"))


def load_assistant(settings: Settings) -> Assistant:
    catalogue = load_catalogue(settings.data_dir).with_portal(
        register_url=settings.register_url, all_communities_url=settings.all_communities_url
    )
    return Assistant(catalogue)


def _human(reply: Reply) -> str:
    lines = [f"[{reply.answer.intent}]"]
    for r in reply.answer.recommendations:
        parent = f" (sub-team of {r.parent.name})" if r.parent else ""
        lines.append(f"  -> {r.community.name}{parent}: {r.reason}")
    lines.append(reply.text)
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace, out: TextIO) -> int:
    settings = _settings()
    assistant = load_assistant(settings)
    today = settings.date_today()
    if args.jsonl:
        for line in sys.stdin:
            reply = assistant.respond(line.rstrip("\r\n"), today)
            out.write(json.dumps(reply.to_json(), ensure_ascii=False) + "\n")
        return 0
    question = " ".join(args.question)
    if not question:
        print("ask: give a question, or --jsonl with questions on standard input", file=sys.stderr)
        return 2
    reply = assistant.respond(question, today)
    if args.json:
        out.write(json.dumps(reply.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(_human(reply) + "\n")
    return 0


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    directory = Path(args.dir) if args.dir else _settings().data_dir
    try:
        catalogue = load_catalogue(directory)
    except CatalogueError as exc:
        for problem in exc.problems:
            print(f"{directory}/{problem}", file=sys.stderr)
        print(f"check: {len(exc.problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{v} {k}" for k, v in catalogue.counts().items())
    out.write(f"check: {directory} is valid (version {catalogue.version}): {counts}\n")
    return 0


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    log = FeedbackLog(Path(args.log) if args.log else _settings().feedback_path)
    report = log.report(top=args.top)
    out.write(f"Questions that fell back most often ({log.path}):\n")
    for question, count in report.fallbacks:
        out.write(f"  {count:5d}  {question}\n")
    if not report.fallbacks:
        out.write("  (none)\n")
    out.write("\nVotes per answer (👍 up, 👎 down):\n")
    for key, up, down in report.votes:
        out.write(f"  {up:5d} 👍 {down:5d} 👎  {key}\n")
    if not report.votes:
        out.write("  (none)\n")
    if args.csv:
        with open(args.csv, "w", encoding="utf-8", newline="") as f:
            n = log.export_csv(f)
        out.write(f"\nexported {n} events to {args.csv}\n")
    return 0


def cmd_package(args: argparse.Namespace, out: TextIO) -> int:
    return teams_package.command(args, _settings(), out, sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer questions as the bot would")
    ask.add_argument("question", nargs="*")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print one JSON object")
    mode.add_argument("--jsonl", action="store_true", help="questions on stdin, JSON lines out")
    ask.set_defaults(func=cmd_ask)
    check = sub.add_parser("check", help="validate the data files")
    check.add_argument("dir", nargs="?", help="data folder (default: the bot's data/)")
    check.set_defaults(func=cmd_check)
    package = sub.add_parser("package", help="build and validate the Teams app package (zip)")
    teams_package.add_arguments(package)
    package.set_defaults(func=cmd_package)
    report = sub.add_parser("report", help="fallback questions and votes, for content editors")
    report.add_argument("--top", type=int, default=20, help="how many fallback questions")
    report.add_argument("--csv", help="also export every event to this CSV file")
    report.add_argument("--log", help="feedback log (default: FEEDBACK_LOG or var/feedback.jsonl)")
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args, out or sys.stdout))
    except (CatalogueError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
