"""``python -m bot doctor``: each go-live condition as ok / warning / blocker with its fix, against
a real store (SQLite in a temporary folder) and a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import io
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import doctor
from bot.cli.doctor import Finding, Level
from bot.cli.main import main
from bot.settings import Settings
from bot.teams.support import SUPPORT_CHANNEL
from bot.tickets.store.sqlite import SqliteStore
from tests.support.smtp import free_port, start_server

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
TENANT = "11111111-2222-4333-8444-555555555555"


@pytest.fixture
def smtp_port() -> Iterator[int]:
    server = start_server()  # accepts any sender but nobody@...
    yield server.port
    server.controller.stop()


@pytest.fixture
def live(tmp_path: Path, smtp_port: int) -> dict[str, str]:
    """An environment with nothing left to fix."""
    return {
        "MicrosoftAppId": APP_ID,
        "MicrosoftAppType": "SingleTenant",
        "MicrosoftAppTenantId": TENANT,
        "MicrosoftAppPassword": "a-client-secret",
        "ALLOWED_TENANTS": TENANT,
        "SUPPORT_ADMINS": "aad-object-id-of-the-support-lead",
        "PRIVACY_URL": "https://www.interact.eu/privacy",
        "TERMS_URL": "https://www.interact.eu/terms",
        "PORTAL_REGISTER_URL": "https://portal.example.org/register",
        "PORTAL_ALL_COMMUNITIES_URL": "https://portal.example.org/communities",
        "ASSISTANT_DB": str(tmp_path / "var" / "assistant.sqlite3"),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_STARTTLS": "false",
        "SMTP_FROM": "Interact Communities assistant <noreply@interact.eu>",
    }


def examine(env: dict[str, str], **changes: str | None) -> dict[str, Finding]:
    """The findings by topic (the e-mail and tickets findings are both kept)."""
    env = {k: v for k, v in {**env, **changes}.items() if v is not None}
    return {f.topic: f for f in doctor.examine(Settings.from_env(env), store_timeout=5)}


def levels(findings: dict[str, Finding]) -> dict[str, Level]:
    return {topic: f.level for topic, f in findings.items()}


def test_nothing_to_fix(live: dict[str, str]) -> None:
    findings = examine(live)
    assert set(levels(findings).values()) == {Level.OK}, findings
    assert set(findings) == {
        "data",
        "model",
        "portal",
        "authentication",
        "tenants",
        "staff",
        "app links",
        "store",
        "e-mail",
        "telemetry",
    }
    assert "accepts the sender" in findings["e-mail"].text
    assert findings["telemetry"].text.startswith("off (")


def test_telemetry_says_where_it_goes(live: dict[str, str]) -> None:
    findings = examine(
        live,
        APPLICATIONINSIGHTS_CONNECTION_STRING="InstrumentationKey=00000000-0000-0000-0000-0000",
        OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318",
    )
    assert findings["telemetry"].level is Level.OK
    assert findings["telemetry"].text == (
        "on, service interact-communities-bot, to Application Insights and an OTLP collector at "
        "http://collector:4318/v1/traces"
    )


def test_the_command_exits_0_when_ready_and_1_on_a_blocker(
    live: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for key, value in live.items():
        monkeypatch.setenv(key, value)
    out = io.StringIO()
    assert main(["doctor"], out) == 0
    assert out.getvalue().splitlines()[-1] == "doctor: 0 blocker(s), 0 warning(s): ready to go live"
    for name in ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppType"):
        monkeypatch.delenv(name)
    monkeypatch.delenv("MicrosoftAppTenantId")
    out = io.StringIO()
    assert main(["doctor"], out) == 1
    text = out.getvalue()
    assert "blocker  authentication  MicrosoftAppId is not set: authentication is off" in text
    assert "fix: register the bot" in text
    assert text.splitlines()[-1].startswith("doctor: 1 blocker(s), ")


def test_a_bad_setting_is_one_line_and_exit_code_3(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    assert main(["doctor"], io.StringIO()) == 3
    assert capsys.readouterr().err.startswith("error: LOG_LEVEL must be one of")


# --------------------------------------------------------------------------- each condition


def test_authentication_off_is_a_blocker(live: dict[str, str]) -> None:
    found = examine(
        live,
        MicrosoftAppId=None,
        MicrosoftAppPassword=None,
        MicrosoftAppType=None,
        MicrosoftAppTenantId=None,
    )
    assert found["authentication"].level is Level.BLOCKER
    assert "tenants" not in found and "staff" not in found  # only meaningful with it on


def test_a_missing_password_is_a_blocker(live: dict[str, str]) -> None:
    found = examine(live, MicrosoftAppPassword=None)["authentication"]
    assert found.level is Level.BLOCKER
    assert found.text.startswith("MicrosoftAppPassword must be set with MicrosoftAppType=")


def test_no_tenant_list_and_no_staff_list_are_warnings(live: dict[str, str]) -> None:
    found = examine(live, ALLOWED_TENANTS=None, SUPPORT_ADMINS=None)
    assert found["tenants"].level is Level.WARNING and "ALLOWED_TENANTS" in found["tenants"].fix
    assert found["staff"].level is Level.WARNING and "SUPPORT_ADMINS" in found["staff"].fix
    assert "nobody can choose the support channel" in found["staff"].text
    found = examine(live, SUPPORT_ADMINS=None, SUPPORT_AGENTS="aad-object-id-of-an-agent")
    assert found["staff"].level is Level.WARNING  # agents cannot choose the channel
    assert examine(live, SUPPORT_AGENTS="aad-1,aad-2")["staff"].text.endswith(
        "SUPPORT_ADMINS: 1, SUPPORT_AGENTS: 2 person(s)"
    )


def test_default_privacy_and_terms_addresses_are_a_warning(live: dict[str, str]) -> None:
    found = examine(live, TERMS_URL=None)["app links"]
    assert found.level is Level.WARNING
    assert found.text.startswith("TERMS_URL still points to https://www.interact.eu/")


def test_placeholder_portal_addresses_are_a_blocker(live: dict[str, str], tmp_path: Path) -> None:
    found = examine(live, PORTAL_ALL_COMMUNITIES_URL=None)["portal"]
    assert found.level is Level.BLOCKER
    assert "not overridden: PORTAL_ALL_COMMUNITIES_URL)" in found.text
    # the same address given in the environment is still the placeholder
    same = Settings.from_env({}).data_dir / "catalogue.yaml"
    placeholder = next(
        line.split(": ", 1)[1]
        for line in same.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("register_url:")
    )
    found = examine(live, PORTAL_REGISTER_URL=placeholder)["portal"]
    assert found.level is Level.BLOCKER and "PORTAL_REGISTER_URL" in found.text


def test_confirmed_portal_addresses_in_the_data_are_ok(
    live: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    catalogue = folder / "catalogue.yaml"
    text = catalogue.read_text(encoding="utf-8")
    assert text.count("  confirmed: false\n") == 1
    catalogue.write_text(text.replace("  confirmed: false\n", "  confirmed: true\n"))
    found = examine(
        live,
        ASSISTANT_DATA_DIR=str(folder),
        PORTAL_REGISTER_URL=None,
        PORTAL_ALL_COMMUNITIES_URL=None,
    )
    assert found["portal"].level is Level.OK


def test_broken_data_is_a_blocker_naming_the_file(live: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    (folder / "faq.yaml").write_text("faqs: [\n", encoding="utf-8")
    found = examine(live, ASSISTANT_DATA_DIR=str(folder))
    assert found["data"].level is Level.BLOCKER
    assert found["data"].text.startswith(f"{folder}/faq.yaml:")
    assert "portal" not in found


def test_a_store_that_cannot_be_written_is_a_blocker(live: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    found = examine(live, ASSISTANT_DB=str(tmp_path / "a-file" / "assistant.sqlite3"))
    assert found["store"].level is Level.BLOCKER
    assert found["store"].text.startswith(f"the SQLite store {tmp_path}/a-file/")
    assert "ASSISTANT_DB" in found["store"].fix


def test_a_store_that_does_not_answer_is_a_blocker(
    live: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(settings: Settings) -> Any:
        time.sleep(3)
        raise AssertionError("not reached in time")

    monkeypatch.setattr(doctor, "open_store", slow)
    findings = doctor.examine(Settings.from_env(live), store_timeout=0.2)
    [store] = [f for f in findings if f.topic == "store"]
    assert store.level is Level.BLOCKER
    assert store.text.endswith("did not answer within 0.2 s")


def test_no_smtp_and_no_support_channel_means_tickets_reach_nobody(live: dict[str, str]) -> None:
    found = examine(live, SMTP_HOST=None, SMTP_FROM=None)
    assert found["tickets"].level is Level.BLOCKER
    assert found["tickets"].text.startswith("tickets reach nobody")
    assert "e-mail" not in found


def test_a_support_channel_chosen_in_teams_is_enough(live: dict[str, str]) -> None:
    with SqliteStore(Path(live["ASSISTANT_DB"])) as store:
        store.set_setting(SUPPORT_CHANNEL, {"conversation": {"id": "19:support@thread.tacv2"}})
    found = examine(live, SMTP_HOST=None, SMTP_FROM=None)
    assert found["tickets"].level is Level.OK


def test_an_smtp_server_that_refuses_the_sender_is_a_blocker(live: dict[str, str]) -> None:
    found = examine(live, SMTP_FROM="nobody@interact.eu")["e-mail"]
    assert found.level is Level.BLOCKER
    assert "refused the sender nobody@interact.eu: 553" in found.text


def test_an_smtp_server_out_of_reach_is_a_blocker(live: dict[str, str]) -> None:
    found = examine(live, SMTP_PORT=str(free_port()))["e-mail"]
    assert found.level is Level.BLOCKER
    assert "connection refused" in found.text


def test_a_stale_model_is_a_blocker(live: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    assert examine(live, ASSISTANT_DATA_DIR=str(folder))["model"].level is Level.OK
    model = folder / "model" / "understanding.json"
    doc = json.loads(model.read_text(encoding="utf-8"))
    doc["fingerprint"] = "0" * 64  # trained on other data
    model.write_text(json.dumps(doc), encoding="utf-8")
    found = examine(live, ASSISTANT_DATA_DIR=str(folder))["model"]
    assert found.level is Level.BLOCKER
    assert found.text.startswith("the understanding model is not current: ")
    assert "stale" in found.text and "python -m bot train" in found.fix
    model.unlink()
    found = examine(live, ASSISTANT_DATA_DIR=str(folder))["model"]
    assert found.level is Level.BLOCKER and "no model file" in found.text
