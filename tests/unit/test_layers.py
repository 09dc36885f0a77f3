"""The layer rule, checked on the folders: every module of bot/, cards/, dialogs/ and app.py
belongs to a layer by the folder it is in, and

- nothing imports a module of a higher layer;
- bot.core imports only the standard library and its data libraries;
- only the Teams edge (bot.teams), the dialogs, the command line and app.py import the Bot
  Framework SDK and the web stack;
- no module imports itself back through others (no import cycle).

Every import counts: at the top, inside functions, under ``if TYPE_CHECKING``, and
``importlib.import_module`` / ``__import__`` calls with a constant name. A new folder or a new
module directly in bot/ must be given a layer here (the test says so), not slip through.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "cards", "dialogs")  # and app.py
# Low to high (README, "How it is built"): a module may import its own layer and lower ones.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("bot.core",),
    ("bot.ops",),
    ("bot.tickets",),
    ("cards",),
    ("bot.assistant",),
    ("dialogs",),
    ("bot.teams",),
    ("bot.cli", "bot.packaging", "bot.settings", "bot.exits", "app", "bot.__main__", "bot"),
)
# bot.core: the standard library and the libraries its data needs, nothing else.
CORE = "bot.core"
CORE_LIBRARIES = frozenset({"yaml", "rapidfuzz", "numpy"})
# The Bot Framework SDK and the web stack under it: only at the edge.
EDGE_LIBRARIES = frozenset(
    {"botbuilder", "botframework", "msrest", "aiohttp", "requests", "urllib3", "jsonpickle"}
)
EDGE = ("bot.teams", "dialogs", "bot.cli", "app")
# Exactly these names, not their children: bot/__init__.py is the package, not a folder rule.
EXACT = frozenset({"bot", "bot.__main__", "bot.assistant", "bot.settings", "bot.exits", "app"})


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # what it imports: a module of the project, or a library's top-level name
    line: int


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path) -> dict[str, Path]:
    """Every module of the project under ``root``: name -> file."""
    files = [f for package in PACKAGES for f in sorted((root / package).rglob("*.py"))]
    if (root / "app.py").is_file():
        files.append(root / "app.py")
    return {module_name(f, root): f for f in files}


def _imported_names(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:  # relative: from the importing module's package
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, *([base] if base else [])])
        return [f"{base}.{alias.name}" for alias in node.names] + [base]
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        arg = node.args[0]
        if called in ("import_module", "__import__") and isinstance(arg, ast.Constant):
            return [str(arg.value)]
    return []


def imports(root: Path, modules: Mapping[str, Path]) -> list[Import]:
    """Every import of every module: to a project module when the name is one (``from a import
    b`` is an import of ``a.b`` when that is a module, else of ``a``), else to a library."""
    found: list[Import] = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            names = _imported_names(node, module, is_package)
            if not names:
                continue
            line = getattr(node, "lineno", 0)
            if isinstance(node, ast.ImportFrom):
                *members, base = names
                targets = [m for m in members if m in modules] or [base]
                if node.module == "__future__":
                    continue
            else:
                targets = names
            for target in targets:
                if target not in modules:  # a library: its top-level name
                    top = target.split(".")[0]
                    if top in PACKAGES or top == "app":
                        # a name inside a project module, e.g. ``import bot.core.text.x``
                        while target and target not in modules:
                            target = target.rpartition(".")[0]
                    else:
                        target = top
                if target and target != module:
                    found.append(Import(module, target, line))
    return found


def layer_of(module: str) -> int | None:
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            inside = prefix not in EXACT and module.startswith(prefix + ".")
            if (module == prefix or inside) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), level)
    return best[1] if best else None


def _in(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(edges.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            if children:
                child = children.pop(0)
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(edges.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def violations(root: Path) -> list[str]:
    """Every break of the layer rule in the project at ``root``, as readable lines."""
    modules = project_modules(root)
    problems = [
        f"{m}: in no layer (give its folder a layer in tests/unit/test_layers.py)"
        for m in modules
        if layer_of(m) is None
    ]
    edges: dict[str, set[str]] = {m: set() for m in modules}
    stdlib = sys.stdlib_module_names
    for imp in imports(root, modules):
        where = f"{modules[imp.module].relative_to(root).as_posix()}:{imp.line}"
        if imp.target in modules:
            edges[imp.module].add(imp.target)
            mine, theirs = layer_of(imp.module), layer_of(imp.target)
            if mine is not None and theirs is not None and theirs > mine:
                problems.append(f"{where}: {imp.module} imports {imp.target}, a higher layer")
            continue
        if imp.target in stdlib:
            continue
        if _in(imp.module, (CORE,)) and imp.target not in CORE_LIBRARIES:
            problems.append(f"{where}: {imp.module} (core) imports the library {imp.target}")
        if imp.target in EDGE_LIBRARIES and not _in(imp.module, EDGE):
            problems.append(f"{where}: {imp.module} imports {imp.target}, which only the edge may")
    problems += [f"import cycle: {' -> '.join(c)}" for c in cycles(edges)]
    return problems


# --------------------------------------------------------------------------- the project


def test_the_project_keeps_the_layer_rule():
    assert violations(ROOT) == []


def test_every_module_is_found_and_placed():
    modules = project_modules(ROOT)
    assert {"app", "bot.core.text", "bot.tickets.store.contract", "dialogs.ports"} <= set(modules)
    assert layer_of("bot.core.text") == 0
    assert layer_of("bot.tickets.store.sqlite") == 2
    assert layer_of("bot.teams.support") > layer_of("dialogs.escalation_dialog")
    assert layer_of("bot.newcomer") is None  # a new module directly in bot/ must be placed


# --------------------------------------------------------------------------- the checker


def write(root: Path, files: Mapping[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    for package in ("bot", "bot/core", "bot/tickets", "bot/teams", "cards", "dialogs"):
        init = root / package / "__init__.py"
        if not init.exists():
            init.parent.mkdir(parents=True, exist_ok=True)
            init.write_text("", encoding="utf-8")
    return root


def test_a_clean_tree_passes(tmp_path):
    root = write(
        tmp_path,
        {
            "bot/core/text.py": "import re\nimport yaml\n",
            "bot/tickets/model.py": "from bot.core import text\n",
            "bot/teams/edge.py": "import botbuilder.core\nfrom bot.tickets.model import x\n",
            "app.py": "from bot.teams import edge\n",
        },
    )
    assert violations(root) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"bot/tickets/model.py": "def f():\n    from bot.teams.edge import x\n"},
            "bot.tickets.model imports bot.teams.edge, a higher layer",
        ),
        (
            {
                "bot/tickets/model.py": (
                    "from typing import TYPE_CHECKING\n"
                    "if TYPE_CHECKING:\n    from dialogs import flow\n"
                ),
                "dialogs/flow.py": "",
            },
            "bot.tickets.model imports dialogs.flow, a higher layer",
        ),
        (
            {"bot/core/text.py": "import requests\n"},
            "bot.core.text (core) imports the library requests",
        ),
        (
            {"cards/card.py": "import importlib\nimportlib.import_module('botbuilder.schema')\n"},
            "cards.card imports botbuilder, which only the edge may",
        ),
        (
            {"bot/tickets/a.py": "from . import b\n", "bot/tickets/b.py": "import bot.tickets.a\n"},
            "import cycle: bot.tickets.a -> bot.tickets.b",
        ),
        (
            {"bot/helpers.py": ""},
            "bot.helpers: in no layer",
        ),
    ],
)
def test_a_break_of_the_rule_is_found(tmp_path, files, expected):
    found = violations(write(tmp_path, {"bot/teams/edge.py": "", **files}))
    assert any(expected in line for line in found), found


def test_a_longer_cycle_is_found_once(tmp_path):
    root = write(
        tmp_path,
        {
            "bot/core/a.py": "import bot.core.b\n",
            "bot/core/b.py": "from bot.core import c\n",
            "bot/core/c.py": "from bot.core.a import thing\n",
            "bot/core/d.py": "import bot.core.a\n",
        },
    )
    assert violations(root) == ["import cycle: bot.core.a -> bot.core.b -> bot.core.c"]
