"""How a message is built is content: the words that cut it into several questions and the
words that join a list live in data/ (intents.yaml), so that editing them changes what the bot
reads without a code change. Checked on copies of the small invented catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.core.catalogue import load_catalogue
from bot.core.understanding import Intent, Understander
from tests.support.catalogues import FIXTURE


def reader_with(tmp_path: Path, old: str, new: str) -> Understander:
    """The fixture catalogue's understanding, with ``old`` (once in intents.yaml) made ``new``."""
    folder = tmp_path / "data"
    shutil.copytree(FIXTURE, folder)
    path = folder / "intents.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return Understander(load_catalogue(folder))


def test_a_new_and_word_in_the_data_cuts_a_message_into_two_questions(tmp_path):
    text = "I keep a lighthouse, moreover what do I need to get an account?"
    before = reader_with(tmp_path / "a", "clause_and: [and, also]", "clause_and: [and, also]")
    assert not before.understand(text).also
    after = reader_with(tmp_path / "b", "clause_and: [and, also]", "clause_and: [and, moreover]")
    u = after.understand(text)
    assert u.intent == Intent.RECOMMEND and u.matches[0].community_id == "lighthouses", u
    assert [(a.intent, a.faq_id) for a in u.also] == [(Intent.FAQ, "account")]


def test_a_new_opener_in_the_data_cuts_a_message_at_it(tmp_path):
    text = "I keep a lighthouse and where do I sign up?"
    old = "clause_openers: [who, what, how, which, can, i]"
    before = reader_with(tmp_path / "a", old, old)
    assert not before.understand(text).also
    after = reader_with(tmp_path / "b", old, old.replace("[who", "[where, who"))
    assert [(a.intent, a.faq_id) for a in after.understand(text).also] == [(Intent.FAQ, "account")]
