"""The Teams app package: template, icons, `python -m bot package` and the schema validator."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import re
import shutil
import zipfile
import zlib
from pathlib import Path

import pytest

from bot.cli.main import load_assistant, main
from bot.packaging import package
from bot.packaging.package import PackageError
from bot.settings import Settings
from tests.support.catalogues import real_catalogue

BOT_ID = "00000000-0000-4000-8000-000000000000"  # the dummy id scripts/ci_package.sh uses


def _says(choice: str) -> str:
    """What the bot's own button ``choice`` sends (data/texts): a command sends the same."""
    return real_catalogue().texts().get(f"choice.{choice}.says")


COMMANDS = [
    _says("help"),
    _says("list_all"),
    _says("working_groups"),
    "which team should I join?",
    _says("register"),
    _says("support"),
]
ANY_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def settings(**changes) -> Settings:
    return Settings(**{"app_id": BOT_ID, **changes})


def built(tmp_path: Path, **changes) -> package.Built:
    return package.build_package(settings(**changes), tmp_path / "app.zip")


def make_icons_module():
    spec = importlib.util.spec_from_file_location(
        "make_icons", package.MANIFEST_DIR / "make_icons.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- template


def test_the_committed_template_holds_no_real_ids() -> None:
    text = package.TEMPLATE.read_text(encoding="utf-8")
    assert ANY_GUID.findall(text) == []
    template = json.loads(text)
    assert template["id"] == "${{TEAMS_APP_ID}}"
    assert template["bots"][0]["botId"] == "${{MicrosoftAppId}}"
    assert template["composeExtensions"][0]["botId"] == "${{MicrosoftAppId}}"
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        assert package.PLACEHOLDER.fullmatch(template["developer"][key])


def test_the_template_targets_the_newest_schema() -> None:
    template = package.load_template()
    assert template["manifestVersion"] == "1.30"
    assert "/teams/v1.30/MicrosoftTeams.schema.json" in template["$schema"]


def test_the_bot_lists_the_same_commands_in_each_scope() -> None:
    bot = package.load_template()["bots"][0]
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    lists = {
        tuple(c["scopes"]): [cmd["title"] for cmd in c["commands"]] for c in bot["commandLists"]
    }
    assert lists == {("personal",): COMMANDS, ("team",): COMMANDS, ("groupChat",): COMMANDS}


def test_every_listed_command_is_understood_by_the_bot() -> None:
    assistant = load_assistant(Settings())
    today = dt.date(2026, 1, 15)
    expected = [
        {"help"},
        {"list"},
        {"working_groups"},
        {"clarify", "recommend"},  # "which team should I join?" asks for the role first
        {"faq"},
        {"escalate"},
    ]
    for command, intents in zip(COMMANDS, expected, strict=True):
        assert str(assistant.respond(command, today).answer.intent) in intents, command


@pytest.mark.parametrize("language", ["de", "fr", "it", "es"])
def test_every_translated_command_is_understood_as_in_english(language) -> None:
    assistant = load_assistant(Settings())
    today = dt.date(2026, 1, 15)
    strings = json.loads((package.MANIFEST_DIR / f"{language}.json").read_text(encoding="utf-8"))
    for j, command in enumerate(COMMANDS):
        title = strings[f"bots[0].commandLists[0].commands[{j}].title"]
        english = {"which team should I join?": {"clarify", "recommend"}}.get(command) or {
            str(assistant.respond(command, today).answer.intent)
        }
        assert str(assistant.respond(title, today).answer.intent) in english, (command, title)


def test_the_message_extension_searches_communities() -> None:
    (extension,) = package.load_template()["composeExtensions"]
    (command,) = extension["commands"]
    assert command["id"] == "findCommunity"
    assert command["type"] == "query"
    assert command["title"] == "Find a community"
    assert command["initialRun"] is True
    assert [p["name"] for p in command["parameters"]] == ["query"]


# --------------------------------------------------------------------------- ids and settings


def test_a_missing_app_id_is_refused_naming_the_variable() -> None:
    with pytest.raises(PackageError, match=r"MicrosoftAppId is not set.*--app-id"):
        package.build_manifest(Settings())


@pytest.mark.parametrize("bad", ["not-a-guid", "00000000-0000-4000-8000-00000000000", "{x}"])
def test_an_invalid_app_id_is_refused_naming_the_variable(bad) -> None:
    with pytest.raises(PackageError, match=r"^MicrosoftAppId must be a GUID"):
        package.build_manifest(Settings(app_id=bad))


def test_an_explicit_app_id_replaces_the_configured_one() -> None:
    manifest = package.build_manifest(Settings(), app_id=BOT_ID.upper())
    assert manifest["bots"][0]["botId"] == BOT_ID
    assert manifest["composeExtensions"][0]["botId"] == BOT_ID
    with pytest.raises(PackageError, match=r"^--app-id must be a GUID"):
        package.build_manifest(settings(), app_id="abc")


def test_the_teams_app_id_is_reproducible_or_configured() -> None:
    first = package.build_manifest(settings())["id"]
    assert first == package.build_manifest(settings())["id"]
    assert package.is_guid(first) and first != BOT_ID
    other = package.build_manifest(settings(app_id="11111111-2222-4333-8444-555555555555"))
    assert other["id"] != first
    fixed = "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"
    assert package.build_manifest(settings(teams_app_id=fixed))["id"] == fixed.lower()
    with pytest.raises(PackageError, match=r"^TEAMS_APP_ID must be a GUID"):
        package.build_manifest(settings(teams_app_id="app"))


def test_settings_read_the_package_variables() -> None:
    s = Settings.from_env(
        {
            "MicrosoftAppId": BOT_ID,
            "TEAMS_APP_ID": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
            "PUBLIC_HOSTNAME": "https://bot.example.org/api/messages",
            "APP_VERSION": "2.3.4",
            "PRIVACY_URL": "https://example.org/privacy",
        }
    )
    manifest = package.build_manifest(s)
    assert manifest["id"] == "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
    assert manifest["version"] == "2.3.4"
    assert manifest["validDomains"] == ["bot.example.org"]
    assert manifest["developer"] == {
        "name": "Interact",
        "websiteUrl": "https://www.interact.eu/",
        "privacyUrl": "https://example.org/privacy",
        "termsOfUseUrl": "https://www.interact.eu/",
    }
    assert Settings.from_env(
        {"BOT_DOMAIN": "a.example.org", "PUBLIC_HOSTNAME": "b.x"}
    ).bot_domain == ("a.example.org")


def test_no_domain_means_empty_valid_domains() -> None:
    assert package.build_manifest(settings())["validDomains"] == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"app_version": "1.0"}, "^APP_VERSION must be MAJOR.MINOR.PATCH"),
        ({"privacy_url": "http://example.org/privacy"}, "^PRIVACY_URL must be an https://"),
        ({"terms_url": "terms"}, "^TERMS_URL must be an https://"),
        ({"developer_website_url": "https://"}, "^DEVELOPER_WEBSITE_URL must be an https://"),
        ({"bot_domain": "bot.example.org:8443"}, "^BOT_DOMAIN must be the bot's public host"),
        ({"bot_domain": "*.example.org"}, "^BOT_DOMAIN must be the bot's public host"),
        ({"bot_domain": "localhost"}, "^BOT_DOMAIN must be the bot's public host"),
    ],
)
def test_bad_settings_are_refused_naming_the_variable(changes, message) -> None:
    with pytest.raises(PackageError, match=message):
        package.build_manifest(settings(**changes))


