"""Command line: ``python -m bot ask|check``.

python -m bot ask "which team for controllers?"          # human-readable answer
python -m bot ask --json "which team for controllers?"   # one JSON object
python -m bot ask --jsonl < questions.txt                # one JSON object per input line
python -m bot ask --locale fr-FR --json ok               # Teams' locale as the language hint
python -m bot check [DIR]                                # validate the data and the model
python -m bot doctor                                     # ready to go live? (exit 1: a blocker)
python -m bot train [DIR]                                # retrain the understanding model
python -m bot package [--out FILE] [--app-id GUID]       # build + validate the Teams app zip
python -m bot tickets [list|show ID|export --format csv|json] [--status S] [--db PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.assistant import Assistant, Reply
from bot.cli import doctor
from bot.core.catalogue import CatalogueError, load_catalogue
from bot.core.learning import Lexicon, build, load_understanding
from bot.core.model import (
    MODEL_FILE,
    ModelError,
    current_fingerprint,
    expected_fingerprint,
    load_model,
)
from bot.core.training import TrainingError, examples, load_training
from bot.exits import ExitCode, data_error_line
from bot.ops import feedback
from bot.packaging import package as teams_package
from bot.settings import Settings, SettingsError
from bot.tickets.model import (
    Delivery,
    Status,
    Ticket,
    one_line,
    parse_id,
    printable,
    write_csv,
    write_json,
)
from bot.tickets.store.contract import Store, StoreError
from bot.tickets.store.factory import open_store
from bot.tickets.store.sqlite import SqliteStore


def _settings() -> Settings:
    return Settings.from_env(os.environ, dotenv=Path(".env"))


def load_assistant(settings: Settings) -> Assistant:
    catalogue = load_catalogue(settings.data_dir).with_portal(
        register_url=settings.register_url, all_communities_url=settings.all_communities_url
    )
    loaded = load_understanding(settings.data_dir, catalogue)
    if loaded.retrained:
        print(f"warning: {loaded.retrained}; using a model trained now", file=sys.stderr)
    return Assistant(catalogue, model=loaded.model, languages=loaded.languages)


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
            text = line.rstrip("\r\n")
            reply = assistant.respond(text, today, language=assistant.language(text, args.locale))
            out.write(json.dumps(reply.to_json(), ensure_ascii=False) + "\n")
        return 0
    question = " ".join(args.question)
    if not question:
        print("ask: give a question, or --jsonl with questions on standard input", file=sys.stderr)
        return 2
    reply = assistant.respond(question, today, language=assistant.language(question, args.locale))
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
        return ExitCode.DATA
    try:
        items, fingerprint = expected_fingerprint(directory, catalogue)
        load_model(directory / MODEL_FILE, fingerprint)
    except TrainingError as exc:
        for problem in exc.problems:
            print(f"{directory}/{problem}", file=sys.stderr)
        print(f"check: {len(exc.problems)} problem(s) in {directory}", file=sys.stderr)
        return ExitCode.DATA
    except ModelError as exc:
        print(f"check: {exc}", file=sys.stderr)
        return ExitCode.DATA
    counts = ", ".join(f"{v} {k}" for k, v in catalogue.counts().items())
    out.write(
        f"check: {directory} is valid (version {catalogue.version}): {counts}; "
        f"{len(items)} training examples, the model is up to date\n"
    )
    return 0


def cmd_train(args: argparse.Namespace, out: TextIO) -> int:
    """Train the understanding model on the examples generated from the data, pick its
    thresholds by cross-validation, and write it next to the data."""
    directory = Path(args.dir) if args.dir else _settings().data_dir
    try:
        catalogue = load_catalogue(directory)
        training = load_training(directory, catalogue)
    except (CatalogueError, TrainingError) as exc:
        for problem in exc.problems:
            print(f"{directory}/{problem}", file=sys.stderr)
        print("train: fix the data first (python -m bot check)", file=sys.stderr)
        return ExitCode.DATA
    items = examples(catalogue, training)
    languages = dict(training.languages)
    fingerprint = current_fingerprint(items, catalogue, languages)
    model = build(items, fingerprint, Lexicon(catalogue, languages))
    path = directory / MODEL_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")
    out.write(
        f"train: {len(items)} examples, {len(model.labels)} labels, {len(model.rows)} features, "
        f"{model.entries()} weights; "
        f"temperature {model.temperature}, thresholds {model.thresholds}; wrote {path}\n"
    )
    return 0


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    """Content editors and operators: what every instance recorded since a day (the store)."""
    try:
        since = dt.date.fromisoformat(args.since) if args.since else None
    except ValueError:
        print(f"report: --since must be a date (YYYY-MM-DD), not {args.since!r}", file=sys.stderr)
        return 2
    tokenizer = load_catalogue(_settings().data_dir).tokenizer  # how questions are grouped
    opened = _open_store("report", args.db)
    if opened is None:
        return 1
    store, where = opened
    if since is None:
        since = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=30)
    with contextlib.closing(store):
        found = feedback.report(store, since, args.by, top=args.top, tokenizer=tokenizer)
        out.write(f"Since {since.isoformat()}, every instance ({where}):\n\n")
        out.write(f"Turns by {args.by}:\n")
        for value, count in found.counts:
            out.write(f"  {count:5d}  {printable(value)}\n")
        if not found.counts:
            out.write("  (none)\n")
        out.write("\nQuestions that fell back most often:\n")
        for question, count in found.fallbacks:
            out.write(f"  {count:5d}  {printable(question)}\n")
        if not found.fallbacks:
            out.write("  (none)\n")
        out.write("\nVotes per answer (👍 up, 👎 down):\n")
        for key, up, down in found.votes:
            out.write(f"  {up:5d} 👍 {down:5d} 👎  {printable(key)}\n")
        if not found.votes:
            out.write("  (none)\n")
        if args.csv:
            with open(args.csv, "w", encoding="utf-8", newline="") as f:
                n = feedback.export_csv(store, since, args.by, f)
            out.write(f"\nexported {n} row(s) to {args.csv}\n")
    return 0


def cmd_doctor(args: argparse.Namespace, out: TextIO) -> int:
    settings = _settings()
    return doctor.report(doctor.examine(settings, store_timeout=args.timeout), out)


def cmd_package(args: argparse.Namespace, out: TextIO) -> int:
    return teams_package.command(args, _settings(), out, sys.stderr)


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if value else "-"


def _ticket_line(t: Ticket) -> str:
    created = t.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
    return (
        f"{t.id}  {t.status:<8}  {created}  {one_line(t.route, 16):<16}  "
        f"{one_line(t.user_name, 20):<20}  {one_line(t.description)}"
    )


def _delivery_line(d: Delivery) -> str:
    head = f"#{d.id} {d.kind:<7}"
    if d.done_at is not None:
        return f"{head} done {_when(d.done_at)}"
    text = f"{head} pending, {d.attempts} failed attempt(s), next {_when(d.next_attempt_at)}"
    if d.last_error:
        text += f", last error: {one_line(d.last_error, 120)}"
    return text


def _show_ticket(t: Ticket, deliveries: list[Delivery]) -> str:
    conversation = t.conversation_reference.get("conversation") or {}
    conversation_id = conversation.get("id") if isinstance(conversation, dict) else None
    lines = [
        f"{t.id} ({t.status}, version {t.version})",
        f"route:        {printable(t.route)} ({printable(t.contact_email)})",
        f"user:         {printable(t.user_name)} <{printable(t.user_email)}>"
        f" (AAD object id {printable(t.user_aad_id) or '-'})",
        f"assignee:     {printable(t.assignee) or '-'}",
        f"created:      {_when(t.created_at)}",
        f"updated:      {_when(t.updated_at)}",
        f"conversation: {printable(str(conversation_id or '-'))}",
        f"channel post: {printable(t.channel_activity_id or '-')}",
        "description:",
        *(f"  {line}" for line in printable(t.description, keep_newlines=True).split("\n")),
        "transcript:",
        *(f"  {turn.time} {turn.who}: {one_line(turn.text, 200)}" for turn in t.transcript),
        "deliveries:",
        *(f"  {_delivery_line(d)}" for d in deliveries),
    ]
    if not t.transcript:
        lines.insert(lines.index("deliveries:"), "  (none)")
    if not deliveries:
        lines.append("  (none)")
    return "\n".join(lines)


def _ticket_arguments_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the ticket id given (or not) to ``tickets``, for one line of error."""
    if args.action == "show" and not args.ticket:
        return "show needs a ticket id, e.g. SUP-0042"
    if args.action != "show" and args.ticket:
        return f"{args.action} takes no ticket id (use show)"
    if args.ticket and parse_id(args.ticket) is None:
        return (
            f"{printable(one_line(args.ticket))} is not a ticket id "
            "(SUP- and up to 12 digits, e.g. SUP-0042)"
        )
    return None


