"""WebSocket figures (issue 11), each on a real `crewup serve`:

(a) 1,000 members of one room connected, one message at a time: delivery latency to all,
    p50/p99 (goal p99 < 50 ms);
(b) 5,000 idle sockets: the server's RSS (goal < 150 MB);
(c) two processes via Redis and PostgreSQL, 100 messages/s for 30 s into a 500-member
    room: p99 and lost (goal p99 < 100 ms, 0 lost); needs --postgres and Redis;
(d) sustained messages/s one process accepts and fans out to a 100-member room, beside a
    bare aiohttp WebSocket broadcast (and echo) server in the same run.

The clients run in this one Python process, so on a small machine they share the cores
with the server: figures are an upper bound on the server's own latency.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
from common import (
    crewup_server,
    free_port,
    machine,
    percentile,
    two_servers,
)

parser = argparse.ArgumentParser()
parser.add_argument("--postgres", help="PostgreSQL database URL for (c) (emptied)")
parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="Redis for (c)")
parser.add_argument("--only", default="abcd", help="which figures, e.g. --only ab")
parser.add_argument("--c-seconds", type=int, default=30)
parser.add_argument("--d-seconds", type=int, default=10)
args, _ = parser.parse_known_args()

FAST_SERVER = {
    "CREWUP_ARGON2_TIME_COST": "1",
    "CREWUP_ARGON2_MEMORY_KIB": "1024",
    "CREWUP_RATE_LIMIT_CHAT": "1000000/minute",
    "CREWUP_WS_SEND_QUEUE": "4096",
}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def server_pid(port: int) -> int:
    """The crewup process listening on `port` (crewup_server does not expose it)."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True)
    return int(out.stdout.split("pid=")[1].split(",")[0])


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


async def open_sockets(
    http: aiohttp.ClientSession, urls: list[str], group: int | None
) -> list[aiohttp.ClientWebSocketResponse]:
    gate = asyncio.Semaphore(64)

    async def one(url: str) -> aiohttp.ClientWebSocketResponse:
        async with gate:
            ws = await http.ws_connect(url, heartbeat=None, max_msg_size=0)
            if group is not None:
                await ws.send_str(f'{{"type":"subscribe","group_id":{group}}}')
                while '"unread"' not in (await ws.receive()).data:
                    pass
            return ws

    return await asyncio.gather(*(one(u) for u in urls))


class Arrivals:
    """Reads every socket; notes when each tagged message arrived (no JSON parsing: the
    client must stay cheaper than the server it measures)."""

    def __init__(self, sockets: list[aiohttp.ClientWebSocketResponse]) -> None:
        self.seen: dict[str, list[float]] = {}
        self.frames = 0
        self.tasks = [asyncio.create_task(self._read(ws)) for ws in sockets]

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            self.frames += 1
            data = message.data
            at = data.find('"client_id":"t')
            if at >= 0:
                tag = data[at + 13 : data.index('"', at + 13)]
                self.seen.setdefault(tag, []).append(time.perf_counter())

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def send(ws: aiohttp.ClientWebSocketResponse, group: int, tag: str) -> None:
    await ws.send_str(f'{{"type":"message","group_id":{group},"body":"bench","client_id":"{tag}"}}')


