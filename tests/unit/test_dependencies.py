"""Every third-party package the code imports is declared in pyproject.toml: the application's
in ``dependencies`` (or an extra, such as ``azure``), the tests' in the ``test`` extra too."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import importlib.util
import re
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OWN = {"app", "bot", "cards", "dialogs", "tests", "bench"}
APPLICATION = [ROOT / "app.py", *(ROOT / d for d in ("bot", "cards", "dialogs"))]


def declared(*groups: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for group in groups:
        requirements += project["optional-dependencies"][group]
    return {normalise(re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0]) for r in requirements}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def owners() -> dict[Path, str]:
    """Installed file -> the distribution that installed it."""
    out: dict[Path, str] = {}
    for dist in metadata.distributions():
        for file in dist.files or []:
            out[Path(dist.locate_file(file)).resolve()] = normalise(dist.metadata["Name"])
    return out


def imported(paths: list[Path]) -> set[str]:
    """The modules imported by the Python files under ``paths``, outside the standard library
    and this project (full dotted names: botbuilder.core and botbuilder.dialogs are two)."""
    names: set[str] = set()
    files = [p for path in paths for p in ([path] if path.is_file() else path.rglob("*.py"))]
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    return {
        n
        for n in names
        if n.split(".")[0] not in OWN and n.split(".")[0] not in sys.stdlib_module_names
    }


def distribution_of(module: str) -> str:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin, f"{module} is imported but not installed"
    owner = owners().get(Path(spec.origin).resolve())
    assert owner, f"no installed distribution owns {module} ({spec.origin})"
    return owner


@pytest.mark.parametrize(
    ("paths", "groups"),
    [(APPLICATION, ("azure",)), ([ROOT / "tests"], ("azure", "test"))],
    ids=["application", "tests"],
)
def test_every_imported_package_is_declared(paths: list[Path], groups: tuple[str, ...]) -> None:
    allowed = declared(*groups)
    missing = {
        f"{module} ({dist})"
        for module in imported(paths)
        if (dist := distribution_of(module)) not in allowed
    }
    assert not missing, f"imported but not declared in pyproject.toml: {sorted(missing)}"
