"""Real Bot Framework activities posted to the aiohttp app; replies caught on a connector stub."""

from __future__ import annotations

import json

from tests.support.connector import activity, replies_text


async def test_message_gets_a_recommendation_card(client, connector) -> None:
    resp = await client.post(
        "/api/messages", json=activity(connector, "is there a group for controllers?")
    )
    assert resp.status in (200, 201)
    assert len(connector.sent) == 1
    sent = connector.sent[0]
    assert sent["_path"] == "/v3/conversations/a:conv-1/activities/incoming-1"
    att = sent["attachments"][0]
    assert att["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert att["content"]["version"] == "1.4"
    assert "Controllers network" in replies_text(connector)


async def test_channel_message_with_mention(client, connector) -> None:
    body = activity(
        connector,
        "<at>Interact</at> I'm the comms officer of an IPA programme",
        conversation={"id": "19:chan@thread.tacv2", "conversationType": "channel"},
        entities=[
            {
                "type": "mention",
                "text": "<at>Interact</at>",
                "mentioned": {"id": "28:bot-1", "name": "Interact"},
            }
        ],
        channelData={
            "team": {"id": "19:team"},
            "channel": {"id": "19:chan"},
            "tenant": {"id": "t"},
        },
    )
    resp = await client.post("/api/messages", json=body)
    assert resp.status in (200, 201)
    text = replies_text(connector)
    assert "IPA Communication" in text and "Communication and visibility" in text


async def test_card_submit_goes_through_the_pipeline(client, connector) -> None:
    body = activity(connector, None, value={"ask": "working groups"}, replyToId="card-9")
    resp = await client.post("/api/messages", json=body)
    assert resp.status in (200, 201)
    assert "The Performers" in replies_text(connector)
    assert connector.updated and connector.updated[0]["_path"].endswith("/activities/card-9")


async def test_conversation_update_welcomes_once(client, connector) -> None:
    body = activity(
        connector,
        None,
        type="conversationUpdate",
        membersAdded=[{"id": "28:bot-1"}, {"id": "29:user-1"}],
    )
    assert (await client.post("/api/messages", json=body)).status in (200, 201)
    assert (await client.post("/api/messages", json=body)).status in (200, 201)
    assert len(connector.sent) == 1


async def test_unknown_activity_type_is_accepted_and_ignored(client, connector) -> None:
    resp = await client.post("/api/messages", json=activity(connector, None, type="somethingNew"))
    assert resp.status in (200, 201)
    assert connector.sent == []


async def test_malformed_json_is_400(client) -> None:
    resp = await client.post(
        "/api/messages", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert resp.status == 400
    assert "error" in await resp.json()


async def test_not_an_object_or_no_type_is_400(client, connector) -> None:
    assert (await client.post("/api/messages", json=[1, 2])).status == 400
    no_type = activity(connector)
    del no_type["type"]
    assert (await client.post("/api/messages", json=no_type)).status == 400


async def test_wrong_content_type_is_415(client) -> None:
    resp = await client.post("/api/messages", data=b"hello", headers={"Content-Type": "text/plain"})
    assert resp.status == 415
    resp = await client.post("/api/messages", data=b"{}")
    assert resp.status == 415


async def test_body_over_the_limit_is_413(client, connector) -> None:
    body = json.dumps(activity(connector, "x" * (300 * 1024))).encode()
    resp = await client.post(
        "/api/messages", data=body, headers={"Content-Type": "application/json"}
    )
    assert resp.status == 413
    assert connector.sent == []


async def test_failing_turn_apologises_and_hides_the_stack(client, connector) -> None:
    from app import CONTENT

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    client.server.app[CONTENT].current.respond = boom
    resp = await client.post("/api/messages", json=activity(connector, "auditors"))
    assert resp.status in (200, 201)
    body = await resp.text()
    assert "secret internals" not in body and "Traceback" not in body
    text = replies_text(connector)
    assert "error id" in text and "secret internals" not in text


async def test_healthz(client) -> None:
    resp = await client.get("/healthz")
    assert resp.status == 200
    data = await resp.json()
    assert data["status"] == "ok"
    assert data["catalogue"]["teams"] == 10 and data["catalogue"]["subteams"] == 13
