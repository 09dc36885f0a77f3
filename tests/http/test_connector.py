"""The outgoing edge (bot/teams/connector.py): clients built once, retries as msrest meant them, the
same bytes on the wire. Real activities go through the aiohttp app; the replies reach a
connector stub that can answer with errors first."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    InputHints,
)
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials
from msrest.exceptions import ValidationError
from msrest.serialization import Serializer
from msrest.universal_http import requests as msrest_requests

import bot.teams.connector as edge
from app import ADAPTER
from bot.assistant import Assistant
from bot.core.plain_json import is_plain_json
from bot.teams.connector import (
    REQUEST_TIMEOUT,
    RETRY_BUDGET_SECONDS,
    RETRY_STATUS,
    EdgeAuthentication,
    EdgeSerializer,
    Retrying,
)
from dialogs.conversation import to_activity
from tests.support.connector import activity, serving

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class FlakyConnector:
    """A Bot Connector that answers each conversation's first requests from ``plan`` (a status,
    or a status and a Retry-After), then accepts; every request is recorded with its time."""

    url: str = ""
    plan: dict[str, list[tuple[int, str | None]]] = field(default_factory=dict)
    attempts: list[tuple[str, str, int, float]] = field(default_factory=list)  # cid, method, ...
    delivered: list[dict[str, Any]] = field(default_factory=list)
    set_cookie: str | None = None  # sent with every answer
    cookies: list[str] = field(default_factory=list)  # the Cookie header of every request

    def app(self) -> web.Application:
        async def handle(request: web.Request) -> web.Response:
            cid = request.match_info["cid"]
            body = await request.json()
            queued = self.plan.get(cid) or []
            status, retry_after = queued.pop(0) if queued else (200, None)
            self.attempts.append((cid, request.method, status, time.monotonic()))
            self.cookies.append(request.headers.get("Cookie", ""))
            if status != 200:
                headers = {"Retry-After": retry_after} if retry_after else {}
                error = {"error": {"code": "Busy", "message": "try again"}}
                return web.json_response(error, status=status, headers=headers)
            self.delivered.append(body)
            headers = {"Set-Cookie": self.set_cookie} if self.set_cookie else {}
            return web.json_response({"id": f"sent-{len(self.delivered)}"}, headers=headers)

        app = web.Application()
        app.router.add_post("/v3/conversations/{cid}/activities", handle)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", handle)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", handle)
        return app

    def tries(self, cid: str) -> list[int]:
        return [status for c, _, status, _ in self.attempts if c == cid]


@pytest.fixture
async def flaky() -> AsyncIterator[FlakyConnector]:
    async with serving(FlakyConnector()) as stub:
        yield stub


def message(stub: FlakyConnector, cid: str, text: str, turn: int = 1) -> dict[str, Any]:
    conversation = {"id": cid, "conversationType": "personal", "tenantId": "t-1"}
    return activity(stub, text, id=f"in-{turn}", conversation=conversation)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- retries


async def test_a_reply_that_meets_a_503_is_retried_and_delivered_once(client, flaky) -> None:
    flaky.plan["a:busy"] = [(503, None)]
    resp = await client.post("/api/messages", json=message(flaky, "a:busy", "I work as an auditor"))
    assert resp.status in (200, 201)
    assert flaky.tries("a:busy") == [503, 200]  # retried at once (urllib3: no wait before the 1st)
    assert len(flaky.delivered) == 1
    assert "Auditors network" in str(flaky.delivered[0])


async def test_a_429_with_retry_after_is_waited_for_then_delivered_once(client, flaky) -> None:
    flaky.plan["a:throttled"] = [(429, "1")]
    started = time.monotonic()
    resp = await client.post("/api/messages", json=message(flaky, "a:throttled", "controllers"))
    assert resp.status in (200, 201)
    assert flaky.tries("a:throttled") == [429, 200]
    waited = [t for c, _, _, t in flaky.attempts if c == "a:throttled"]
    assert waited[1] - waited[0] >= 0.95  # the Retry-After was honoured
    assert time.monotonic() - started < 10
    assert len(flaky.delivered) == 1


async def test_retries_back_off_and_give_up_after_three(client, flaky, monkeypatch) -> None:
    """Down for good: 1 try + 3 retries, after 0, 1.6 and 3.2 s (msrest's backoff factor 0.8),
    then the turn fails; the apology meets the same outage. Waits are recorded, not waited."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(_edge(client).retrying, "sleep", sleep)
    flaky.plan["a:down"] = [(503, None)] * 8
    resp = await client.post("/api/messages", json=message(flaky, "a:down", "controllers"))
    assert resp.status in (200, 201, 500)
    assert flaky.tries("a:down") == [503] * 8  # the reply 4 times, then the apology 4 times
    assert slept == [0.0, 1.6, 3.2, 0.0, 1.6, 3.2]  # the first retry of each goes at once
    assert flaky.delivered == []


async def test_a_reply_and_its_retries_end_within_the_budget(client, flaky, monkeypatch) -> None:
    """A retry that would end past the budget is not made: the turn is not held for it."""
    monkeypatch.setattr(_edge(client).retrying, "budget", 1.5)
    flaky.plan["a:slow"] = [(503, "1")] * 8  # "come back in a second", every time
    started = time.monotonic()
    resp = await client.post("/api/messages", json=message(flaky, "a:slow", "controllers"))
    assert resp.status in (200, 201, 500)
    assert flaky.tries("a:slow") == [503] * 4  # the reply twice, then the apology twice
    assert time.monotonic() - started < 4.5
    assert RETRY_BUDGET_SECONDS + REQUEST_TIMEOUT[1] < 12  # the default: well under Teams' 15 s


async def test_throttled_conversations_do_not_hold_up_the_others(client, flaky) -> None:
    """Eight conversations throttled with a long Retry-After: an unrelated question is answered
    at once and the app stays ready (no thread of any pool sleeps for the throttled)."""
    throttled = [f"a:throttled-{i}" for i in range(8)]
    for cid in throttled:
        flaky.plan[cid] = [(429, "20")] * 8
    turns = [
        asyncio.create_task(client.post("/api/messages", json=message(flaky, cid, "auditors")))
        for cid in throttled
    ]
    await asyncio.sleep(0.3)
    started = time.monotonic()
    resp = await asyncio.wait_for(
        client.post("/api/messages", json=message(flaky, "a:calm", "controllers")), 10
    )
    assert resp.status in (200, 201)
    ready = await asyncio.wait_for(client.get("/readyz"), 10)
    assert ready.status == 200
    assert time.monotonic() - started < 2.0
    assert "Controllers network" in str(flaky.delivered)
    answers = await asyncio.wait_for(asyncio.gather(*turns), 10)  # they fail fast, too
    assert all(a.status in (200, 201, 500) for a in answers)
    assert all(flaky.tries(cid) == [429, 429] for cid in throttled)  # reply, apology: no waits


async def test_client_errors_are_not_retried(client, flaky) -> None:
    flaky.plan["a:bad"] = [(400, None), (400, None)]
    await client.post("/api/messages", json=message(flaky, "a:bad", "controllers"))
    assert flaky.tries("a:bad") == [400, 400]  # the reply once, the apology once
    assert flaky.delivered == []


def test_the_retry_rules_are_msrests_own() -> None:
    retry = Retrying()
    assert retry.wait(503, None, 1) == 0.0 and retry.wait(503, None, 2) == 1.6
    assert retry.wait(500, None, 3) == 3.2
    assert retry.wait(408, None, 1) == 0.0
    assert retry.wait(429, "7", 1) == 7.0 and retry.wait(503, "7", 2) == 7.0
    assert retry.wait(429, None, 1) is None  # 429 and 413 only with a Retry-After
    assert retry.wait(404, None, 1) is None and retry.wait(501, "1", 1) is None
    stock = msrest_requests.ClientRetryPolicy()
    assert set(stock.policy.status_forcelist) == RETRY_STATUS
    assert retry.retries == stock.retries == 3
    assert retry.backoff_factor == stock.backoff_factor
    # What the stock policy really does under urllib3 2: its method_whitelist is ignored.
    assert not stock.policy.is_retry("POST", 503)


def _edge(client: Any) -> EdgeAuthentication:
    auth = client.server.app[ADAPTER].bot_framework_authentication
    assert isinstance(auth, EdgeAuthentication)
    return auth


# --------------------------------------------------------------------------- built once


async def test_clients_and_retry_policies_are_built_once(client, flaky, monkeypatch) -> None:
    built: list[object] = []
    real_init = msrest_requests.ClientRetryPolicy.__init__

    def counting_init(self: object) -> None:
        built.append(self)
        real_init(self)

    await client.post("/api/messages", json=message(flaky, "a:one", "hello", 1))
    monkeypatch.setattr(msrest_requests.ClientRetryPolicy, "__init__", counting_init)
    for turn in range(2, 6):
        body = message(flaky, "a:one" if turn % 2 else "a:two", "controllers", turn)
        await client.post("/api/messages", json=body)
    assert built == []  # no Configuration (and its 500,000 look-ups) per turn
    auth = client.server.app[ADAPTER].bot_framework_authentication
    assert isinstance(auth, EdgeAuthentication)
    assert len(auth.connectors) == 1 and len(auth.token_clients) == 1
    assert len(flaky.delivered) == 5


async def test_no_cookie_goes_from_one_conversation_to_the_next(client, flaky) -> None:
    """A stock client lives for one turn; the shared one keeps no cookies."""
    flaky.set_cookie = "ARRAffinity=abc123; Path=/"
    for turn in range(1, 5):
        await client.post("/api/messages", json=message(flaky, f"a:k{turn}", "auditor", turn))
    assert len(flaky.delivered) == 4
    assert flaky.cookies == [""] * 4


async def test_the_cache_is_per_service_url_and_bounded(monkeypatch) -> None:
    monkeypatch.setattr(edge, "MAX_CACHED", 2)
    auth = EdgeAuthentication(_StubAuthentication())  # type: ignore[arg-type]
    factory = auth.create_connector_factory(_claims())
    a1 = await factory.create("http://a.example/", None)
    assert await factory.create("http://a.example/", None) is a1
    b = await factory.create("http://b.example/", None)
    c = await factory.create("http://c.example/", None)
    assert len(auth.connectors) == 2 and b is not c
    assert await factory.create("http://a.example/", None) is not a1  # evicted, built again
    assert isinstance(a1.conversations._serialize, EdgeSerializer)
    assert a1.config.retry_policy is auth.policy


class _StubFactory:
    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        return ConnectorClient(MicrosoftAppCredentials.empty(), base_url=service_url)


class _StubAuthentication:
    def create_connector_factory(self, claims: Any) -> _StubFactory:
        return _StubFactory()


def _claims() -> Any:
    from botframework.connector.auth import ClaimsIdentity

    return ClaimsIdentity({"aud": "app-1"}, True)


# --------------------------------------------------------------------------- serialisation


def real_replies(assistant: Assistant) -> list[dict[str, Any]]:
    """Every activity the assistant renders for the benchmark's questions."""
    lines = (ROOT / "bench" / "questions.txt").read_text(encoding="utf-8").splitlines()
    questions = [q for q in lines if q.strip() and not q.startswith("#")]
    return [a for q in questions for a in assistant.respond(q, dt.date(2026, 11, 24)).activities]


def test_the_edge_writes_what_msrest_writes(assistant: Assistant) -> None:
    """to_activity and EdgeSerializer together send the bytes stock msrest would send."""
    stock = ConnectorClient(MicrosoftAppCredentials.empty(), base_url="http://x/")._serialize
    fast = EdgeSerializer(stock.dependencies)
    replies = real_replies(assistant)
    assert len(replies) > 100
    for data in replies:
        reply = {
            **data,
            "from": {"id": "28:bot-1", "name": "Interact"},
            "recipient": {"id": "29:user-1", "aadObjectId": "aad-1"},
            "conversation": {"id": "a:conv-1", "conversationType": "personal"},
            "replyToId": "in-1",
            "serviceUrl": "http://x/",
            "channelId": "msteams",
            "timestamp": "2026-11-24T10:00:00.000Z",
        }
        expected = stock.body(Activity().deserialize(reply), "Activity")  # msrest all the way
        assert fast.body(to_activity(reply), "Activity") == expected
    assert isinstance(fast, Serializer)


def test_replies_as_botbuilder_sends_them_are_written_as_msrest_writes_them(
    assistant: Assistant,
) -> None:
    """What ``TurnContext.send_activities`` hands the connector: a copy of the reply with the
    incoming activity's conversation reference applied (models, an Enum type)."""
    stock = ConnectorClient(MicrosoftAppCredentials.empty(), base_url="http://x/")._serialize
    fast = EdgeSerializer(stock.dependencies)
    stub = SimpleNamespace(url="http://x/")
    incoming = Activity().deserialize(activity(stub, "which team for auditors?"))
    reference = TurnContext.get_conversation_reference(incoming)
    for data in real_replies(assistant):
        reply = TurnContext.apply_conversation_reference(to_activity(data), reference)
        reply.type = ActivityTypes.message  # an Enum, as botbuilder sets a missing type
        reply.input_hint, reply.id = InputHints.accepting_input, None
        expected = stock.body(copy.deepcopy(reply), "Activity")
        assert fast.body(reply, "Activity") == expected
        assert expected["conversation"]["id"] == "a:conv-1" and expected["type"] == "message"


def test_unusual_activities_are_written_as_msrest_writes_them() -> None:
    """Values msrest would rebuild or convert (a dict where a model belongs, a date, an Enum,
    a subclass of str, None in lists, a model with validation rules) come out the same."""
    stock = ConnectorClient(MicrosoftAppCredentials.empty(), base_url="http://x/")._serialize
    fast = EdgeSerializer(stock.dependencies)

    class Name(str):
        pass

    unusual = [
        Activity(type="message", recipient={"id": "29:user-1", "name": "Ana"}),
        Activity(type="message", timestamp=dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)),
        Activity(type=ActivityTypes.typing, text=Name("hi"), attachments=[None]),
        Activity(type="message", attachments=[Attachment(content_type="x", content={"a": 1})]),
        Activity(type="message", members_added=[ChannelAccount(id="1"), None], text="x"),
        Activity(type="message", attachments=[{"contentType": "x", "content": {"a": 1}}]),
        Activity(type="message", listen_for=["a", None], locale="fr-FR"),
        Activity(type="message", value=Attachment(content_type="x")),
    ]
    for reply in unusual:
        assert fast.body(copy.deepcopy(reply), "Activity") == stock.body(
            copy.deepcopy(reply), "Activity"
        )
    # msrest checks a model's validation rules: such a model never takes the direct walk
    checked = Attachment(content_type="x")
    checked._validation = {"content_type": {"required": True, "max_length": 0}}
    with pytest.raises(ValidationError):
        stock.body(Activity(type="message", attachments=[checked]), "Activity")
    with pytest.raises(ValidationError):
        fast.body(Activity(type="message", attachments=[checked]), "Activity")


