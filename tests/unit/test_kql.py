"""The KQL files in ops/kql/ ask for what the bot sends: the turn event's name and the
dimensions ``TurnEvent`` can carry (a renamed field breaks an operator's query: this says so)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.ops.telemetry import TURN_EVENT, TurnEvent

ROOT = Path(__file__).resolve().parents[2]
QUERIES = sorted((ROOT / "ops" / "kql").glob("*.kql"))
EVERY_FIELD = TurnEvent(
    "answer",
    language="en",
    intent="recommend",
    confidence="high",
    communities=("a", "b"),
    fell_back=False,
    vote="up",
    route="tech-support",
)
KINDS = ("answer", "vote", "escalation")


def test_the_operators_questions_are_all_there() -> None:
    names = {q.stem for q in QUERIES}
    assert {
        "questions_per_day",
        "answered_vs_fell_back",
        "top_communities",
        "votes",
        "escalations_by_route",
    } <= names


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_a_query_asks_only_for_what_is_sent(query: Path) -> None:
    text = query.read_text(encoding="utf-8")
    for event in re.findall(r'message == "([^"]+)"', text):
        assert event == TURN_EVENT
    for dimension in re.findall(r'customDimensions\["([^"]+)"\]', text):
        assert dimension in EVERY_FIELD.attributes() or dimension == "interact.correlation_id"
    for kind in re.findall(r'\["interact\.kind"\]\) == "([^"]+)"', text):
        assert kind in KINDS


def test_every_field_of_an_event_is_a_dimension_a_query_can_read() -> None:
    assert set(EVERY_FIELD.attributes()) == {
        "interact.kind",
        "interact.language",
        "interact.intent",
        "interact.confidence",
        "interact.communities",
        "interact.fell_back",
        "interact.vote",
        "interact.route",
    }
