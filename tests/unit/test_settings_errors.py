"""Settings an operator gets wrong are refused with one line naming the setting (or the .env
file and line), never accepted silently or turned into a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError

APP_ID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"


def refusal(env: dict[str, str], dotenv: Path | None = None) -> str:
    with pytest.raises(SettingsError) as info:
        Settings.from_env(env, dotenv=dotenv)
    message = str(info.value)
    assert "\n" not in message  # one line
    return message


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"RATE_LIMIT_PER_MINUTE": "abc"}, "RATE_LIMIT_PER_MINUTE"),
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL"),
        ({"LOG_LEVEL": "5"}, "LOG_LEVEL"),
        ({"MicrosoftAppId": "my-bot", "MicrosoftAppPassword": "x"}, "MicrosoftAppId"),
        ({"MicrosoftAppId": APP_ID[:-1], "MicrosoftAppPassword": "x"}, "MicrosoftAppId"),
        ({"ASSISTANT_STORE": "mongo"}, "ASSISTANT_STORE"),
        ({"PORT": "-1"}, "PORT"),
        ({"FALLBACK_RETENTION_DAYS": "0"}, "FALLBACK_RETENTION_DAYS"),
        ({"FALLBACK_RETENTION_DAYS": "a month"}, "FALLBACK_RETENTION_DAYS"),
        ({"TICKET_RETENTION_DAYS": "0"}, "TICKET_RETENTION_DAYS"),
        ({"TICKET_RETENTION_DAYS": "half a year"}, "TICKET_RETENTION_DAYS"),
        ({"TICKET_RETENTION_DAYS": "3651"}, "TICKET_RETENTION_DAYS"),
    ],
)
def test_a_bad_setting_is_refused_naming_it(env: dict[str, str], names: str) -> None:
    assert refusal(env).startswith(names)


@pytest.mark.parametrize(
    ("raw", "level"),
    [("", "INFO"), ("debug", "DEBUG"), (" Warning ", "WARNING"), ("warn", "WARNING")],
)
def test_log_levels(raw: str, level: str) -> None:
    assert Settings.from_env({"LOG_LEVEL": raw}).log_level == level


def test_fallback_retention() -> None:
    assert Settings.from_env({}).fallback_retention_days == 90
    assert Settings.from_env({"FALLBACK_RETENTION_DAYS": "30"}).fallback_retention_days == 30


def test_ticket_retention() -> None:
    assert Settings.from_env({}).ticket_retention_days == 180
    assert Settings.from_env({"TICKET_RETENTION_DAYS": " 30 "}).ticket_retention_days == 30


def test_an_app_id_is_a_guid() -> None:
    settings = Settings.from_env({"MicrosoftAppId": APP_ID})  # enough for python -m bot package
    assert (settings.app_id, settings.auth_enabled) == (APP_ID, True)
    assert not Settings.from_env({}).auth_enabled


def test_port_zero_means_any_free_port() -> None:
    assert Settings.from_env({"PORT": "0"}).port == 0


# --------------------------------------------------------------------------- .env


def dotenv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".env"
    path.write_text(text, encoding="utf-8")
    return path


def test_dotenv_lines_are_read(tmp_path: Path) -> None:
    path = dotenv(
        tmp_path,
        "# a comment\n\nexport LOG_LEVEL=debug\nPORT = 4000\nSMTP_FROM='Bot <bot@interact.eu>'\n"
        'SMTP_HOST="mail.example.org"\n',
    )
    settings = Settings.from_env({}, dotenv=path)
    assert (settings.log_level, settings.port) == ("DEBUG", 4000)
    assert (settings.smtp_host, settings.smtp_from) == ("mail.example.org", "Bot <bot@interact.eu>")


def test_the_environment_wins_over_dotenv(tmp_path: Path) -> None:
    path = dotenv(tmp_path, "PORT=4000\n")
    assert Settings.from_env({"PORT": "5000"}, dotenv=path).port == 5000


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("PORT=4000\nMicrosoftAppPassword\n", 2),  # no "=": the value was lost before
        ("# ok\nLOG LEVEL=debug\n", 2),  # a space in the key
        ("=value\n", 1),
        ("PORT=4000\n\n\nSMTP_FROM='Bot <bot@interact.eu>\n", 4),  # the quote is not closed
        ("-KEY=1\n", 1),
    ],
)
def test_a_line_that_is_not_key_value_is_reported_with_file_and_line(
    tmp_path: Path, text: str, line: int
) -> None:
    message = refusal({}, dotenv(tmp_path, text))
    assert message.startswith(f"{tmp_path / '.env'}, line {line}: ")


def test_the_bad_line_itself_is_not_repeated(tmp_path: Path) -> None:
    """It may be a secret pasted without its key."""
    message = refusal({}, dotenv(tmp_path, "hunter2-secret-password\n"))
    assert "hunter2" not in message


def test_no_dotenv_file_is_fine(tmp_path: Path) -> None:
    assert Settings.from_env({}, dotenv=tmp_path / "missing.env").port == 3978
