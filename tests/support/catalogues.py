"""The catalogues the tests read: the real one (data/, for content tests), loaded once per
session, since a ``Catalogue`` is frozen."""

from __future__ import annotations

import functools
from pathlib import Path

from bot.core.catalogue import Catalogue, load_catalogue

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


@functools.cache
def real_catalogue() -> Catalogue:
    """The catalogue of data/ (also for parametrizing at collection: one test per FAQ)."""
    return load_catalogue(DATA)
