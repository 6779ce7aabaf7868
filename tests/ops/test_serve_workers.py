"""`crewup serve --workers N`: N processes on one port, sharing PostgreSQL and Redis; a
process that dies is replaced; SIGTERM drains them all; refused with a clear line where
processes could not share state."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.app import base_settings
from tests.support.databases import Stack
from tests.support.live_server import free_port
from tests.support.processes import environment_of


def children_of(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(part) for part in text.split()]


def wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


async def statuses_as_one_person(base: str, count: int) -> list[int]:
    connector = aiohttp.TCPConnector(force_close=True)  # a new connection each time
    async with aiohttp.ClientSession(connector=connector) as http:
        resp = await http.post(
            f"{base}/api/v1/auth/register",
            json={
                "email": f"w{count}@example.com",
                "password": "correct horse battery",
                "display_name": "W",
            },
        )
        assert resp.status == 201, await resp.text()
        headers = {"Authorization": f"Bearer {(await resp.json())['access_token']}"}
        answers = await asyncio.gather(
            *(http.get(f"{base}/api/v1/users/me", headers=headers) for _ in range(count))
        )
        return [answer.status for answer in answers]


def test_several_processes_need_redis_and_postgresql(tmp_path: Path) -> None:
    env = environment_of({"data_dir": tmp_path, "redis_url": ""})
    env.pop("CREWUP_REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "crewup", "serve", "--workers", "2", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--workers 2 needs redis_url" in result.stderr
    assert "Traceback" not in result.stderr


def test_processes_share_one_port_and_are_replaced_when_they_die(
    stack: Stack, fresh_database: str, tmp_path: Path
) -> None:
    if not stack.is_services:
        pytest.skip("several processes share state through PostgreSQL and Redis")
    port = free_port()
    settings = base_settings(stack, fresh_database, tmp_path / "data")
    for name in ("amqp_url", "amqp_prefix", "worker_in_process"):
        settings.pop(name, None)  # the bus stays in-process; not what this test is about
    settings |= {"host": "127.0.0.1", "port": port, "public_url": f"http://127.0.0.1:{port}"}
    settings["access_log"] = "false"
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    parent = subprocess.Popen(
        [sys.executable, "-m", "crewup", "serve", "--workers", "2"],
        env=environment_of(settings),
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def serving(count: int) -> bool:
        return log_path.read_text().count("CrewUp serving on") >= count

    try:
        wait_for(lambda: serving(2), 60, "two processes serving")
        first = children_of(parent.pid)
        assert len(first) == 2
        # Another installation on the same port is refused, not let in beside (the
        # processes' SO_REUSEPORT would have admitted it: an operator's trial).
        other = subprocess.run(
            [sys.executable, "-m", "crewup", "serve", "--workers", "2"],
            env=environment_of(settings),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert other.returncode == 1, other.stderr
        assert f"cannot listen on 127.0.0.1:{port}" in other.stderr
        assert "Traceback" not in other.stderr
        assert children_of(parent.pid) == first
        # One person, many requests over new connections: whichever process answers,
        # the token and the data are the same (shared PostgreSQL, keys and Redis).
        assert asyncio.run(statuses_as_one_person(base, 40)) == [200] * 40

        os.kill(first[0], signal.SIGKILL)
        wait_for(lambda: serving(3), 60, "a new process serving in place of the killed one")
        now = children_of(parent.pid)
        assert len(now) == 2 and first[0] not in now and first[1] in now
        assert asyncio.run(statuses_as_one_person(base, 20)) == [200] * 20

        parent.send_signal(signal.SIGTERM)
        assert parent.wait(60) == 0
        output = log_path.read_text()
        assert "Traceback" not in output
        # The default event loop ("auto") in every process the supervisor started.
        assert output.count(" uvloop event loop)") == 3

        # A supervisor killed outright takes its processes with it (they drain and end),
        # instead of leaving servers no later SIGTERM reaches.
        parent = subprocess.Popen(
            [sys.executable, "-m", "crewup", "serve", "--workers", "2"],
            env=environment_of(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: serving(5), 60, "two processes serving again")
        orphans = children_of(parent.pid)
        parent.kill()
        parent.wait()
        wait_for(
            lambda: not any(Path(f"/proc/{pid}").exists() for pid in orphans),
            30,
            "the processes of a killed supervisor ending",
        )
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        log.close()


def test_a_process_that_cannot_start_stops_them_all(
    stack: Stack, fresh_database: str, tmp_path: Path
) -> None:
    """Redis down at start-up: each process says why and exits; restarting would fail
    the same way, so the supervisor stops with the same code instead of looping."""
    if not stack.is_services:
        pytest.skip("several processes need PostgreSQL and Redis")
    settings = base_settings(stack, fresh_database, tmp_path / "data")
    settings |= {"redis_url": f"redis://127.0.0.1:{free_port()}/0", "port": free_port()}
    result = subprocess.run(
        [sys.executable, "-m", "crewup", "serve", "--workers", "2"],
        env=environment_of(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "cannot reach Redis" in result.stderr
    assert "Traceback" not in result.stderr