def test_every_placeholder_is_filled_and_unknown_ones_are_refused(tmp_path) -> None:
    manifest = package.build_manifest(settings(bot_domain="bot.example.org"))
    assert "${{" not in json.dumps(manifest)
    template = tmp_path / "manifest.json"
    template.write_text('{"id": "${{TEAMS_APP_ID}}", "x": "${{NOPE}}"}', encoding="utf-8")
    with pytest.raises(PackageError, match=r"\$\{\{NOPE\}\}, which is not configured"):
        package.build_manifest(settings(), template=template)


# --------------------------------------------------------------------------- the zip


def test_the_package_holds_manifest_and_icons_at_its_root(tmp_path) -> None:
    result = built(tmp_path, bot_domain="bot.example.org")
    with zipfile.ZipFile(result.path) as zf:
        assert zf.namelist() == [
            "manifest.json",
            "color.png",
            "outline.png",
            *(f"{lang}.json" for lang in ("de", "fr", "it", "es")),
        ]
        manifest = json.loads(zf.read("manifest.json"))
        for key, size in package.ICON_SIZES.items():
            name = manifest["icons"][key]
            assert name in zf.namelist()  # every file the manifest references is in the zip
            png = package.read_png(zf.read(name))
            assert (png.width, png.height) == (size, size)
    assert manifest == result.manifest
    assert package.check_package(result.path) == []


