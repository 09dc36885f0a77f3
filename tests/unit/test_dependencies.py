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
OWN = {"app", "bot", "cards", "dialogs", "tests", "bench", "tools"}
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
    [(APPLICATION, ("azure", "telemetry")), ([ROOT / "tests"], ("azure", "telemetry", "test"))],
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


# --------------------------------------------------------------------------- the lock file


def locked() -> dict[str, str]:
    """requirements.lock: package -> the tested version."""
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not name==version"
            pins[normalise(name)] = version
    return pins


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.split("a")[0].split("b")[0]))


def satisfies(version: str, specifier: str) -> bool:
    """``version`` meets ``specifier`` (the forms pyproject.toml uses: >=, <, ==, ==x.*)."""
    for clause in filter(None, (c.strip() for c in specifier.split(","))):
        op, bound = re.match(r"(>=|<=|==|<|>)\s*(\S+)", clause).groups()  # type: ignore[union-attr]
        if op == "==":
            ok = version.startswith(bound[:-1]) if bound.endswith("*") else version == bound
        else:
            ok = {
                ">=": _release(version) >= _release(bound),
                "<=": _release(version) <= _release(bound),
                "<": _release(version) < _release(bound),
                ">": _release(version) > _release(bound),
            }[op]
        if not ok:
            return False
    return True


def test_the_lock_pins_every_declared_package_within_its_floors() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["azure"]]
    requirements += project["optional-dependencies"]["telemetry"]
    requirements += project["optional-dependencies"]["test"]
    pins = locked()
    for requirement in requirements:
        name, specifier = re.match(r"([A-Za-z0-9_.-]+)\s*(.*)", requirement).groups()  # type: ignore[union-attr]
        version = pins.get(normalise(name))
        assert version, f"{name} is declared in pyproject.toml but not in requirements.lock"
        assert satisfies(version, specifier), f"requirements.lock has {name} {version}: {specifier}"


@pytest.mark.parametrize(
    ("name", "affected"),
    [("aiohttp", "3.12.13"), ("requests", "2.32.3"), ("urllib3", "2.4.0"), ("PyJWT", "2.10.0")],
)
def test_the_floors_are_past_the_known_advisories(name: str, affected: str) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [specifier] = [
        r[len(name) :].split("#")[0] for r in project["dependencies"] if r.startswith(name)
    ]
    assert not satisfies(affected, specifier), f"{name} {specifier} allows {affected}"


def test_the_installed_packages_are_the_locked_ones() -> None:
    """setup.sh installs with the lock as constraints: what runs is what was tested."""
    different = {
        f"{name} {metadata.version(name)} (locked {version})"
        for name, version in locked().items()
        if metadata.version(name) != version
    }
    assert not different, f"installed versions differ from requirements.lock: {sorted(different)}"
