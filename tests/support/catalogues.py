"""The catalogues the tests read, each loaded once per session (a ``Catalogue`` is frozen): the
real one (data/) for the content tests, and a small invented one (tests/fixtures/catalogue) for
the tests of the loader and of the engine, which must not change when the content does."""

from __future__ import annotations

import functools
from pathlib import Path

from bot.core.catalogue import Catalogue, load_catalogue
from bot.core.learning import Loaded, load_understanding
from bot.core.understanding import Intent, Understander, Understanding

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "catalogue"


@functools.cache
def real_catalogue() -> Catalogue:
    """The catalogue of data/ (also for parametrizing at collection: one test per FAQ)."""
    return load_catalogue(DATA)


@functools.cache
def fixture_catalogue() -> Catalogue:
    """The invented catalogue of tests/fixtures/catalogue (copy it to edit it)."""
    return load_catalogue(FIXTURE)


@functools.cache
def served_understanding() -> Loaded:
    """data/'s trained model and language word lists, for the real catalogue (read once)."""
    return load_understanding(DATA, real_catalogue())


@functools.cache
def served_reader() -> Understander:
    """The understanding as the bot serves it: the real catalogue with data/'s trained model and
    language word lists (its caches only remember corrections, so tests may share it)."""
    loaded = served_understanding()
    return Understander(real_catalogue(), loaded.model, loaded.languages)


def top_community(u: Understanding) -> str | None:
    """The community recommended first, or None when the message gets no recommendation."""
    return u.matches[0].community_id if u.intent == Intent.RECOMMEND and u.matches else None
