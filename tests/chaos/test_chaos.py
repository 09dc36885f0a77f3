"""A bounded chaos test: ``python app.py`` killed (SIGKILL) at random moments while users escalate
and staff assign their tickets at the same time, restarted each time; on SQLite (one instance)
and on two instances sharing one Blob Storage container (Azurite).

The users behave as users do: a message that got no answer (the bot died) is sent again; the
bot's last question decides what they say next. At the end, with every instance up:

- 0 acknowledged tickets lost: every ticket id a user was given is in the store;
- 0 duplicate tickets: one ticket per conversation;
- 0 lost notices: every ticket is assigned and its user was told;
- every delivery done.

The figures (kills, tickets, repeated deliveries: at least once, kept rare) are printed; the
README shows them. ``CHAOS_KILLS``, ``CHAOS_CONVERSATIONS`` and ``CHAOS_SEED`` set the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bot.tickets.store.config import BlobConfig, SqliteConfig, StoreConfig
from bot.tickets.store.contract import Store
from bot.tickets.store.factory import open_store
from cards.builders import card_text
from tests.support.connector import ConnectorStub, activity, serving
from tests.support.http import ADMIN, AGENT, IN_CHANNEL

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("CHAOS_KILLS", "2"))
CONVERSATIONS = int(os.environ.get("CHAOS_CONVERSATIONS", "4"))
SEED = int(os.environ.get("CHAOS_SEED", "0")) or random.randrange(1, 10**6)
AT_ONCE = 6  # conversations in flight at the same time (more wait their turn)
SUPPORT = "19:support@thread.tacv2"
DESCRIPTION = "The activation mail never arrives, even after three tries ({n})"
LEASE_SECONDS = 5  # DELIVERY_LEASE_SECONDS: a dead instance's deliveries are taken over soon
DEADLINE_SECONDS = 240
TICKET = re.compile(r"\bSUP-\d{4,}\b")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Instance:
    """One ``python app.py``: started, killed with SIGKILL, started again on its port."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=_free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, session: aiohttp.ClientSession) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "app.py"],
                cwd=ROOT,
                env={**self.env, "PORT": str(self.port)},
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text(errors="replace")[-3000:]
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"{self.url}/readyz") as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.url} did not get ready")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def up(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


@dataclass
class Run:
    connector: ConnectorStub
    instances: list[Instance]
    session: aiohttp.ClientSession
    rng: random.Random
    kills: int = 0
    failed_posts: int = 0

    async def post(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """Post to a live instance until one answers (as Teams redelivers); its JSON body."""
        while True:
            live = [i for i in self.instances if i.up()] or self.instances
            instance = self.rng.choice(live)
            try:
                async with self.session.post(f"{instance.url}/api/messages", json=body) as resp:
                    if resp.status < 500:
                        text = await resp.text()
                        return await resp.json() if text else None
            except (TimeoutError, aiohttp.ClientError):
                pass
            self.failed_posts += 1
            await asyncio.sleep(0.1)

    def said_to(self, conversation: str) -> list[str]:
        texts = []
        for sent in self.connector.sent:
            if f"/v3/conversations/{conversation}/" in sent["_path"] + "/":
                parts = [sent.get("text") or ""]
                for att in sent.get("attachments") or []:
                    parts.extend(card_text(att.get("content")))
                texts.append("\n".join(parts))
        return texts


async def user(run: Run, n: int) -> str:
    """One user escalating a problem until they are given a ticket id; that id."""
    conversation = f"a:chaos-{n}"
    who = {"id": f"29:user-{n}", "name": f"User {n}", "aadObjectId": f"aad-user-{n}"}
    text = "I can't log in"
    for _ in range(60):
        seen = len(run.said_to(conversation))
        body = activity(
            run.connector,
            text,
            id=f"m-{n}-{time.monotonic_ns()}",
            conversation={"id": conversation, "conversationType": "personal", "tenantId": "t-1"},
            **{"from": who},
        )
        await run.post(body)
        replies = run.said_to(conversation)[seen:]
        last = replies[-1] if replies else ""
        found = TICKET.findall("\n".join(replies))
        if found:
            return found[-1]
        if "Shall I " in last:  # pass it on, or prepare the e-mail (no channel, no SMTP)
            text = "yes"
        elif "describe the problem" in last:
            text = DESCRIPTION.format(n=n)
        elif not replies:
            continue  # no answer (the bot died mid-turn): say it again
        else:
            text = "I can't log in"
        await asyncio.sleep(run.rng.uniform(0, 0.3))
    raise AssertionError(f"conversation {n} never got a ticket: {run.said_to(conversation)}")


async def assign(run: Run, ticket_id: str, store: Store) -> None:
    """A support agent presses "Assign to me" on the ticket's card until it shows as taken."""
    for _ in range(60):
        ticket = await asyncio.to_thread(store.get_ticket, ticket_id)
        assert ticket is not None
        if ticket.status == "assigned":
            return
        data = {"ticket": ticket_id, "version": ticket.version}
        value = {"action": {"type": "Action.Execute", "verb": "ticket.assign", "data": data}}
        body = activity(
            run.connector,
            None,
            id=f"i-{ticket_id}-{time.monotonic_ns()}",
            type="invoke",
            name="adaptiveCard/action",
            value=value,
            **{**IN_CHANNEL, "from": AGENT},
        )
        await run.post(body)
        await asyncio.sleep(run.rng.uniform(0, 0.3))
    raise AssertionError(f"{ticket_id} was never assigned")


async def killer(run: Run, busy: Callable[[], bool]) -> None:
    """SIGKILL a random instance at random moments while the users are busy; start it again."""
    while run.kills < KILLS and busy():
        await asyncio.sleep(run.rng.uniform(0.2, 1.2))
        victim = run.rng.choice(run.instances)
        victim.kill()
        run.kills += 1
        await victim.start(run.session)


@contextlib.asynccontextmanager
async def instances(
    env: dict[str, str], count: int, tmp_path: Path
) -> AsyncIterator[tuple[Run, ConnectorStub]]:
    async with (
        serving(ConnectorStub()) as connector,
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session,
    ):
        started = [Instance(env, tmp_path / f"app-{i}.log") for i in range(count)]
        run = Run(connector, started, session, random.Random(SEED))
        try:
            for instance in started:
                await instance.start(session)
            yield run, connector
        finally:
            for instance in started:
                instance.kill()


async def chaos(env: dict[str, str], config: StoreConfig, count: int, tmp_path: Path) -> dict:
    base = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "SMTP_"))},
        "HOST": "127.0.0.1",
        "MicrosoftAppId": "",
        "LOG_FORMAT": "text",
        "RATE_LIMIT_PER_MINUTE": "0",
        "TICKETS_PER_TENANT_PER_DAY": "0",  # CHAOS_CONVERSATIONS may be more than a day's
        "SUPPORT_ADMINS": ADMIN["aadObjectId"],
        "SUPPORT_AGENTS": AGENT["aadObjectId"],
        "DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
        **env,
    }
    async with instances(base, count, tmp_path) as (run, connector):
        store = open_store(config)
        try:
            choose = activity(
                connector, "use this channel for support", **{**IN_CHANNEL, "from": ADMIN}
            )
            await run.post(choose)
            at_once = asyncio.Semaphore(AT_ONCE)

            async def one_user(n: int) -> str:
                async with at_once:
                    return await user(run, n)

            users = [asyncio.create_task(one_user(n)) for n in range(CONVERSATIONS)]
            staff: list[asyncio.Task[None]] = []

            async def assign_when_acknowledged() -> None:
                for task in asyncio.as_completed(users):
                    staff.append(asyncio.create_task(assign(run, await task, store)))

            assigning = asyncio.create_task(assign_when_acknowledged())
            kills = asyncio.create_task(
                killer(run, lambda: not assigning.done() or not all(s.done() for s in staff))
            )
            async with asyncio.timeout(DEADLINE_SECONDS):
                acknowledged = await asyncio.gather(*users)
                await assigning
                await asyncio.gather(*staff)
                await kills
                for instance in run.instances:  # every instance up at the end
                    if not instance.up():
                        await instance.start(run.session)
                while await asyncio.to_thread(store.pending):
                    await asyncio.sleep(0.2)
            return figures(run, store, acknowledged)
        finally:
            store.close()


