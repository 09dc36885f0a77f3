"""The Teams app package: ``manifest/manifest.json`` (a template) + settings -> a zip for Teams.

Pure Python, no botbuilder. ``python -m bot package`` builds ``build/appPackage.zip`` holding
``manifest.json``, ``color.png`` and ``outline.png`` at the zip root, checks it (icon sizes and
transparency, referenced files, ids) and runs the offline schema validator
``validate_manifest.sh`` on it when ``node`` is available.

The template holds no real ids: ``${{NAME}}`` placeholders are filled from configuration
(the names are the environment variables ``Settings.from_env`` reads):

===========================  =========================================================
``${{MicrosoftAppId}}``      the bot's Microsoft App ID (required, a GUID; ``--app-id``
                             overrides it, e.g. a dummy GUID in CI)
``${{TEAMS_APP_ID}}``        the Teams app id; default: a uuid5 of the bot id, so
                             builds are reproducible
``${{APP_VERSION}}``         MAJOR.MINOR.PATCH, default 1.0.0
``${{DEVELOPER_WEBSITE_URL}}``, ``${{PRIVACY_URL}}``, ``${{TERMS_URL}}``
                             https:// addresses, default https://www.interact.eu/
``${{BOT_DOMAIN}}``          the bot's public host name (``BOT_DOMAIN`` or
                             ``PUBLIC_HOSTNAME``; a URL is reduced to its host) for
                             ``validDomains``; left out when not set
===========================  =========================================================
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import struct
import subprocess
import uuid
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from bot.settings import ROOT, Settings

MANIFEST_DIR = ROOT / "manifest"
TEMPLATE = MANIFEST_DIR / "manifest.json"
DEFAULT_OUT = ROOT / "build" / "appPackage.zip"
DEFAULT_VALIDATOR = ROOT.parent / "shared" / "tools" / "validate" / "validate_manifest.sh"
ICON_SIZES = {"color": 192, "outline": 32}
WHITE_MIN = 230  # an outline pixel counts as white when min(R, G, B) >= this (as the validator)

GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)$")
PLACEHOLDER = re.compile(r"\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_GUID_EXAMPLE = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same zip bytes


class PackageError(ValueError):
    """The package cannot be built or is not valid; the message says what to fix."""


def is_guid(value: str) -> bool:
    return bool(GUID.match(value))


def default_teams_app_id(bot_id: str) -> str:
    """The Teams app id used when TEAMS_APP_ID is not set: stable for a given bot id."""
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"urn:interact-communities:teams-app:{bot_id.lower()}")
    )


# --------------------------------------------------------------------------- values


def _bot_id(settings: Settings, app_id: str | None) -> str:
    if app_id is not None:
        value, name = app_id.strip(), "--app-id"
    else:
        value, name = settings.app_id.strip(), "MicrosoftAppId"
    if not value:
        raise PackageError(
            "MicrosoftAppId is not set: the Teams package needs the bot's Microsoft App ID "
            f"(a GUID, {_GUID_EXAMPLE}) from its Azure Bot registration. Set MicrosoftAppId in "
            "the environment or .env, or pass --app-id GUID (e.g. a dummy GUID for CI)."
        )
    if not is_guid(value):
        raise PackageError(f"{name} must be a GUID ({_GUID_EXAMPLE}), not {value!r}")
    return value.lower()


def _https_url(name: str, value: str) -> str:
    if not value.startswith("https://") or not urlsplit(value).hostname:
        raise PackageError(f"{name} must be an https:// address, not {value!r}")
    return value


def normalise_domain(raw: str, name: str = "BOT_DOMAIN") -> str:
    """A host name for ``validDomains``: ``https://bot.example.org/api/messages`` -> host."""
    raw = raw.strip()
    if not raw:
        return ""
    parts = urlsplit(raw if "://" in raw else f"//{raw}")
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = -1
    labels = host.split(".")
    if port is not None or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise PackageError(
            f"{name} must be the bot's public host name, such as bot.example.org "
            f"(no port or wildcard), not {raw!r}"
        )
    return host