def test_the_package_speaks_the_bots_languages(tmp_path) -> None:
    """localizationInfo: English by default, German, French, Italian and Spanish in their files,
    each translating the names, descriptions and every command the manifest lists."""
    result = built(tmp_path)
    info = result.manifest["localizationInfo"]
    assert info["defaultLanguageTag"] == "en"
    assert package.language_files(result.manifest) == {
        lang: f"{lang}.json" for lang in ("de", "fr", "it", "es")
    }
    commands = [
        (i, j)
        for i, group in enumerate(result.manifest["bots"][0]["commandLists"])
        for j, _ in enumerate(group["commands"])
    ]
    with zipfile.ZipFile(result.path) as zf:
        for name in package.language_files(result.manifest).values():
            strings = json.loads(zf.read(name))
            assert {"name.short", "name.full", "description.short", "description.full"} <= set(
                strings
            )
            for i, j in commands:
                assert f"bots[0].commandLists[{i}].commands[{j}].title" in strings, (name, i, j)


def test_the_check_finds_a_wrong_translation(tmp_path) -> None:
    manifest = json.loads((package.MANIFEST_DIR / "manifest.json").read_text(encoding="utf-8"))
    bad = {
        "name.short": "x" * 31,
        "bots[0].commandLists[0].commands[9].title": "Hilfe",
        "description.full": "",
    }
    found = package.language_problems("de.json", json.dumps(bad).encode(), manifest)
    assert found == [
        "de.json: name.short is longer than 30 characters",
        "de.json: bots[0].commandLists[0].commands[9].title translates nothing in the manifest",
        "de.json: description.full must be a non-empty text",
    ]


def test_a_missing_language_file_stops_the_build(tmp_path) -> None:
    source = tmp_path / "manifest"
    shutil.copytree(package.MANIFEST_DIR, source)
    (source / "it.json").unlink()
    with pytest.raises(package.PackageError, match=r"it\.json is referenced"):
        package.build_package(settings(), tmp_path / "app.zip", source_dir=source)


def test_the_package_is_reproducible(tmp_path) -> None:
    a = package.build_package(settings(), tmp_path / "a.zip").path.read_bytes()
    b = package.build_package(settings(), tmp_path / "b.zip").path.read_bytes()
    assert a == b


def test_the_outline_icon_is_white_on_transparent() -> None:
    png = package.read_png((package.MANIFEST_DIR / "outline.png").read_bytes())
    pixels = png.rgba()
    alphas = pixels[3::4]
    assert min(alphas) == 0 and max(alphas) == 255
    visible = [pixels[i : i + 3] for i in range(0, len(pixels), 4) if pixels[i + 3]]
    assert all(min(rgb) >= package.WHITE_MIN for rgb in visible)


def test_the_committed_icons_are_what_make_icons_draws(tmp_path) -> None:
    make_icons = make_icons_module()
    make_icons.write_icons(tmp_path)
    for name in ("color.png", "outline.png"):
        committed = package.read_png((package.MANIFEST_DIR / name).read_bytes())
        drawn = package.read_png((tmp_path / name).read_bytes())
        assert committed.rgba() == drawn.rgba(), f"run python manifest/make_icons.py ({name})"


def test_the_png_reader_undoes_every_row_filter() -> None:
    make_icons = make_icons_module()

    rgba = bytes(range(256)) * 3  # 8x24 RGBA pixels
    png = package.read_png(make_icons.png(8, 24, rgba))
    assert png.rgba() == rgba
    # the same pixels with filters 1-4 (sub, up, average, paeth), encoded by hand
    stride, rows = 32, [rgba[i : i + 32] for i in range(0, len(rgba), 32)]
    encoded, prev = bytearray(), bytes(stride)
    for y, row in enumerate(rows):
        kind = 1 + y % 4
        out = bytearray([kind])
        for i in range(stride):
            a = row[i - 4] if i >= 4 else 0
            b, c = prev[i], prev[i - 4] if i >= 4 else 0
            if kind == 1:
                pred = a
            elif kind == 2:
                pred = b
            elif kind == 3:
                pred = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
            out.append((row[i] - pred) & 0xFF)
        encoded += out
        prev = row
    filtered = package.Png(8, 24, 8, 6, 0, zlib.compress(bytes(encoded)))
    assert filtered.rgba() == rgba


