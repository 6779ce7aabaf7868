"""WebSocket clients spread over several processes for bench_ws.py, and the people
(accounts in one group, made over the API) they connect as.

One Python process with aiohttp's client reads about 20,000 frames/s; figure (c) needs
50,000, so the readers are ws_raw's Protocols by default (`raw=False`: aiohttp's client,
to compare). Each client
process has its own event loop and a share of the sockets, reads every frame, and notes
when each tagged frame arrived on the monotonic clock, which all processes of the
machine share, so the parent compares those times with when it sent. No JSON parsing in
the readers: they must stay cheaper than the server they measure.

The parent talks to each process over a pipe: it starts them, waits until every socket
is open (and subscribed), sends its messages from sockets of its own, then collects.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

import aiohttp
from ws_raw import RawSocket, open_raw

TAG = '"client_id":"t'


def subscribe_frame(group: int) -> str:
    return f'{{"type":"subscribe","group_id":{group}}}'


async def open_one(
    http: aiohttp.ClientSession, url: str, group: int | None
) -> aiohttp.ClientWebSocketResponse:
    ws = await http.ws_connect(url, heartbeat=None, max_msg_size=0, compress=0)
    if group is not None:
        await ws.send_str(subscribe_frame(group))
        while '"unread"' not in (await ws.receive()).data:
            pass
    else:
        await ws.send_str('{"type":"ping"}')
        await ws.receive()
    return ws


class Arrivals:
    """Reads sockets; notes when each tagged frame arrived."""

    def __init__(self) -> None:
        self.seen: dict[str, list[float]] = {}
        self.frames = 0
        self.closed = 0
        self.tasks: list[asyncio.Task[None]] = []

    def read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.tasks.append(asyncio.create_task(self._read(ws)))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:  # answers the server's pings while it reads
            self.frames += 1
            data = message.data
            at = data.find(TAG) if isinstance(data, str) else -1
            if at >= 0:
                start = at + len(TAG) - 1
                tag = data[start : data.index('"', start)]
                self.seen.setdefault(tag, []).append(time.perf_counter())
        self.closed += 1

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def _client_process(urls: list[str], group: int | None, pipe: Connection, raw: bool) -> None:
    if raw:
        asyncio.run(_raw_readers(urls, group, pipe))
        return

    async def run() -> None:
        loop = asyncio.get_running_loop()
        arrivals = Arrivals()
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            gate = asyncio.Semaphore(32)

            async def one(url: str) -> aiohttp.ClientWebSocketResponse:
                async with gate:
                    ws = await open_one(http, url, group)
                    arrivals.read(ws)  # at once: the server's heartbeat wants pongs
                    return ws

            sockets = await asyncio.gather(*(one(u) for u in urls))
            pipe.send(("open", len(sockets)))
            cpu = -time.process_time()
            await loop.run_in_executor(None, pipe.recv)  # "collect"
            await asyncio.sleep(0)
            cpu += time.process_time()
            pipe.send(("seen", arrivals.seen, arrivals.frames, arrivals.closed, cpu))
            await arrivals.close()
            for ws in sockets:
                await ws.close()

    asyncio.run(run())


async def _raw_readers(urls: list[str], group: int | None, pipe: Connection) -> None:
    """The same protocol as `run` above with ws_raw's Protocol readers (no task, no
    aiohttp message per frame)."""
    loop = asyncio.get_running_loop()
    seen: dict[bytes, list[float]] = {}
    gate = asyncio.Semaphore(32)
    subscribe = subscribe_frame(group) if group is not None else None

    async def one(url: str) -> RawSocket:
        async with gate:
            return await open_raw(url, seen, subscribe)

    sockets = await asyncio.gather(*(one(u) for u in urls))
    pipe.send(("open", len(sockets)))
    cpu = -time.process_time()
    await loop.run_in_executor(None, pipe.recv)  # "collect"
    await asyncio.sleep(0)
    cpu += time.process_time()
    frames = sum(sock.frames for sock in sockets)
    closed = sum(sock.closed for sock in sockets)
    decoded = {tag.decode(): times for tag, times in seen.items()}
    pipe.send(("seen", decoded, frames, closed, cpu))
    for sock in sockets:
        sock.close()
    await asyncio.sleep(0.1)


class ClientPool:
    """`urls` spread round-robin over `processes` client processes; `raw` readers
    (ws_raw.py) or aiohttp's client."""

    def __init__(
        self, urls: list[str], group: int | None, processes: int, raw: bool = True
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.procs: list[Any] = []
        self.cpu_seconds = 0.0  # the client processes' CPU between open and collect
        for k in range(processes):
            here, there = context.Pipe()
            proc = context.Process(
                target=_client_process, args=(urls[k::processes], group, there, raw)
            )
            proc.start()
            self.pipes.append(here)
            self.procs.append(proc)

    def wait_open(self) -> int:
        return sum(pipe.recv()[1] for pipe in self.pipes)

    def collect(self) -> tuple[dict[str, list[float]], int, int]:
        """Every tag's arrival times over all processes, all frames read, sockets the
        server closed."""
        for pipe in self.pipes:
            pipe.send("collect")
        seen: dict[str, list[float]] = {}
        frames = closed = 0
        for pipe in self.pipes:
            _, part, count, shut, cpu = pipe.recv()
            self.cpu_seconds += cpu
            frames += count
            closed += shut
            for tag, times in part.items():
                seen.setdefault(tag, []).extend(times)
        return seen, frames, closed

    def stop(self) -> None:
        for proc in self.procs:
            proc.join(60)
            if proc.is_alive():
                proc.terminate()


@contextmanager
def client_pool(
    urls: list[str], group: int | None, processes: int, raw: bool = True
) -> Iterator[ClientPool]:
    pool = ClientPool(urls, group, processes, raw)
    try:
        yield pool
    finally:
        pool.stop()


class People:
    """Accounts in one group's room, made over the API."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.base = http, base

    async def register(self, n: int) -> list[str]:
        gate = asyncio.Semaphore(16)

        async def one(i: int) -> str:
            async with gate:
                resp = await self.http.post(
                    f"{self.base}/api/v1/auth/register",
                    json={
                        "email": f"b{i}-{uuid.uuid4().hex[:8]}@example.com",
                        "password": "bench password 123",
                        "display_name": f"Bench {i}",
                    },
                )
                assert resp.status == 201, await resp.text()
                return str((await resp.json())["access_token"])

        return await asyncio.gather(*(one(i) for i in range(n)))

    async def group_with(self, tokens: list[str]) -> int:
        owner = {"Authorization": f"Bearer {tokens[0]}"}
        resp = await self.http.post(
            f"{self.base}/api/v1/groups",
            json={
                "name": "Bench",
                "description": "x",
                "category": "climbing",
                "visibility": "public",
            },
            headers=owner,
        )
        group = int((await resp.json())["id"])
        gate = asyncio.Semaphore(16)

        async def join(token: str) -> None:
            async with gate:
                joined = await self.http.post(
                    f"{self.base}/api/v1/groups/{group}/join",
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert joined.status == 200, await joined.text()

        await asyncio.gather(*(join(t) for t in tokens[1:]))
        return group
