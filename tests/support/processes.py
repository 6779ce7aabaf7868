"""Real `crewup serve` processes for tests that need more than one (cross-process
delivery): the same settings, given through CREWUP_* variables, each on a free port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

import pytest

from tests.support.app import base_settings
from tests.support.databases import Stack
from tests.support.live_server import free_port


def environment_of(settings: dict[str, Any]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREWUP_")}
    for name, value in settings.items():
        if isinstance(value, tuple | list):
            value = ",".join(str(part) for part in value)
        env[f"CREWUP_{name.upper()}"] = str(value)
    return env


def shared_state_settings(stack: Stack, database: str, data_dir: Path) -> dict[str, Any]:
    """Settings for processes that share state through PostgreSQL and Redis (skips the
    test on the embedded stack); the bus stays in each process, not what these test."""
    if not stack.is_services:
        pytest.skip("two processes share state through PostgreSQL and Redis (services stack)")
    settings = base_settings(stack, database, data_dir)
    for name in ("amqp_url", "amqp_prefix", "worker_in_process"):
        settings.pop(name, None)
    settings["access_log"] = "false"
    return settings


@contextmanager
def crewup_processes(settings: dict[str, Any], count: int) -> Iterator[list[str]]:
    """Start `count` servers sharing `settings` (one public URL, so tokens one issues the
    others accept); yield their base URLs; SIGTERM them afterwards."""
    ports = [free_port() for _ in range(count)]
    shared = {**settings, "public_url": f"http://127.0.0.1:{ports[0]}", "host": "127.0.0.1"}
    started: list[subprocess.Popen[bytes]] = []
    logs = Path(str(settings["data_dir"]))
    logs.mkdir(parents=True, exist_ok=True)
    try:
        for n, port in enumerate(ports):
            log = open(logs / f"serve-{n}.log", "wb")  # noqa: SIM115 (closed with the process)
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "crewup", "serve", "--port", str(port)],
                    env=environment_of(shared),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, started, strict=True):
            _wait_ready(url, process, logs)
        yield urls
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_ready(url: str, process: subprocess.Popen[bytes], logs: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = "\n".join(p.read_text() for p in logs.glob("serve-*.log"))
            raise RuntimeError(f"crewup serve exited with {process.returncode}:\n{output}")
        try:
            with urlopen(f"{url}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become ready within 60 s")


async def register_over_http(http: Any, base: str, name: str) -> dict[str, Any]:
    """A new person on a server started by `crewup_processes`: the register answer plus
    the `headers` that carry the access token."""
    resp = await http.post(
        f"{base}/api/v1/auth/register",
        json={
            "email": f"{name}@example.com",
            "password": "correct horse battery",
            "display_name": name,
        },
    )
    assert resp.status == 201, await resp.text()
    body: dict[str, Any] = await resp.json()
    body["headers"] = {"Authorization": f"Bearer {body['access_token']}"}
    return body
