"""Azurite, the Azure Storage emulator, for the tests on Blob Storage (started by
tools/azurite/emulator.py, which the benchmarks use too): once per test session, on a free
loopback port with its data in memory, stopped at the end. Each test gets a container of its
own. Only a machine without Node.js (``node``, ``npm``) skips these tests.

A conftest.py imports the fixtures ``azurite`` and ``container`` from here."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.azurite import emulator
from tools.azurite.emulator import ACCOUNT, ACCOUNT_KEY, AzuriteError, AzuriteMissing

__all__ = ["ACCOUNT", "ACCOUNT_KEY", "azurite", "container", "start", "stop"]


def start(
    workdir: Path, *options: str, scheme: str = "http"
) -> tuple[subprocess.Popen[bytes], int]:
    """A running Azurite of one's own (``stop`` it): its process and port (``emulator.start``);
    the test skips without Node.js and fails when Azurite does not start."""
    try:
        return emulator.start(workdir, *options, scheme=scheme)
    except AzuriteMissing as exc:
        pytest.skip(f"{exc} for the blob tests")
    except AzuriteError as exc:
        pytest.fail(str(exc))


stop = emulator.stop


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The connection string of a running Azurite (blob service only)."""
    proc, port = start(tmp_path_factory.mktemp("azurite"))
    try:
        yield emulator.connection_string(port)
    finally:
        stop(proc)


@pytest.fixture
def container() -> str:
    """A container of the test's own (created by the first BlobStore opened on it)."""
    return f"test-{uuid.uuid4().hex[:24]}"