def manifest_values(settings: Settings, app_id: str | None = None) -> dict[str, str]:
    """The value of every template placeholder, checked; errors name the variable."""
    bot_id = _bot_id(settings, app_id)
    teams_app_id = settings.teams_app_id.strip() or default_teams_app_id(bot_id)
    if not is_guid(teams_app_id):
        raise PackageError(f"TEAMS_APP_ID must be a GUID ({_GUID_EXAMPLE}), not {teams_app_id!r}")
    if not SEMVER.match(settings.app_version):
        raise PackageError(
            f"APP_VERSION must be MAJOR.MINOR.PATCH (e.g. 1.0.0), not {settings.app_version!r}"
        )
    return {
        "MicrosoftAppId": bot_id,
        "TEAMS_APP_ID": teams_app_id.lower(),
        "APP_VERSION": settings.app_version,
        "DEVELOPER_WEBSITE_URL": _https_url(
            "DEVELOPER_WEBSITE_URL", settings.developer_website_url
        ),
        "PRIVACY_URL": _https_url("PRIVACY_URL", settings.privacy_url),
        "TERMS_URL": _https_url("TERMS_URL", settings.terms_url),
        "BOT_DOMAIN": normalise_domain(settings.bot_domain),
    }


# --------------------------------------------------------------------------- manifest


