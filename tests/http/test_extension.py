"""The "Find a community" messaging extension: composeExtension/query invokes over HTTP."""

from __future__ import annotations

from pathlib import Path

from tests.support.cards import validate_cards
from tests.support.connector import activity

VALIDATE_CARDS = (
    Path(__file__).resolve().parents[2].parent / "shared/tools/validate/validate_cards.sh"
)


def query(connector, text: str | None) -> dict:
    parameters = (
        [{"name": "initialRun", "value": "true"}]
        if text is None
        else [{"name": "query", "value": text}]
    )
    return activity(
        connector,
        None,
        type="invoke",
        name="composeExtension/query",
        value={
            "commandId": "findCommunity",
            "parameters": parameters,
            "queryOptions": {"skip": 0, "count": 25},
        },
    )


async def search(client, connector, text: str | None) -> dict:
    resp = await client.post("/api/messages", json=query(connector, text))
    assert resp.status == 200
    return (await resp.json())["composeExtension"]


async def test_typo_finds_the_team(client, connector, tmp_path) -> None:
    result = await search(client, connector, "controler")
    assert result["type"] == "result"
    first = result["attachments"][0]
    assert first["preview"]["content"]["title"] == "Controllers network"
    assert first["content"]["version"] == "1.4"
    assert connector.sent == []  # an invoke answers in the HTTP response, nothing is posted


async def test_empty_query_lists_all_communities(client, connector) -> None:
    result = await search(client, connector, None)
    titles = [a["preview"]["content"]["title"] for a in result["attachments"]]
    assert len(titles) == 23 and "Auditors network" in titles and "HIT 2021–2027" in titles


async def test_subteam_shows_its_parent(client, connector) -> None:
    result = await search(client, connector, "jems core group")
    first = result["attachments"][0]
    assert first["preview"]["content"]["title"] == "Core Group"
    assert "Sub-team of Jems network" in first["preview"]["content"]["text"]


async def test_no_match_is_a_friendly_message(client, connector) -> None:
    result = await search(client, connector, "xyzzy plugh")
    assert result["type"] == "message"
    assert "No community matches" in result["text"]


async def test_result_cards_pass_the_validator(client, connector, tmp_path) -> None:
    docs = {}
    for i, text in enumerate(("controler", "", "jems core group", "ipa")):
        result = await search(client, connector, text)
        for j, att in enumerate(result["attachments"]):
            docs[f"card-{i}-{j}"] = att["content"]
    validate_cards(docs, tmp_path)
