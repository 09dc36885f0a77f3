"""The Microsoft 365 Agents Toolkit project files (m365agents*.yml, env/): what the toolkit needs
from them, checked without the toolkit (scripts/ci_agents_toolkit.sh runs its CLI)."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli.main import build_parser
from bot.settings import read_dotenv

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = {
    "m365agents.yml": "dev",
    "m365agents.local.yml": "local",
    "m365agents.playground.yml": "playground",
}
PLACEHOLDER = re.compile(r"\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# Set by the toolkit itself: the environment's name, the signed-in tenant.
FROM_TOOLKIT = {"TEAMSFX_ENV", "TEAMS_APP_TENANT_ID"}


def _project(name: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _actions(project: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        action
        for stage in ("provision", "deploy", "publish")
        for action in project.get(stage) or []
    ]


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_each_project_file_declares_the_schema_version_and_known_stages(name: str) -> None:
    project = _project(name)
    assert project["version"] == "v1.9"
    assert set(project) <= {"version", "environmentFolderPath", "provision", "deploy", "publish"}
    assert _actions(project), f"{name} has no action"


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_every_script_step_is_a_valid_bot_command(name: str) -> None:
    """A script step's command line parses with the bot's own CLI (a renamed option fails)."""
    scripts = [a["with"]["run"] for a in _actions(_project(name)) if a["uses"] == "script"]
    assert scripts
    for run in scripts:
        words = shlex.split(PLACEHOLDER.sub("x", run))
        assert words[:3] == ["python", "-m", "bot"], run
        build_parser().parse_args(words[3:])


def test_the_dev_and_local_projects_build_the_package_with_python_m_bot_package() -> None:
    for name in ("m365agents.yml", "m365agents.local.yml"):
        actions = _actions(_project(name))
        runs = [a["with"]["run"] for a in actions if a["uses"] == "script"]
        assert any(r.startswith("python -m bot package") for r in runs), name
        out = {
            a["with"]["appPackagePath"] for a in actions if "appPackagePath" in a.get("with", {})
        }
        assert out == {"./build/appPackage.${{TEAMSFX_ENV}}.zip"}, name
        assert all(f"--out {path}" in r for r in runs if "package" in r for path in out)


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_every_variable_a_project_uses_is_defined_for_its_environment(name: str) -> None:
    env_name = PROJECTS[name]
    project = _project(name)
    defined = set(read_dotenv(ROOT / "env" / f".env.{env_name}")) | FROM_TOOLKIT
    for action in _actions(project):
        for written in (action.get("writeToEnvironmentFile") or {}).values():
            defined.add(written)
    text = (ROOT / name).read_text(encoding="utf-8")
    used = {m for m in PLACEHOLDER.findall(text)}
    assert used <= defined, f"{name}: not defined in env/.env.{env_name}: {used - defined}"


@pytest.mark.parametrize("env_name", ["dev", "local"])
def test_every_manifest_placeholder_has_a_value_in_the_environment(env_name: str) -> None:
    """`atk package` and `atk validate` refuse a placeholder with no variable."""
    template = (ROOT / "manifest" / "manifest.json").read_text(encoding="utf-8")
    env = read_dotenv(ROOT / "env" / f".env.{env_name}")
    assert set(PLACEHOLDER.findall(template)) <= set(env)


def test_committed_environment_files_hold_no_secret_and_the_user_files_are_ignored() -> None:
    env_files = sorted((ROOT / "env").glob(".env.*"))
    assert {p.name for p in env_files} >= {".env.dev", ".env.local", ".env.playground"}
    for path in env_files:
        if path.name.endswith(".user"):
            continue
        for key, value in read_dotenv(path).items():
            secretive = re.search(r"SECRET|PASSWORD|CONNECTION_STRING|KEY", key)
            assert not (secretive and value), f"{path.name}: {key} has a value"
    for user_file in ("env/.env.dev.user", "env/.env.local.user", "env/.env.playground.user"):
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", user_file], cwd=ROOT, check=False
        ).returncode
        assert ignored == 0, f"{user_file} is not git-ignored"


def test_the_local_project_keeps_the_bot_secret_in_a_secret_variable() -> None:
    actions = _actions(_project("m365agents.local.yml"))
    (bot_app,) = [a for a in actions if a["uses"] == "botAadApp/create"]
    assert bot_app["writeToEnvironmentFile"]["botPassword"].startswith("SECRET_")
    (dotenv,) = [a for a in actions if a["uses"] == "file/createOrUpdateEnvironmentFile"]
    assert dotenv["with"]["target"] == "./.env"
    assert dotenv["with"]["envs"]["MicrosoftAppType"] in {"SingleTenant", "UserAssignedMSI"}