def _open_store(command: str, db: str | None) -> tuple[Store, Path | str] | None:
    """The store of the settings (SQLite or Blob), or the SQLite file ``db``, and where it is;
    None (the reason printed) when it cannot be opened."""
    settings = None if db else _settings()
    if settings is not None and settings.store_backend == "blob":  # ASSISTANT_STORE=blob
        where = f"Azure Blob Storage container {settings.azure_storage_container}"
        try:
            return open_store(settings.store_config()), where
        except Exception as exc:  # the SDK's errors name the account, never the key
            print(f"{command}: cannot open {where}: {exc}", file=sys.stderr)
            return None
    path = settings.store_path if settings else Path(str(db))
    if not path.is_file():
        print(f"{command}: no store at {path} (set ASSISTANT_DB or pass --db)", file=sys.stderr)
        return None
    try:
        return SqliteStore(path), path
    except (StoreError, sqlite3.Error) as exc:
        print(f"{command}: cannot open {path}: {exc}", file=sys.stderr)
        return None


def cmd_tickets(args: argparse.Namespace, out: TextIO) -> int:
    """Support staff: list, show and export the escalation tickets."""
    problem = _ticket_arguments_problem(args)
    if problem:
        print(f"tickets: {problem}", file=sys.stderr)
        return 2
    opened = _open_store("tickets", args.db)
    if opened is None:
        return 1
    store, path = opened
    with contextlib.closing(store):
        status = Status(args.status) if args.status else None
        if args.action == "show":
            ticket = store.get_ticket(args.ticket)
            if ticket is None:
                print(f"tickets: no ticket {printable(args.ticket)} in {path}", file=sys.stderr)
                return 1
            out.write(_show_ticket(ticket, store.deliveries(ticket.id)) + "\n")
            return 0
        tickets = store.list_tickets(status)
        if args.action == "list":
            for ticket in tickets:
                out.write(_ticket_line(ticket) + "\n")
            which = f" {status}" if status else ""
            out.write(f"{len(tickets)}{which} ticket(s) in {path}\n")
            return 0
        write = write_csv if args.format == "csv" else write_json
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="") as f:
                n = write(tickets, f)
            out.write(f"exported {n} ticket(s) to {args.out}\n")
        else:
            write(tickets, out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer questions as the bot would")
    ask.add_argument("question", nargs="*")
    ask.add_argument(
        "--locale",
        default="",
        help="Teams' locale of the user (fr-FR): the reply's language "
        "when a message is too short to tell",
    )
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print one JSON object")
    mode.add_argument("--jsonl", action="store_true", help="questions on stdin, JSON lines out")
    ask.set_defaults(func=cmd_ask)
    check = sub.add_parser("check", help="validate the data files")
    check.add_argument("dir", nargs="?", help="data folder (default: the bot's data/)")
    check.set_defaults(func=cmd_check)
    check_live = sub.add_parser(
        "doctor", help="what must be true before going live: ok / warning / blocker, and fixes"
    )
    check_live.add_argument(
        "--timeout",
        type=float,
        default=doctor.STORE_TIMEOUT_SECONDS,
        help="seconds the store may take to answer (default %(default)g)",
    )
    check_live.set_defaults(func=cmd_doctor)
    train = sub.add_parser("train", help="retrain the understanding model on the data")
    train.add_argument("dir", nargs="?", help="data folder (default: the bot's data/)")
    train.set_defaults(func=cmd_train)
    package = sub.add_parser("package", help="build and validate the Teams app package (zip)")
    teams_package.add_arguments(package)
    package.set_defaults(func=cmd_package)
    report = sub.add_parser("report", help="fallback questions and votes, for content editors")
    report.add_argument("--since", help="first day, YYYY-MM-DD (default: 30 days ago)")
    report.add_argument(
        "--by", choices=feedback.DIMENSIONS, default="intent", help="count turns by this"
    )
    report.add_argument("--top", type=int, default=20, help="how many fallback questions")
    report.add_argument("--csv", help="also export the counts per day, votes and questions")
    report.add_argument("--db", help="a SQLite store file (default: the settings' store)")
    report.set_defaults(func=cmd_report)
    tickets = sub.add_parser("tickets", help="list, show and export support tickets")
    tickets.add_argument("action", nargs="?", choices=("list", "show", "export"), default="list")
    tickets.add_argument("ticket", nargs="?", help="the ticket id for show, e.g. SUP-0042")
    tickets.add_argument("--status", choices=[str(s) for s in Status], help="only these")
    tickets.add_argument(
        "--format", choices=("csv", "json"), default="csv", help="export format (default csv)"
    )
    tickets.add_argument("--out", help="export to this file (default: standard output)")
    tickets.add_argument(
        "--db", help="ticket store (default: ASSISTANT_DB or var/assistant.sqlite3)"
    )
    tickets.set_defaults(func=cmd_tickets)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Runs a command; its exit code is a ``bot.exits.ExitCode``."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args, out or sys.stdout))
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.SETTINGS
    except CatalogueError as exc:
        directory = Path(args.dir) if getattr(args, "dir", None) else _settings().data_dir
        print(f"error: {data_error_line(exc, directory)}", file=sys.stderr)
        return ExitCode.DATA
