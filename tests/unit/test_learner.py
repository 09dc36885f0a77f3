"""The understanding model's learner (bot.core.model.train): naive Bayes and an averaged
perceptron on the same features. Toy data of our own, no sentence of an evaluation set."""

from __future__ import annotations

import json

import pytest

from bot.core import model
from bot.core.model import TextModel, train
from bot.core.training import Example

TASKS = (
    "I prepare the budget reports",
    "I check the payment claims",
    "I plan the programme's finances",
    "I keep the accounts of the programme",
    "I pay the lead partners",
    "I forecast the spending",
    "I follow the financial flows",
    "I draw up the annual accounts",
)
REGIONS = ("for the south west", "in the south west region")


def _team_and_sub_team() -> list[Example]:
    """A Team's tasks, and its regional sub-team: half of the same tasks, for a region."""
    items = [Example(t, "c:team", t, "", "en") for t in TASKS]
    items += [Example(f"{t} {r}", "c:sub", t, r, "en") for t in TASKS[::2] for r in REGIONS]
    return items


def _right(m: TextModel) -> tuple[int, int]:
    """(the Team's own tasks answered with the Team, unseen task + region answered with the
    sub-team)."""
    team = sum(m.predict(t).label == "c:team" for t in TASKS)
    sub = sum(m.predict(f"{t} {r}").label == "c:sub" for t in TASKS[1::2] for r in REGIONS)
    return team, sub


def test_the_learner_tells_a_sub_team_from_its_team_where_naive_bayes_alone_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    both = _right(train(_team_and_sub_team()))
    monkeypatch.setitem(model.CONFIG, "epochs", 0)  # no perceptron: naive Bayes alone
    alone = _right(train(_team_and_sub_team()))
    assert both[0] == len(TASKS)  # the Team's own tasks stay the Team's
    assert both[1] >= 7  # of 8 tasks the sub-team was never trained with, for its region
    assert sum(alone) < sum(both)


def test_training_is_deterministic_and_the_file_keeps_the_model_exactly() -> None:
    items = _team_and_sub_team()
    first, second = train(items), train(items)
    assert first == second
    first.temperature = 0.1
    again = TextModel.from_json(json.loads(json.dumps(first.to_json())))
    assert again == first
    for text in ("I pay the lead partners for the south west", "I forecast the spending"):
        assert again.predict(text) == first.predict(text)


def test_small_perceptron_weights_are_pruned_without_changing_the_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pruned = train(_team_and_sub_team())
    monkeypatch.setitem(model.CONFIG, "prune", 0.0)
    whole = train(_team_and_sub_team())
    assert pruned.entries() < whole.entries()
    assert pruned.rows.keys() == whole.rows.keys()  # every feature stays known
    for text in (*TASKS, *(f"{t} {r}" for t in TASKS for r in REGIONS)):
        assert pruned.predict(text).label == whole.predict(text).label


def test_a_model_file_of_another_version_is_refused() -> None:
    doc = train(_team_and_sub_team()).to_json()
    doc["config"] = {**doc["config"], "epochs": 99}
    with pytest.raises(model.ModelError):
        TextModel.from_json(doc)


@pytest.mark.parametrize(
    "damage",
    [
        lambda rows: rows.update(classes=rows["classes"][:-8] + "AAAA"),  # not base64 of zlib
        lambda rows: rows.update(sizes=rows["features"]),  # arrays of other lengths
    ],
)
def test_a_damaged_model_file_is_refused(tmp_path, damage) -> None:
    doc = train(_team_and_sub_team()).to_json()
    damage(doc["rows"])
    path = tmp_path / "understanding.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(model.ModelError, match="cannot be read"):
        model.read_model(path)