async def fan_out_latency(base: str, members: int, messages: int) -> dict[str, float]:
    """(a): one message at a time to `members` sockets; latency to each of them."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        people = People(http, base)
        tokens = await people.register(members)
        group = await people.group_with(tokens)
        ws_base = base.replace("http", "ws")
        sockets = await open_sockets(
            http, [f"{ws_base}/ws?access_token={t}" for t in tokens], group
        )
        arrivals = Arrivals(sockets)
        await asyncio.sleep(1)  # presence settles
        latencies: list[float] = []
        for n in range(messages):
            tag, started = f"t{n}", time.perf_counter()
            await send(sockets[0], group, tag)
            # Polling the arrivals table: cheaper than an Event per socket and message.
            while len(arrivals.seen.get(tag, ())) < members and time.perf_counter() - started < 5:  # noqa: ASYNC110
                await asyncio.sleep(0.002)
            latencies += [(at - started) * 1000 for at in arrivals.seen.get(tag, ())]
            await asyncio.sleep(0.2)
        lost = members * messages - len(latencies)
        await arrivals.close()
        for ws in sockets:
            await ws.close()
    return {
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
        "lost": lost,
    }


async def idle_rss(base: str, port: int, count: int) -> dict[str, float]:
    """(b): RSS before and with `count` idle, authenticated sockets."""
    pid = server_pid(port)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        token = (await People(http, base).register(1))[0]
        before = rss_mb(pid)
        ws_url = base.replace("http", "ws") + f"/ws?access_token={token}"
        sockets = await open_sockets(http, [ws_url] * count, None)
        for ws in sockets[:: max(1, count // 50)]:  # make sure they are all really open
            await ws.send_str('{"type":"ping"}')
            await ws.receive()
        await asyncio.sleep(2)
        with_sockets = rss_mb(pid)
        for ws in sockets:
            await ws.close()
    return {"sockets": count, "rss_before_mb": before, "rss_mb": with_sockets}


async def sustained(base: str, members: int, seconds: int, senders: int = 8) -> dict[str, float]:
    """(d): `senders` clients send flat out into one room of `members` sockets."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        people = People(http, base)
        tokens = await people.register(members)
        group = await people.group_with(tokens)
        ws_base = base.replace("http", "ws")
        sockets = await open_sockets(
            http, [f"{ws_base}/ws?access_token={t}" for t in tokens], group
        )
        arrivals = Arrivals(sockets)
        stop = time.perf_counter() + seconds
        sent = 0

        async def sender(ws: aiohttp.ClientWebSocketResponse, k: int) -> None:
            nonlocal sent
            n = 0
            while time.perf_counter() < stop:
                tag = f"t{k}-{n}"
                await send(ws, group, tag)
                n += 1
                sent += 1
                # One in flight per sender: wait for our own echo (the server's answer).
                while tag not in arrivals.seen and time.perf_counter() < stop + 5:  # noqa: ASYNC110
                    await asyncio.sleep(0.001)

        started = time.perf_counter()
        await asyncio.gather(*(sender(sockets[k], k) for k in range(senders)))
        elapsed = time.perf_counter() - started
        await asyncio.sleep(1)
        frames = sum(len(v) for v in arrivals.seen.values())
        await arrivals.close()
        for ws in sockets:
            await ws.close()
    return {"msg_per_s": sent / elapsed, "frames_per_s": frames / elapsed}


BARE_SERVER = """
import sys
from aiohttp import web
room = set()
async def echo(request):
    ws = web.WebSocketResponse(); await ws.prepare(request)
    async for m in ws: await ws.send_str(m.data)
    return ws
async def broadcast(request):
    ws = web.WebSocketResponse(); await ws.prepare(request); room.add(ws)
    try:
        async for m in ws:
            for other in list(room): await other.send_str(m.data)
    finally:
        room.discard(ws)
    return ws
app = web.Application(); app.router.add_get("/echo", echo); app.router.add_get("/room", broadcast)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


@contextmanager
def bare_server() -> Any:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", BARE_SERVER, str(port)])
    try:
        time.sleep(1.0)
        yield f"ws://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


async def bare_figures(base: str, members: int, seconds: int, senders: int = 8) -> dict[str, float]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        echo = [await http.ws_connect(f"{base}/echo") for _ in range(senders)]
        stop, count = time.perf_counter() + seconds, 0

        async def ping_pong(ws: aiohttp.ClientWebSocketResponse) -> None:
            nonlocal count
            while time.perf_counter() < stop:
                await ws.send_str('{"type":"message","body":"bench"}')
                await ws.receive()
                count += 1

        started = time.perf_counter()
        await asyncio.gather(*(ping_pong(ws) for ws in echo))
        echo_rate = count / (time.perf_counter() - started)
        sockets = await open_sockets(http, [f"{base}/room"] * members, None)
        arrivals = Arrivals(sockets)
        stop, sent = time.perf_counter() + seconds, 0

        async def sender(ws: aiohttp.ClientWebSocketResponse, k: int) -> None:
            nonlocal sent
            n = 0
            while time.perf_counter() < stop:
                tag = f"t{k}-{n}"
                await ws.send_str(f'{{"body":"bench","client_id":"{tag}"}}')
                n += 1
                sent += 1
                while tag not in arrivals.seen and time.perf_counter() < stop + 5:  # noqa: ASYNC110
                    await asyncio.sleep(0.001)

        started = time.perf_counter()
        await asyncio.gather(*(sender(sockets[k], k) for k in range(senders)))
        elapsed = time.perf_counter() - started
        await arrivals.close()
        for ws in [*echo, *sockets]:
            await ws.close()
    return {"echo_msg_per_s": echo_rate, "msg_per_s": sent / elapsed}


async def two_processes(
    bases: list[str], members: int, rate: int, seconds: int
) -> dict[str, float]:
    """(c): members split over both processes; one sender on the first at `rate`/s."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        people = People(http, bases[0])
        tokens = await people.register(members)
        group = await people.group_with(tokens)
        urls = [
            f"{bases[i % 2].replace('http', 'ws')}/ws?access_token={t}"
            for i, t in enumerate(tokens)
        ]
        sockets = await open_sockets(http, urls, group)
        arrivals = Arrivals(sockets)
        await asyncio.sleep(1)
        sent_at: dict[str, float] = {}
        begun = time.perf_counter()
        for n in range(rate * seconds):
            await asyncio.sleep(max(0.0, begun + n / rate - time.perf_counter()))
            tag = f"t{n}"
            sent_at[tag] = time.perf_counter()
            await send(sockets[n % 2], group, tag)
        await asyncio.sleep(3)
        latencies = [
            (at - sent_at[tag]) * 1000
            for tag, times in arrivals.seen.items()
            for at in times
            if tag in sent_at
        ]
        lost = len(sent_at) * members - len(latencies)
        await arrivals.close()
        for ws in sockets:
            await ws.close()
    return {
        "sent": len(sent_at),
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
        "lost": lost,
    }