def figures(run: Run, store: Store, acknowledged: list[str]) -> dict:
    tickets = store.list_tickets()
    by_conversation = Counter(t.conversation_reference["conversation"]["id"] for t in tickets)
    posts = Counter(
        found[0]
        for sent in run.connector.sent
        if f"/v3/conversations/{SUPPORT}" in sent["_path"]
        for found in [TICKET.findall(str(sent.get("attachments") or ""))]
        if found
    )
    notices = Counter(
        conversation
        for conversation in by_conversation
        for text in run.said_to(conversation)
        if "was taken by" in text
    )
    deliveries = [d for t in tickets for d in store.deliveries(t.id)]
    result = {
        "seed": SEED,
        "kills": run.kills,
        "posts refused or cut by a kill": run.failed_posts,
        "acknowledged tickets": len(set(acknowledged)),
        "tickets": len(tickets),
        "lost acknowledged tickets": len(set(acknowledged) - {t.id for t in tickets}),
        "duplicate tickets": sum(n - 1 for n in by_conversation.values()),
        "unassigned tickets": sum(t.status != "assigned" for t in tickets),
        "users never told": sum(1 for c in by_conversation if not notices[c]),
        "deliveries": len(deliveries),
        "undone deliveries": sum(not d.done for d in deliveries),
        "channel posts sent again": sum(n - 1 for n in posts.values()),
        "notices sent again": sum(n - 1 for n in notices.values()),
    }
    print("chaos figures:", result)
    return result


def check(result: dict) -> None:
    assert result["kills"] >= 1, result
    assert result["acknowledged tickets"] == result["tickets"] == CONVERSATIONS, result
    for name in (
        "lost acknowledged tickets",
        "duplicate tickets",
        "unassigned tickets",
        "users never told",
        "undone deliveries",
    ):
        assert result[name] == 0, (name, result)


async def test_chaos_on_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "assistant.sqlite3"
    env = {"ASSISTANT_STORE": "sqlite", "ASSISTANT_DB": str(db)}
    check(await chaos(env, SqliteConfig(db), 1, tmp_path))


async def test_chaos_on_two_instances_over_blob_storage(
    azurite: str, container: str, tmp_path: Path
) -> None:
    env = {
        "ASSISTANT_STORE": "blob",
        "AZURE_STORAGE_CONNECTION_STRING": azurite,
        "AZURE_STORAGE_CONTAINER": container,
    }
    check(await chaos(env, BlobConfig(azurite, container), 2, tmp_path))
