"""`crewup worker` as a real process: killed with SIGKILL in the middle of its work and
started again, it loses nothing and doubles nothing; SIGTERM stops it cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from crewup.app import BUS, create_app
from crewup.core.settings import Settings
from crewup.notifications.tables import notifications
from crewup.web.appkeys import DB
from tests.support.api import Api, make_group
from tests.support.bus import settle
from tests.support.cli import cli_env
from tests.support.live_server import free_port

POSTS = 150


async def start_worker(
    settings: Settings, *options: str, **variables: str
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "crewup",
        "worker",
        *options,
        env={**os.environ, **cli_env(settings), **variables},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


@asynccontextmanager
async def running_worker(
    settings: Settings, *options: str, **variables: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """A worker process that is killed on the way out if the test left it running."""
    worker = await start_worker(settings, *options, **variables)
    try:
        yield worker
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()


async def stops_cleanly(worker: asyncio.subprocess.Process, rest: asyncio.Future[bytes]) -> None:
    """SIGTERM: the worker finishes what it holds and exits 0."""
    worker.send_signal(signal.SIGTERM)
    async with asyncio.timeout(20):
        assert await worker.wait() == 0, (await rest).decode()[-2000:]


async def ready(worker: asyncio.subprocess.Process) -> tuple[bytes, asyncio.Future[bytes]]:
    """Until the worker says it is ready (from then on SIGTERM stops it gracefully;
    before, it would end it mid-import with -15): that line, and the rest of its output
    read as it comes (await it for all of it), so a chatty worker never blocks on a
    full pipe."""
    stderr = worker.stderr
    assert stderr is not None
    async with asyncio.timeout(30):
        while b"CrewUp worker ready" not in (line := await stderr.readline()):
            assert not stderr.at_eof(), "the worker ended before it started"
    return line, asyncio.ensure_future(stderr.read())


async def consuming(worker: asyncio.subprocess.Process) -> asyncio.Future[bytes]:
    """Until the worker is ready and says what it consumes from."""
    line, rest = await ready(worker)
    assert b"consuming from RabbitMQ" in line or b"from the outbox" in line, line
    assert line.rstrip().endswith(b"(uvloop event loop)")  # the default, "auto"
    return rest


async def notification_count(client: TestClient) -> int:
    async with client.app[DB].reading() as conn:
        query = select(func.count()).select_from(notifications)
        return int((await conn.execute(query)).scalar_one())


async def test_a_killed_worker_loses_and_doubles_nothing(
    aiohttp_client: Any, make_settings: Any
) -> None:
    settings = make_settings(worker_in_process=False)
    client = await aiohttp_client(create_app(settings))
    # Only the worker processes may relay and handle: this process stops its own bus.
    await client.app[BUS].stop()
    api = Api(client)
    owner = await api.register()
    members = [await api.register() for _ in range(3)]
    group = await make_group(client, owner)
    for person in members:
        resp = await client.post(f"/api/v1/groups/{group['id']}/join", headers=person["headers"])
        assert resp.status == 200
    for i in range(POSTS):
        resp = await client.post(
            f"/api/v1/groups/{group['id']}/posts",
            json={"title": f"Post {i}", "body": "x"},
            headers=owner["headers"],
        )
        assert resp.status == 201

    async with running_worker(settings) as first:
        async with asyncio.timeout(30):
            while True:
                if await notification_count(client) > 0:
                    break
                await asyncio.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        await first.wait()

    async with running_worker(settings) as second:
        rest = await consuming(second)
        await settle(client.app)
        await stops_cleanly(second, rest)

    for person in members:
        seen: list[str] = []
        cursor = ""
        while True:
            resp = await client.get(
                f"/api/v1/notifications?limit=100{cursor}", headers=person["headers"]
            )
            page = await resp.json()
            seen += [n["data"]["title"] for n in page["items"]]
            if not page["next_cursor"]:
                break
            cursor = f"&cursor={page['next_cursor']}"
        assert sorted(seen) == sorted(f"Post {i}" for i in range(POSTS))


async def test_a_worker_says_when_rabbitmq_does_not_answer(
    aiohttp_client: Any, make_settings: Any
) -> None:
    """Its ready line told an operator it was "consuming from RabbitMQ" while nothing
    listened there (found by a black-box trial)."""
    settings = make_settings(worker_in_process=False, amqp_url="amqp://guest:guest@127.0.0.1:1/")
    await aiohttp_client(create_app(settings))  # the schema, as `crewup serve` would
    async with running_worker(settings) as worker:
        line, rest = await ready(worker)
        assert b"RabbitMQ does not answer yet" in line and b"consuming from" not in line, line
        await stops_cleanly(worker, rest)


async def test_the_worker_serves_its_metrics_by_the_servers_rule(
    aiohttp_client: Any, make_settings: Any
) -> None:
    """`--metrics-port` served /metrics to anyone, token or not (an operator's trial)."""
    token = "w" * 24
    settings = make_settings(worker_in_process=False, amqp_url=None)
    await aiohttp_client(create_app(settings))  # the schema, as `crewup serve` would
    port = free_port()
    async with running_worker(
        settings, "--metrics-port", str(port), CREWUP_METRICS_TOKEN=token
    ) as worker:
        _, rest = await ready(worker)
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/metrics"
            async with http.get(url) as refused:
                assert refused.status == 403
            async with http.get(url, headers={"Authorization": f"Bearer {token}"}) as allowed:
                assert allowed.status == 200
                assert "crewup_bus" in await allowed.text()
            async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                assert health.status == 200  # probes need no token
        await stops_cleanly(worker, rest)
