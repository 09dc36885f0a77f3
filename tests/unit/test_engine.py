"""The engine (understanding) on the small invented catalogue of tests/fixtures/catalogue: how
it matches does not depend on Interact's content, so these tests do not change when data/ does.
(tests/unit/test_understanding.py measures it on the real content.)"""

from __future__ import annotations

import pytest

from bot.core.understanding import Intent, Understander
from tests.support.catalogues import fixture_catalogue


@pytest.fixture(scope="module")
def engine() -> Understander:
    return Understander(fixture_catalogue())


def matched(engine: Understander, text: str) -> list[str]:
    return [m.community_id for m in engine.understand(text).matches]


def test_a_community_named_by_a_keyword_is_recommended(engine):
    u = engine.understand("is there something for nautical charts?")
    assert u.intent == Intent.RECOMMEND
    assert [m.community_id for m in u.matches][:1] == ["charts"]


def test_a_role_term_points_at_the_roles_community(engine):
    u = engine.understand("which team for a ferryman?")
    assert u.roles == ("ferry-operator",)
    assert [m.community_id for m in u.matches] == ["ferries"]


def test_a_typo_is_corrected_to_a_catalogue_word(engine):
    u = engine.understand("which team for a harbuor master?")
    assert ("harbuor", "harbour") in u.corrections
    assert [m.community_id for m in u.matches][:1] == ["harbours"]


def test_a_community_closed_to_the_users_role_is_refused(engine):
    u = engine.understand("I am a lighthouse keeper, can I join the fisheries office?")
    assert "fisheries" in [r.community_id for r in u.refusals]
    assert "fisheries" not in [m.community_id for m in u.matches]


def test_a_topic_qualifies_a_subteam_only_with_its_parent(engine):
    assert "north-charts" in matched(engine, "sea charts of the fjords")
    assert "north-charts" not in matched(engine, "fjords")


def test_the_subteams_of_a_named_team(engine):
    assert matched(engine, "what are the sub teams of the sea charts network?") == [
        "north-charts",
        "south-charts",
    ]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("working groups", Intent.WORKING_GROUPS),
        ("list all networks", Intent.LIST),
        ("I cannot log in", Intent.ESCALATE),
        ("which network should I join?", Intent.CLARIFY),
        ("where do I sign up?", Intent.FAQ),
        ("", Intent.HELP),
        ("purple elephants dancing", Intent.FALLBACK),
    ],
)
def test_the_intent_of_a_message(engine, text, intent):
    assert engine.understand(text).intent == intent
