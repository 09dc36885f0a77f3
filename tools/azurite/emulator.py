"""Azurite, the Azure Storage emulator (blob service only), started from Python without pytest:
installed from tools/azurite/package.json on first use (``npm install``), run on a free
loopback port with its data in memory. The tests (tests/support/azurite.py) and the benchmark
(bench/blob_receipts.py) both start it here.

Errors: ``AzuriteMissing`` when Node.js is not on this machine (the tests skip), ``AzuriteError``
when it is and Azurite still cannot be installed or started (the tests fail)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

AZURITE_DIR = Path(__file__).resolve().parent
AZURITE_BLOB = AZURITE_DIR / "node_modules" / ".bin" / "azurite-blob"
# The emulator's well-known account and key (public: https://learn.microsoft.com/azure/storage/
# common/storage-use-azurite#well-known-storage-account-and-key), never a real secret.
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
START_SECONDS = 60


class AzuriteError(RuntimeError):
    """Azurite could not be installed or started (the message says why, with its output)."""


class AzuriteMissing(AzuriteError):
    """Node.js (node, npm) is not installed: Azurite cannot run on this machine."""


def install() -> None:
    """``npm install`` in tools/azurite, unless it was done."""
    if AZURITE_BLOB.exists():
        return
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        raise AzuriteMissing("Node.js (node and npm) is missing: cannot run Azurite")
    proc = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund"],
        cwd=AZURITE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0 or not AZURITE_BLOB.exists():
        raise AzuriteError(f"npm install in {AZURITE_DIR} failed:\n{proc.stdout}\n{proc.stderr}")


def connection_string(port: int) -> str:
    """The connection string of the Azurite on ``port`` (plain http)."""
    return (
        f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
        f"BlobEndpoint=http://127.0.0.1:{port}/{ACCOUNT};"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    """True when Azurite answers at ``url``: its own ``Server`` header, not any server's. (The
    free port is only free when it is picked: another process on this machine may take it
    before Azurite does, and a test would then talk to a stranger.)"""
    unverified = ssl._create_unverified_context()  # only: is it up? (its own test certificate)
    try:
        with urllib.request.urlopen(url, timeout=1, context=unverified) as response:
            server = response.headers.get("Server", "")
    except urllib.error.HTTPError as exc:  # 403 without a signature: it is up
        server = exc.headers.get("Server", "")
    except OSError:
        return False
    return server.startswith("Azurite-Blob")


def start(
    workdir: Path, *options: str, scheme: str = "http"
) -> tuple[subprocess.Popen[bytes], int]:
    """A running Azurite of one's own (``stop`` it): its process and port. ``options``: more
    of its flags (``--cert``, ``--key``, ``--oauth basic``: then ``scheme`` is https). A few
    tries: another process may take the free port first. Its output goes to azurite.log in
    ``workdir``."""
    install()
    if shutil.which("node") is None:
        raise AzuriteMissing("Node.js (node) is missing: cannot run Azurite")
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
        stop(proc)
    raise AzuriteError(f"Azurite did not start:\n{log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()  # its data is in memory: nothing to save (it lingers on SIGTERM)
        proc.wait(10)


@contextlib.contextmanager
def running() -> Iterator[str]:
    """A running Azurite in a temporary folder, stopped at the end: its connection string."""
    with tempfile.TemporaryDirectory(prefix="azurite-") as workdir:
        proc, port = start(Path(workdir))
        try:
            yield connection_string(port)
        finally:
            stop(proc)
