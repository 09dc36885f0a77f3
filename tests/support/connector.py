"""A connector stub that plays the Bot Connector service (``/v3/conversations/{id}/
activities...``) on loopback and records what the bot sends; activities as Teams sends them."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from cards.builders import card_text


@dataclass
class ConnectorStub:
    url: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)  # POSTed activities
    down_for: set[str] = field(default_factory=set)  # conversations that answer 503
    updated: list[dict[str, Any]] = field(default_factory=list)  # PUT (card replaced)
    authorizations: list[str] = field(default_factory=list)  # the bot's Authorization headers

    def app(self) -> web.Application:
        ids = itertools.count(1)

        async def post(request: web.Request) -> web.Response:
            if request.match_info["cid"] in self.down_for:
                return web.json_response({"error": {"code": "ServiceUnavailable"}}, status=503)
            body = await request.json()
            body["_path"] = request.path
            self.authorizations.append(request.headers.get("Authorization", ""))
            self.sent.append(body)
            return web.json_response({"id": f"sent-{next(ids)}"})

        async def put(request: web.Request) -> web.Response:
            body = await request.json()
            body["_path"] = request.path
            self.updated.append(body)
            return web.json_response({"id": request.match_info["activity_id"]})

        async def member(request: web.Request) -> web.Response:
            uid = request.match_info["uid"]
            return web.json_response(
                {
                    "id": uid,
                    "name": "Ana Example",
                    "aadObjectId": "aad-1",
                    "email": "ana@example.org",
                    "userPrincipalName": "ana@example.org",
                }
            )

        app = web.Application()
        conversation = "/v3/conversations/{cid:[^/]+}"  # any id, braces too (fuzzing)
        app.router.add_get(conversation + "/members/{uid:[^/]+}", member)
        app.router.add_post(conversation + "/activities", post)
        app.router.add_post(conversation + "/activities/{activity_id:[^/]+}", post)
        app.router.add_put(conversation + "/activities/{activity_id:[^/]+}", put)
        return app


@asynccontextmanager
async def serving(stub: Any) -> AsyncIterator[Any]:
    """Run a stub's ``app()`` on loopback, with ``stub.url`` set to its address."""
    server = TestServer(stub.app(), host="127.0.0.1")
    await server.start_server()
    stub.url = str(server.make_url("/"))
    try:
        yield stub
    finally:
        await server.close()


def activity(connector: ConnectorStub, text: str | None = "hello", **kw: Any) -> dict[str, Any]:
    """A Bot Framework activity as Teams sends it."""
    base: dict[str, Any] = {
        "type": "message",
        "id": "incoming-1",
        "timestamp": "2026-11-24T10:00:00.000Z",
        "serviceUrl": connector.url,
        "channelId": "msteams",
        "from": {"id": "29:user-1", "name": "Ana Example", "aadObjectId": "aad-1"},
        "conversation": {"id": "a:conv-1", "conversationType": "personal", "tenantId": "t-1"},
        "recipient": {"id": "28:bot-1", "name": "Interact"},
        "locale": "en-US",
        "channelData": {"tenant": {"id": "t-1"}},
    }
    if text is not None:
        base["text"] = text
    base.update(kw)
    return base


def replies_text(connector: ConnectorStub) -> str:
    parts = []
    for sent in connector.sent:
        parts.append(sent.get("text") or "")
        for att in sent.get("attachments") or []:
            parts.extend(card_text(att.get("content")))
    return "\n".join(parts)
