"""Issue 10, the round of 1 December (morning, after fresh11 was read): classes of our own
sentences, run with the trained model the bot serves.

- Someone told to join a community, or new at work, who asks "which one?" without saying what
  they do, is asked back (what do you work on?), never answered "I can't help".
- A member of a monitoring committee, named in the inflected forms of the other EU languages
  ("član odbora za spremljanje", "członek komitetu monitorującego"), is asked back between
  Interact's committee and programme management, as in the nominative.
- "Is Financial management open to auditors as well?" asks whom the community is open to (its
  FAQ): the "as" of "as well" is no capacity in which the user acts ("as auditors, may we
  join?", whose role follows it, is refused and gets the user's own network).

None of these sentences is a phrase of data/ or of an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.core.understanding import Intent

# ------------------------------------------------------- 1. told to join one: which one?


@pytest.mark.parametrize(
    "text",
    [
        "My manager wants me in a community on Teams. Which one though?",
        "Ich fange gerade im Programm an und soll in eine Community. Welche wäre das?",
        "On m'a demandé de m'inscrire dans une communauté Interact, mais laquelle ?",
        "la mia responsabile vuole che mi iscriva a una community: quale?",
        "En mi oficina me piden que entre en una comunidad de Interact, ¿pero cuál?",
        "lavoro in una provincia e seguo un po' di tutto, che gruppo mi suggerisci?",
    ],
)
def test_told_to_join_one_and_asking_which_is_asked_back(reader, text):
    u = reader.understand(text)
    assert u.intent == Intent.CLARIFY, (text, u.intent)


@pytest.mark.parametrize(
    "text",
    [
        "In the Controllers network, which one of the meetings is next?",
        "In der Gruppe der Prüfer, welche Dokumente gibt es?",
    ],
)
def test_a_named_community_with_which_is_that_community(reader, text):
    u = reader.understand(text)
    assert u.intent == Intent.RECOMMEND, (text, u.intent)


# --------------------------------------- 2. a monitoring committee in inflected forms


@pytest.mark.parametrize(
    "text",
    [
        "Sem članica odbora za spremljanje našega programa. Kam naj se pridružim?",
        "Jestem w komitecie monitorującym programu. Do którego zespołu?",
        "Jsem členem monitorovacího výboru programu, který tým je pro mě?",
        "Olen ohjelman seurantakomitean jäsen. Mihin tiimiin liityn?",
    ],
)
def test_a_monitoring_committee_member_in_other_languages_is_asked_back(reader, text):
    u = reader.understand(text)
    assert u.intent == Intent.CLARIFY, (text, u.intent, [m.community_id for m in u.matches])


# ------------------------------------------------ 3. "as well" is no capacity


@pytest.mark.parametrize(
    "text",
    [
        "Is Financial management open to controllers as well, or only to the finance people?",
        "Quick question: is the finance team open to auditors as well?",
        "Financial management: only for finance staff, or for controllers as well?",
    ],
)
def test_whom_a_community_is_open_to_asked_with_as_well_is_its_faq(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, "finance-eligibility"), (text, u.intent, u.faq_id)


@pytest.mark.parametrize(
    ("text", "community"),
    [
        ("As controllers, may we join Financial management?", "controllers"),
        ("als Prüferin, darf ich ins Financial management?", "auditors"),
    ],
)
def test_asked_in_ones_capacity_the_rule_refuses_and_recommends_ones_own(reader, text, community):
    u = reader.understand(text)
    assert u.intent == Intent.RECOMMEND, (text, u.intent)
    assert u.matches[0].community_id == community
    assert u.refusals, text
