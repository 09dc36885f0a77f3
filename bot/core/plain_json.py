"""Is a value plain JSON? Pure: what a card, a payload or msrest's generic ``object`` type can
carry unchanged."""

from __future__ import annotations

from typing import Any

_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def is_plain_json(value: object) -> bool:
    """True for a tree of exactly dict (str keys), list, str, int, float, bool and None: what
    msrest's generic ``object`` (de)serialisation returns unchanged (as a copy)."""
    stack: list[Any] = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            extend(item.values())
        elif kind is list:
            extend(item)
        elif kind not in _JSON_SCALARS:
            return False
    return True
