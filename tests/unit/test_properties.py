"""Properties: no message makes the assistant fail, and gibberish is never given a community.

(Which modules may import botbuilder is the layer rule of tests/unit/test_layers.py.)
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.assistant import Assistant, Reply
from bot.core.understanding import Context, Intent
from tests.support.catalogues import real_catalogue

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 24)
BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def assistant() -> Assistant:  # hypothesis tests take no function-scoped fixtures
    return Assistant(real_catalogue())


def respond(text: str, context: Context | None = None) -> Reply:
    reply = assistant().respond(text, TODAY, context)
    # Whatever came in, what goes out is a well-formed, serialisable reply.
    assert isinstance(reply.understanding.intent, Intent)
    assert reply.answer.intent == reply.understanding.intent
    assert reply.answer.text.strip()
    assert reply.activities
    json.dumps(reply.to_json(), ensure_ascii=False)
    return reply


# Any character a Python str can hold except lone surrogates (category Cs), which no real
# message contains (Teams sends UTF-8; they cannot be encoded).
ANY_CHAR = st.characters(blacklist_categories=("Cs",))
ODD = (
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"  # bidi controls
    "\u0000\u0007\u001b\u007f\u0085\u2028\u2029\r\n\t\v\f"  # control and separators
    "\u0301\u0308\u0338\u20dd"  # combining marks
    "שלום مرحبا ܫܠܡܐ ދިވެހި"  # right-to-left scripts
    "😀👩‍💻🏳️‍🌈🇪🇺🧑🏽‍🤝‍🧑🏿"  # emoji, ZWJ sequences, flags, skin tones
    "ﬁﬂẞİıǅ℡Ⅻ①ｆｕｌｌ"  # letters that change under case folding and NFKD
    "\U0001d4d2\U0001d4f8\U0001d4f7\U0001d4fd"  # mathematical script letters
)


@BOUNDED
@given(st.text(alphabet=ANY_CHAR, max_size=400))
@example("")
@example(" ")
@example("\n\t\r ")
@example("?!.,;:")
def test_arbitrary_text_never_raises(text):
    respond(text)


@BOUNDED
@given(st.text(alphabet=st.sampled_from(ODD), max_size=200))
def test_odd_unicode_never_raises(text):
    respond(text)


@BOUNDED
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "controller",
                    "auditor",
                    "IPA",
                    "comms",
                    "financial management",
                    "sub-teams",
                    "working groups",
                    "I can't log in",
                    "which team",
                    "hello",
                ]
            ),
            st.text(alphabet=st.sampled_from(ODD), min_size=1, max_size=5),
            st.text(alphabet=ANY_CHAR, min_size=1, max_size=10),
        ),
        max_size=12,
    ).map("".join),
    st.lists(st.sampled_from(["controller", "auditor", "ncp", "nobody"]), max_size=3),
    st.lists(st.sampled_from(["communication", "jems", "ipa-communication"]), max_size=2),
)
def test_catalogue_words_mixed_with_odd_unicode_never_raise(text, roles, last):
    respond(text, Context(roles=tuple(roles), last_communities=tuple(last)))


@pytest.mark.parametrize("text", ["", " ", "\n", "\u200b", "\ufeff", "\u202e", "...", "🙂"])
def test_empty_or_wordless_text_is_answered_with_help_or_fallback(text):
    reply = respond(text)
    assert reply.understanding.intent in (Intent.HELP, Intent.FALLBACK, Intent.GREETING)
    assert reply.understanding.matches == ()


@pytest.mark.parametrize(
    "text",
    [
        "a" * 100_000,
        "controller " * 10_000,
        "I work as an auditor. " + "blah " * 20_000,
        "שלום 😀\u200b" * 14_000,
        "".join(chr(0x4E00 + i % 20_000) for i in range(100_000)),
        "\u0301" * 100_000,
        "x\n" * 50_000,
    ],
    ids=["letters", "one word", "role then filler", "rtl+emoji+zw", "cjk", "combining", "lines"],
)
def test_100_kb_of_text_never_raises(text):
    assert len(text.encode("utf-8")) >= 100_000 or len(text) >= 100_000
    respond(text)


def test_100_kb_still_reads_the_start_of_the_message():
    reply = respond("I work as an auditor. " + "blah " * 20_000)
    assert reply.understanding.matches[0].community_id == "auditors"


# --------------------------------------------------------------------------- gibberish

CONSONANTS = "bcdfghjklmnpqrstvwxz"
GIBBERISH_WORD = st.text(alphabet=CONSONANTS, min_size=6, max_size=12)
SEPARATOR = st.one_of(
    st.text(alphabet=" .,;:!?-()/'\"", min_size=1, max_size=3),
    st.builds(
        lambda a, digits, b: a + digits + b,
        st.sampled_from([" ", ", ", " #", " ("]),
        # "404" is a problem in so many words (intents.yaml), not gibberish
        st.text(alphabet="0123456789", min_size=1, max_size=4).filter(lambda d: d != "404"),
        st.sampled_from([" ", ") ", ". ", "! "]),
    ),
)


@st.composite
def gibberish(draw) -> str:
    """1-10 words of 6-12 consonants (no vowels, so no word of any language the catalogue
    covers), separated by punctuation, spaces and numbers, with random capitals."""
    words = draw(st.lists(GIBBERISH_WORD, min_size=1, max_size=10))
    out = words[0]
    for word in words[1:]:
        out += draw(SEPARATOR) + word
    if draw(st.booleans()):
        out = out.upper()
    return out + draw(st.sampled_from(["", "?", "!", "."]))


@BOUNDED
@given(gibberish())
@example("qwrtzp")
@example("xkcdvb. BRRRTZ 2021 2027 sdfghj")
def test_gibberish_is_never_given_a_community(text):
    reply = respond(text)
    u = reply.understanding
    assert u.matches == (), (text, [m.community_id for m in u.matches], u.corrections)
    assert u.intent != Intent.RECOMMEND
    assert reply.answer.recommendations == ()
    assert reply.to_json()["teams"] == []


@BOUNDED
@given(gibberish())
def test_gibberish_is_answered_with_the_fallback(text):
    u = respond(text).understanding
    assert u.intent == Intent.FALLBACK, (text, u.intent, u.corrections, sorted(u.cues))
