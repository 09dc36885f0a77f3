"""Azurite, the Azure Storage emulator, for the tests on Blob Storage: installed from
tools/azurite/package.json on first use (``npm install``), started once per test session on a
free loopback port with its data in memory, and stopped at the end. Each test gets a container
of its own. Only a machine without Node.js (``node``, ``npm``) skips these tests.

A conftest.py imports the fixtures ``azurite`` and ``container`` from here."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AZURITE_DIR = ROOT / "tools" / "azurite"
AZURITE_BLOB = AZURITE_DIR / "node_modules" / ".bin" / "azurite-blob"
# The emulator's well-known account and key (public: https://learn.microsoft.com/azure/storage/
# common/storage-use-azurite#well-known-storage-account-and-key), never a real secret.
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
START_SECONDS = 60


def _install() -> None:
    if AZURITE_BLOB.exists():
        return
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        pytest.skip("Node.js (node and npm) is missing: cannot run Azurite for the blob tests")
    proc = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund"],
        cwd=AZURITE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0 or not AZURITE_BLOB.exists():
        pytest.fail(f"npm install in {AZURITE_DIR} failed:\n{proc.stdout}\n{proc.stderr}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    unverified = ssl._create_unverified_context()  # only: is it up? (its own test certificate)
    try:
        urllib.request.urlopen(url, timeout=1, context=unverified).close()
    except urllib.error.HTTPError:  # 403 without a signature: it is up
        return True
    except OSError:
        return False
    return True


def _start(
    workdir: Path, *options: str, scheme: str = "http"
) -> tuple[subprocess.Popen[bytes], int]:
    """azurite-blob on a free port (a few tries: another process may take the port first), with
    more ``options`` (``--cert``, ``--key``, ``--oauth basic``: then ``scheme`` is https)."""
    if shutil.which("node") is None:
        pytest.skip("Node.js (node) is missing: cannot run Azurite for the blob tests")
    log = workdir / "azurite.log"
    for _ in range(3):
        port = _free_port()
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [
                    str(AZURITE_BLOB),
                    "--blobHost",
                    "127.0.0.1",
                    "--blobPort",
                    str(port),
                    "--inMemoryPersistence",
                    "--skipApiVersionCheck",
                    "--loose",
                    "--silent",
                    *options,
                ],
                cwd=workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + START_SECONDS
        while proc.poll() is None and time.monotonic() < deadline:
            if _answers(f"{scheme}://127.0.0.1:{port}/{ACCOUNT}?comp=list"):
                return proc, port
            time.sleep(0.1)
        _stop(proc)
    pytest.fail(f"Azurite did not start:\n{log.read_text(errors='replace')[-3000:]}")


def start(
    workdir: Path, *options: str, scheme: str = "http"
) -> tuple[subprocess.Popen[bytes], int]:
    """A running Azurite of one's own (``stop`` it): its process and port."""
    _install()
    return _start(workdir, *options, scheme=scheme)


def stop(proc: subprocess.Popen[bytes]) -> None:
    _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()  # its data is in memory: nothing to save (it lingers on SIGTERM)
        proc.wait(10)


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The connection string of a running Azurite (blob service only)."""
    _install()
    proc, port = _start(tmp_path_factory.mktemp("azurite"))
    try:
        yield (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint=http://127.0.0.1:{port}/{ACCOUNT};"
        )
    finally:
        _stop(proc)


@pytest.fixture
def container() -> str:
    """A container of the test's own (created by the first BlobStore opened on it)."""
    return f"test-{uuid.uuid4().hex[:24]}"
