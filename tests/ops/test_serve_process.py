"""`crewup serve` as a real process: it serves, and SIGTERM shuts it down gracefully."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys

import aiohttp
import pytest

from tests.support.cli import cli_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_until_up(url: str, proc) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(100):
            if proc.returncode is not None:
                raise AssertionError("server exited early")
            try:
                async with http.get(url) as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("server did not come up")


@pytest.mark.parametrize("event_loop", ["uvloop", "asyncio"])
async def test_serve_answers_and_stops_cleanly_on_sigterm(settings, event_loop: str) -> None:
    """On either event loop (the `event_loop` setting): SIGTERM lets a request in flight
    finish, then the process exits 0."""
    port = free_port()
    env = {
        **os.environ,
        **cli_env(settings),
        "CREWUP_PORT": str(port),
        "CREWUP_EVENT_LOOP": event_loop,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "crewup",
        "serve",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_until_up(f"{base}/healthz", proc)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/login") as resp:
                assert resp.status == 200
                assert "Sign in" in await resp.text()
            # A slow request (argon2 hashing) is in flight when SIGTERM arrives.
            register = asyncio.create_task(
                http.post(
                    f"{base}/api/v1/auth/register",
                    json={
                        "email": "late@example.com",
                        "password": "0123456789abc",
                        "display_name": "Late",
                    },
                )
            )
            await asyncio.sleep(0.02)
            proc.send_signal(signal.SIGTERM)
            resp = await register
            assert resp.status == 201
        _, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, err.decode()[-2000:]
        assert f"CrewUp serving on {base} ({event_loop} event loop)" in err.decode()
        assert b'"path": "/login"' in err  # JSON access log line
        # Probes that found the server healthy are not worth a line each (wait_until_up
        # asked /healthz at least once).
        assert b'"path": "/healthz"' not in err
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_serve_refuses_to_start_without_its_redis(settings) -> None:
    """It checks Redis before it listens, and says so in one line; it never announces
    that it serves and then exits."""
    env = {
        **os.environ,
        **cli_env(settings),
        "CREWUP_PORT": str(free_port()),
        "CREWUP_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "crewup",
        "serve",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 1
    lines = [line for line in err.decode().splitlines() if line.startswith("crewup:")]
    assert len(lines) == 1 and "cannot reach Redis" in lines[0]
    assert "serving on" not in (out + err).decode()


async def test_serve_listens_with_the_configured_backlog(settings) -> None:
    """A burst of connections beyond the listen queue is dropped and its clients retry
    only after a second or more: the queue is the `listen_backlog` setting, not Python's
    default of 100. The kernel reports a listening socket's queue size as its Send-Q."""
    import shutil

    if shutil.which("ss") is None:
        pytest.skip("needs `ss` (iproute2) to read the listening socket's queue size")
    port = free_port()
    env = {
        **os.environ,
        **cli_env(settings),
        "CREWUP_PORT": str(port),
        "CREWUP_LISTEN_BACKLOG": "1234",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "crewup", "serve", env=env, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        await wait_until_up(f"http://127.0.0.1:{port}/healthz", proc)
        listing = await asyncio.create_subprocess_exec(
            "ss", "-Hltn", f"sport = :{port}", stdout=asyncio.subprocess.PIPE
        )
        out, _ = await listing.communicate()
        queues = [int(line.split()[2]) for line in out.decode().splitlines() if line.strip()]
        assert queues == [min(1234, _somaxconn())]
    finally:
        proc.terminate()
        await proc.wait()


def _somaxconn() -> int:
    with open("/proc/sys/net/core/somaxconn") as f:
        return int(f.read())
