"""A real S3-compatible server for the bucket store's tests: moto's standalone server
(part of the test extras) as a child process on a free port of this machine."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest

from tests.support.live_server import free_port
from tests.support.services import IN_CI

START_SECONDS = 30.0


def moto_server_command() -> list[str]:
    found = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if found is None:
        message = "moto's server is not installed (pip install -e '.[test]')"
        if IN_CI:
            pytest.fail(f"{message}; it is part of the test extras, so CI=true fails")
        pytest.skip(message)
    return [found]


@contextmanager
def s3_server(log: Path) -> Iterator[str]:
    """Start the server, yield its endpoint URL, stop it afterwards."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*moto_server_command(), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urlopen(endpoint + "/moto-api/", timeout=1):
                    break
            except (URLError, ConnectionError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start: {log.read_text()}") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
