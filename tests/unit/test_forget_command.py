""" "forget me" is a command in the five languages, typed alone or inside a short request; it
does not take "forget it" (cancel) or a question that merely mentions data."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text",
    [
        "forget me",
        "Delete my data!",
        "could you please delete all my data?",
        "vergiss mich",
        "Löschen Sie bitte meine Daten",
        "oubliez-moi",
        "supprimez mes données s'il vous plaît",
        "dimenticami",
        "cancella i miei dati per favore",
        "olvídame",
        "borra mis datos, por favor",
    ],
)
def test_forget_me_is_understood(understander, text: str) -> None:
    assert understander.command(text) == "forget_me"


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("forget it", "cancel"),
        ("start over", "cancel"),
        ("when was the data migrated?", None),
        ("which team should I join?", None),
        (
            "my colleague asked how the programme can delete my data in the monitoring system "
            "after the project closure",
            None,
        ),
    ],
)
def test_other_messages_are_not_forget_me(understander, text: str, command) -> None:
    assert understander.command(text) == command
