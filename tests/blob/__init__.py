"""The store on Azure Blob Storage, tested against Azurite (started by conftest.py)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

STORE_FIXTURES = frozenset({"store", "storage", "open_store"})


def contract_tests(module: ModuleType) -> dict[str, Callable[..., Any]]:
    """The tests of ``module`` that take the store only through its fixtures (``store``,
    ``storage``, ``open_store``): put into a module of tests/blob, they run unchanged on a
    ``BlobStore`` (the fixtures of tests/blob/conftest.py), with their marks."""
    return {
        name: fn
        for name, fn in vars(module).items()
        if name.startswith("test_")
        and inspect.isfunction(fn)
        and STORE_FIXTURES & set(inspect.signature(fn).parameters)
    }