# Two processes for (c): quiet logs, and registering 500 people at once is no attack.
TWO_PROCESS_SERVER = {
    **FAST_SERVER,
    "CREWUP_ACCESS_LOG": "false",
    "CREWUP_LOG_LEVEL": "WARNING",
    "CREWUP_RATE_LIMIT_REGISTER": "1000000/minute",
}


def main() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 5,000 sockets each side
    print(f"\nWebSockets (bench/bench_ws.py)\n{machine()}")
    rows: list[str] = []
    if "a" in args.only:
        with crewup_server(FAST_SERVER) as base:
            a = asyncio.run(fan_out_latency(base, 1000, 20))
        rows.append(
            f"(a) 1,000 in one room, 20 messages: p50 {a['p50_ms']:.1f} ms, "
            f"p99 {a['p99_ms']:.1f} ms, lost {a['lost']:.0f}  (goal p99 < 50 ms)"
        )
        print(rows[-1], flush=True)
    if "b" in args.only:
        with crewup_server(FAST_SERVER) as base:
            b = asyncio.run(idle_rss(base, int(base.rsplit(":", 1)[1]), 5000))
        rows.append(
            f"(b) {b['sockets']:.0f} idle sockets: server RSS {b['rss_mb']:.0f} MB "
            f"(before {b['rss_before_mb']:.0f} MB)  (goal < 150 MB)"
        )
        print(rows[-1], flush=True)
    if "c" in args.only:
        if not args.postgres:
            rows.append("(c) skipped: needs --postgres (and Redis at --redis)")
        else:
            with two_servers(args.postgres, args.redis, TWO_PROCESS_SERVER) as (bases, _):
                c = asyncio.run(two_processes(bases, 500, 100, args.c_seconds))
            rows.append(
                f"(c) 2 processes, 500 members, 100 msg/s for {args.c_seconds} s: "
                f"p50 {c['p50_ms']:.1f} ms, p99 {c['p99_ms']:.1f} ms, "
                f"lost {c['lost']:.0f} of {c['sent'] * 500:.0f}  (goal p99 < 100 ms, 0 lost)"
            )
        print(rows[-1], flush=True)
    if "d" in args.only:
        with crewup_server(FAST_SERVER) as base:
            d = asyncio.run(sustained(base, 100, args.d_seconds))
        with bare_server() as bare:
            e = asyncio.run(bare_figures(bare, 100, args.d_seconds))
        rows.append(
            f"(d) 100-member room, 8 senders: CrewUp {d['msg_per_s']:.0f} msg/s in "
            f"({d['frames_per_s']:.0f} frames/s out); bare aiohttp broadcast "
            f"{e['msg_per_s']:.0f} msg/s; bare echo {e['echo_msg_per_s']:.0f} msg/s"
        )
        print(rows[-1], flush=True)


if __name__ == "__main__":
    main()