def test_values_that_are_not_plain_json_take_msrests_path() -> None:
    stock = ConnectorClient(MicrosoftAppCredentials.empty(), base_url="http://x/")._serialize
    fast = EdgeSerializer(stock.dependencies)

    def card(content: Any) -> Activity:
        return Activity(type="message", attachments=[Attachment(content_type="x", content=content)])

    class Name(str):
        pass

    odd = {"name": Name("Ana"), 7: "int key", "nested": [{"n": 1.5, "ok": None}]}
    assert not is_plain_json(odd) and is_plain_json(odd["nested"])
    expected = stock.body(card(odd), "Activity")
    assert expected["attachments"][0]["content"]["7"] == "int key"
    assert fast.body(card(odd), "Activity") == expected
    for other in ({"when": dt.datetime(2026, 11, 24, tzinfo=dt.UTC)}, {"pair": (1, 2)}):
        assert fast.body(card(other), "Activity") == stock.body(card(other), "Activity")


async def test_concurrent_turns_share_one_client(client, flaky) -> None:
    bodies = [message(flaky, f"a:c{i}", "I work as an auditor", i) for i in range(12)]
    responses = await asyncio.gather(*(client.post("/api/messages", json=b) for b in bodies))
    assert all(r.status in (200, 201) for r in responses)
    assert len(flaky.delivered) == 12
    auth = client.server.app[ADAPTER].bot_framework_authentication
    assert len(auth.connectors) == 1