def _repack(src: Path, dst: Path, replace: dict[str, bytes | None]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            data = replace.get(name, zin.read(name))
            if data is not None:
                zout.writestr(name, data)
    return dst


def test_the_check_finds_missing_and_wrong_icons(tmp_path) -> None:
    make_icons = make_icons_module()
    good = built(tmp_path).path
    missing = _repack(good, tmp_path / "missing.zip", {"outline.png": None})
    assert package.check_package(missing) == ["icons.outline: outline.png is not in the package"]
    small = make_icons.png(96, 96, make_icons.color_icon(96))
    wrong = _repack(good, tmp_path / "wrong.zip", {"color.png": small})
    assert package.check_package(wrong) == ["icons.color: color.png must be 192x192, not 96x96"]
    blue = make_icons.png(32, 32, bytes((0x1F, 0x5A, 0xA6, 255)) * 32 * 32)
    opaque = _repack(good, tmp_path / "opaque.zip", {"outline.png": blue})
    assert package.check_package(opaque) == [
        "outline.png: the outline icon has no transparent pixels (white on transparent)"
    ]


def test_the_check_finds_unfilled_ids_and_a_nested_manifest(tmp_path) -> None:
    good = built(tmp_path).path
    manifest = json.loads(zipfile.ZipFile(good).read("manifest.json"))
    manifest["bots"][0]["botId"] = "${{MicrosoftAppId}}"
    unfilled = _repack(good, tmp_path / "u.zip", {"manifest.json": json.dumps(manifest).encode()})
    problems = package.check_package(unfilled)
    assert "manifest.json: unfilled placeholders MicrosoftAppId" in problems
    assert "manifest.json: botId must be a GUID, not '${{MicrosoftAppId}}'" in problems
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(nested, "w") as zf:
        zf.writestr("appPackage/manifest.json", "{}")
    assert package.check_package(nested) == [
        f"{nested}: no manifest.json at the zip root (found appPackage/manifest.json: "
        "it must be at the zip root)"
    ]


def test_a_missing_icon_file_stops_the_build(tmp_path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(package.MANIFEST_DIR / "color.png", source)
    with pytest.raises(
        PackageError, match=r"outline.png is referenced by the manifest but missing"
    ):
        package.build_package(settings(), tmp_path / "app.zip", source_dir=source)
    assert not (tmp_path / "app.zip").exists()


# --------------------------------------------------------------------------- schema + command line


@pytest.mark.skipif(
    shutil.which("node") is None,
    reason="node is not installed: validate_manifest.sh (the Teams schema check) needs Node >= 18",
)
def test_the_package_passes_the_teams_schema_validator(tmp_path) -> None:
    result = built(tmp_path, bot_domain="interact-communities-bot.example.org")
    run = package.run_validator(result.path)
    assert run is not None
    assert run.valid, run.stdout + run.stderr
    assert run.result_line.startswith("RESULT: VALID - 0 error(s)"), run.stdout
    # The validator cannot compile Teams' localization schema (a regex JavaScript refuses): its
    # only warnings may say so; package.language_problems checks the language files instead.
    warnings = [ln for ln in run.stdout.splitlines() if ln.startswith("WARN")]
    assert all(package.VALIDATOR_LIMITATION in ln for ln in warnings), run.stdout
    assert "schema v1.30" in run.result_line


def test_the_command_builds_the_package(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("MicrosoftAppId", raising=False)
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    out = io.StringIO()
    code = main(["package", "--app-id", BOT_ID, "--out", "b/app.zip", "--no-schema"], out)
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "b" / "app.zip").is_file()
    assert "checks passed" in out.getvalue()
    assert "schema: skipped (--no-schema)" in out.getvalue()


def test_the_command_refuses_to_build_without_an_app_id(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MicrosoftAppId", raising=False)
    assert main(["package", "--out", "app.zip", "--no-schema"], io.StringIO()) == 1
    assert "MicrosoftAppId is not set" in capsys.readouterr().err
    assert not (tmp_path / "app.zip").exists()
    monkeypatch.setenv("MicrosoftAppId", "my-bot")  # refused by the settings: exit code 3
    assert main(["package", "--out", "app.zip", "--no-schema"], io.StringIO()) == 3
    assert "MicrosoftAppId must be a GUID" in capsys.readouterr().err
