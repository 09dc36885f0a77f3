"""Issue 10, "tasks instead of titles" for the programme staff and the networks (communication,
programme and project management, National Contact Points, the Interact Monitoring Committee,
Jems, External Cooperation): people who describe their daily work get that work's community,
in English, German, French, Italian and Spanish. Run with the trained model the bot serves.

Sentences of our own, none of them a phrase of data/ or of an evaluation set; each class is fixed
by rules, vocabulary and training material, not by a sentence.
"""

from __future__ import annotations

import pytest

from bot.core.understanding import Intent, Understander
from tests.support.catalogues import served_reader


@pytest.fixture(scope="module")
def reader() -> Understander:
    return served_reader()


@pytest.mark.parametrize(
    "text",
    [
        "I help applicants from my country find project partners",
        "Aiuto i proponenti della mia regione a cercare partner",
        "Ayudo a los solicitantes de mi país a encontrar socios",
        "Ich helfe Antragstellern aus meinem Land bei der Partnersuche",
    ],
)
def test_helping_others_in_one_s_work_is_no_request_for_help(reader, text):
    """ "I help ...", "aiuto ..." is the user's work, not a question about what the bot can do
    (the help words alone still are: tests/unit/test_message_classes.py)."""
    u = reader.understand(text)
    assert u.intent != Intent.HELP, text
    assert u.intent == Intent.RECOMMEND and u.matches[0].community_id == "ncp", (text, u.intent)