def load_template(template: Path = TEMPLATE) -> dict[str, Any]:
    try:
        text = template.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackageError(f"cannot read the manifest template {template}: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackageError(f"{template}:{exc.lineno}:{exc.colno}: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise PackageError(f"{template}: the manifest must be a JSON object")
    return data


def fill(node: Any, values: Mapping[str, str]) -> Any:
    """Replace ``${{NAME}}`` in every string of ``node``; an unknown name is an error."""
    if isinstance(node, dict):
        return {key: fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [fill(item, values) for item in node]
    if isinstance(node, str):

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in values:
                known = ", ".join(sorted(values))
                raise PackageError(
                    f"the manifest template uses ${{{{{name}}}}}, which is not configured "
                    f"(known: {known})"
                )
            return values[name]

        return PLACEHOLDER.sub(one, node)
    return node


def build_manifest(
    settings: Settings, *, app_id: str | None = None, template: Path = TEMPLATE
) -> dict[str, Any]:
    """The manifest as a dict: the template with every placeholder filled."""
    manifest = fill(load_template(template), manifest_values(settings, app_id))
    domains = manifest.get("validDomains")
    if isinstance(domains, list):  # an unset BOT_DOMAIN leaves "" behind: drop it
        manifest["validDomains"] = list(dict.fromkeys(d for d in domains if d))
    return manifest


# --------------------------------------------------------------------------- PNG


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    bit_depth: int
    color_type: int
    interlace: int
    data: bytes  # the concatenated IDAT payload (compressed)

    def rgba(self) -> bytes | None:
        """RGBA pixels for 8-bit, non-interlaced grey/RGB(+alpha) images; None for others."""
        channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(self.color_type)
        if channels is None or self.bit_depth != 8 or self.interlace:
            return None
        raw = zlib.decompress(self.data)
        rows = _unfilter(raw, self.width * channels, self.height, channels)
        if channels == 4:
            return rows
        out = bytearray()
        for i in range(0, len(rows), channels):
            px = rows[i : i + channels]
            grey_or_rgb = px[:3] if channels == 3 else px[:1] * 3
            alpha = px[1:2] if channels == 2 else b"\xff"
            out += grey_or_rgb + alpha
        return bytes(out)


def read_png(data: bytes) -> Png:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("not a PNG file")
    pos, header, idat = 8, None, bytearray()
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body[:13])
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG without an IHDR chunk")
    width, height, depth, color_type, _, _, interlace = header
    return Png(width, height, depth, color_type, interlace, bytes(idat))


def _unfilter(raw: bytes, stride: int, height: int, bpp: int) -> bytes:
    out = bytearray(stride * height)
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
        out[y * stride : (y + 1) * stride] = line
        prev = line
    return bytes(out)


def _outline_problems(name: str, png: Png) -> list[str]:
    pixels = png.rgba()
    if pixels is None:
        if png.color_type in (0, 2):
            return [f"{name}: the outline icon needs transparency (an alpha channel)"]
        return []  # palette / 16-bit / interlaced: left to the schema validator
    alphas = pixels[3::4]
    if min(alphas) == 255:
        return [f"{name}: the outline icon has no transparent pixels (white on transparent)"]
    for i in range(0, len(pixels), 4):
        if pixels[i + 3] and min(pixels[i : i + 3]) < WHITE_MIN:
            x, y = (i // 4) % png.width, (i // 4) // png.width
            return [
                f"{name}: the outline icon must be white on transparent; pixel ({x}, {y}) is not"
            ]
    return []


# --------------------------------------------------------------------------- zip


def icon_files(manifest: Mapping[str, Any]) -> dict[str, str]:
    icons = manifest.get("icons")
    if not isinstance(icons, dict):
        raise PackageError("the manifest has no icons")
    files = {key: icons.get(key) for key in ICON_SIZES}
    for key, name in files.items():
        if not isinstance(name, str) or not name:
            raise PackageError(f"the manifest has no icons.{key}")
    return files  # type: ignore[return-value]


def language_files(manifest: Mapping[str, Any]) -> dict[str, str]:
    """The translation file of each additional language (``localizationInfo``): tag -> file."""
    info = manifest.get("localizationInfo")
    languages = info.get("additionalLanguages", []) if isinstance(info, dict) else []
    return {
        str(lang.get("languageTag")): str(lang.get("file"))
        for lang in languages
        if isinstance(lang, dict)
    }


def write_package(
    manifest: Mapping[str, Any], out: Path = DEFAULT_OUT, *, source_dir: Path = MANIFEST_DIR
) -> Path:
    """Write the zip: manifest.json plus the files it references (from ``source_dir``): the
    icons and each language's translation of the manifest's texts."""
    entries = {
        "manifest.json": (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    }
    for name in [*icon_files(manifest).values(), *language_files(manifest).values()]:
        path = source_dir / name
        if not path.is_file():
            hint = (
                "python manifest/make_icons.py draws the icons"
                if name.endswith(".png")
                else ("each language of localizationInfo needs its file in manifest/")
            )
            raise PackageError(f"{path} is referenced by the manifest but missing ({hint})")
        entries[name] = path.read_bytes()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    partial.replace(out)
    return out


def check_package(path: Path) -> list[str]:
    """Problems that would make Teams reject the package (empty list: none found)."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"{path}: not a readable zip ({exc})"]
    with zf:
        names = set(zf.namelist())
        if "manifest.json" not in names:
            nested = sorted(n for n in names if n.endswith("/manifest.json"))
            where = f" (found {nested[0]}: it must be at the zip root)" if nested else ""
            return [f"{path}: no manifest.json at the zip root{where}"]
        try:
            manifest = json.loads(zf.read("manifest.json").decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return [f"manifest.json: not valid JSON ({exc})"]
        problems: list[str] = []
        leftover = sorted(set(PLACEHOLDER.findall(json.dumps(manifest))))
        if leftover:
            problems.append(f"manifest.json: unfilled placeholders {', '.join(leftover)}")
        if not is_guid(str(manifest.get("id", ""))):
            problems.append(f"manifest.json: id must be a GUID, not {manifest.get('id')!r}")
        bot_ids = [b.get("botId", "") for b in manifest.get("bots", [])]
        bot_ids += [c.get("botId", "") for c in manifest.get("composeExtensions", [])]
        problems += [
            f"manifest.json: botId must be a GUID, not {b!r}"
            for b in bot_ids
            if not is_guid(str(b))
        ]
        for tag, name in language_files(manifest).items():
            if name not in names:
                problems.append(f"localizationInfo {tag}: {name} is not in the package")
            else:
                problems += language_problems(name, zf.read(name), manifest)
        return problems + _icon_problems(zf, manifest)


# The texts a language file translates besides the manifest's own paths, and Teams' limits.
LANGUAGE_LIMITS = {"name.short": 30, "name.full": 100, "description.short": 80}
LANGUAGE_LIMIT = 4000
# validate_manifest.sh warns that it cannot compile Teams' localization schema (a pattern
# JavaScript's regular expressions refuse); ``language_problems`` checks the files instead.
VALIDATOR_LIMITATION = "localization schema did not compile"
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _manifest_text(manifest: Mapping[str, Any], path: str) -> object:
    """The value at a localization key's path (``bots[0].commandLists[1].commands[2].title``)."""
    node: object = manifest
    for name, index in _PATH_PART.findall(path):
        if name and isinstance(node, Mapping):
            node = node.get(name)
        elif index and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
        else:
            return None
    return node


def language_problems(name: str, data: bytes, manifest: Mapping[str, Any]) -> list[str]:
    """A language file must be a JSON object of texts, each translating a text the manifest has
    (names, descriptions, commands ...) within Teams' length limits."""
    try:
        strings = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{name}: not valid JSON ({exc})"]
    if not isinstance(strings, dict):
        return [f"{name}: must be a JSON object of texts"]
    problems = []
    for key, text in strings.items():
        if key == "$schema":
            continue
        limit = LANGUAGE_LIMITS.get(key, LANGUAGE_LIMIT)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{name}: {key} must be a non-empty text")
        elif len(text) > limit:
            problems.append(f"{name}: {key} is longer than {limit} characters")
        elif not isinstance(_manifest_text(manifest, key), str):
            problems.append(f"{name}: {key} translates nothing in the manifest")
    return problems


def _icon_problems(zf: zipfile.ZipFile, manifest: Mapping[str, Any]) -> list[str]:
    try:
        files = icon_files(manifest)
    except PackageError as exc:
        return [f"manifest.json: {exc}"]
    problems: list[str] = []
    names = set(zf.namelist())
    for key, name in files.items():
        if name not in names:
            problems.append(f"icons.{key}: {name} is not in the package")
            continue
        try:
            png = read_png(zf.read(name))
        except ValueError as exc:
            problems.append(f"icons.{key}: {name} is not a valid PNG ({exc})")
            continue
        size = ICON_SIZES[key]
        if (png.width, png.height) != (size, size):
            problems.append(
                f"icons.{key}: {name} must be {size}x{size}, not {png.width}x{png.height}"
            )
        elif key == "outline":
            problems += _outline_problems(name, png)
    return problems


# --------------------------------------------------------------------------- build + validate


@dataclass(frozen=True)
class Built:
    path: Path
    manifest: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def build_package(
    settings: Settings,
    out: Path = DEFAULT_OUT,
    *,
    app_id: str | None = None,
    template: Path = TEMPLATE,
    source_dir: Path = MANIFEST_DIR,
) -> Built:
    """Build, write and check the package; raises PackageError naming what to fix."""
    manifest = build_manifest(settings, app_id=app_id, template=template)
    path = write_package(manifest, out, source_dir=source_dir)
    problems = check_package(path)
    if problems:
        path.unlink()  # never leave an invalid package where a deployment could pick it up
        raise PackageError(f"{path} is not valid:\n  " + "\n  ".join(problems))
    notes = []
    if not manifest.get("validDomains"):
        notes.append("BOT_DOMAIN is not set: validDomains is empty")
    return Built(path, manifest, notes)


@dataclass(frozen=True)
class ValidatorRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def valid(self) -> bool:
        return self.returncode == 0

    @property
    def result_line(self) -> str:
        lines = [ln for ln in self.stdout.splitlines() if ln.startswith("RESULT:")]
        return lines[-1] if lines else f"(no RESULT line; exit code {self.returncode})"


def node_available(which: Callable[[str], str | None] = shutil.which) -> bool:
    return which("node") is not None


def run_validator(path: Path, validator: Path = DEFAULT_VALIDATOR) -> ValidatorRun | None:
    """Run ``validate_manifest.sh`` on the package; None when node is not installed."""
    if not node_available():
        return None
    if not validator.is_file():
        raise PackageError(f"the manifest validator {validator} does not exist (see --validator)")
    proc = subprocess.run(
        ["bash", str(validator), str(path)], capture_output=True, text=True, timeout=900
    )
    return ValidatorRun(proc.returncode, proc.stdout, proc.stderr)


def command(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """``python -m bot package``: build, check, then schema-validate (exit 1 if invalid)."""
    try:
        built = build_package(settings, Path(args.out), app_id=args.app_id)
    except PackageError as exc:
        print(f"package: {exc}", file=err)
        return 1
    m = built.manifest
    out.write(
        f"package: wrote {built.path} (manifest {m['manifestVersion']}, version {m['version']}, "
        f"Teams app id {m['id']}, bot id {m['bots'][0]['botId']})\n"
        "package: manifest.json, color.png 192x192, outline.png 32x32: checks passed\n"
    )
    for note in built.notes:
        out.write(f"package: note: {note}\n")
    if args.no_schema:
        out.write("schema: skipped (--no-schema)\n")
        return 0
    try:
        run = run_validator(built.path, Path(args.validator))
    except (PackageError, OSError, subprocess.SubprocessError) as exc:
        print(f"schema: {exc}", file=err)
        return 1
    if run is None:
        out.write(
            "schema: skipped, node is not installed (validate_manifest.sh needs Node >= 18)\n"
        )
        return 0
    out.write(run.stdout)
    if not run.valid:
        err.write(run.stderr)
        print(
            f"schema: {built.path} is not valid (validate_manifest.sh exit {run.returncode})",
            file=err,
        )
        return 1
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", default=str(DEFAULT_OUT), help=f"zip to write (default: {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--app-id",
        metavar="GUID",
        help="the bot's Microsoft App ID, instead of MicrosoftAppId (e.g. a dummy GUID in CI)",
    )
    parser.add_argument(
        "--validator",
        default=str(DEFAULT_VALIDATOR),
        help=f"validate_manifest.sh to run (default: {DEFAULT_VALIDATOR})",
    )
    parser.add_argument(
        "--no-schema", action="store_true", help="skip validate_manifest.sh (the Python checks run)"
    )
