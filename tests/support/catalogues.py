"""The catalogues the tests read, each loaded once per session (a ``Catalogue`` is frozen): the
real one (data/) for the content tests, and a small invented one (tests/fixtures/catalogue) for
the tests of the loader and of the engine, which must not change when the content does."""

from __future__ import annotations

import functools
from pathlib import Path

from bot.core.catalogue import Catalogue, load_catalogue

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
