"""WebSocket figures (issue 11), each on a real `crewup serve`:

(a) 1,000 members of one room connected, one message at a time: delivery latency to all,
    p50/p99 (goal p99 < 50 ms);
(b) 5,000 idle sockets: the server's RSS (goal < 150 MB);
(c) two processes via Redis and PostgreSQL, 100 messages/s for 30 s into a 500-member
    room: p99 and lost (goal p99 < 100 ms, 0 lost); needs --postgres and Redis;
(d) sustained messages/s one process accepts and fans out to a 100-member room, beside a
    bare aiohttp WebSocket broadcast (and echo) server in the same run.

The reading clients are spread over `--client-processes` processes (bench/ws_clients.py);
on a small machine they share the cores with the server(s), so wall-clock figures are an
upper bound on the server's own latency. Beside them the bench prints the server's CPU
time per message (from /proc) and, where the server has it, its own fan-out time
(crewup_ws_fan_out_seconds), which the neighbours' load distorts far less.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import time
import urllib.request
from pathlib import Path

import aiohttp
from common import (
    cpu_seconds,
    crewup_server,
    last_server_pid,
    machine,
    percentile,
    two_servers,
)
from ws_bare_server import bare_server
from ws_clients import People, client_pool, open_one

parser = argparse.ArgumentParser()
parser.add_argument("--postgres", help="PostgreSQL database URL for (c) (emptied)")
parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="Redis for (c)")
parser.add_argument("--only", default="abcd", help="which figures, e.g. --only ab")
parser.add_argument("--c-seconds", type=int, default=30)
parser.add_argument("--d-seconds", type=int, default=10)
parser.add_argument(
    "--client-processes", type=int, default=2, help="processes the reading clients spread over"
)
parser.add_argument(
    "--client",
    choices=("raw", "aiohttp"),
    default="raw",
    help="readers: ws_raw's Protocols (cheap) or aiohttp's client (before 2026-12-07)",
)
parser.add_argument("--redis-prefix", default=None, help="(c)'s Redis prefix (default random)")
parser.add_argument("--a-messages", type=int, default=20)
parser.add_argument("--b-sockets", type=int, default=5000)
args, _ = parser.parse_known_args()
RAW = args.client == "raw"

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


async def sender_sockets(
    http: aiohttp.ClientSession, urls: list[str], group: int | None
) -> list[aiohttp.ClientWebSocketResponse]:
    """The parent's own sockets, to send from (the readers are in ClientPool). Those
    that are not in the room are read all along anyway: reading answers the server's
    heartbeat pings, which setting up 1,000 readers on a busy machine can outlast."""
    sockets = [await open_one(http, url, group) for url in urls]
    if group is None:
        for ws in sockets:
            _draining.add(asyncio.create_task(_drain(ws)))
    return sockets


_draining: set[asyncio.Task[None]] = set()


async def _drain(ws: aiohttp.ClientWebSocketResponse) -> None:
    async for _ in ws:
        pass


async def send(ws: aiohttp.ClientWebSocketResponse, group: int, tag: str) -> None:
    await ws.send_str(f'{{"type":"message","group_id":{group},"body":"bench","client_id":"{tag}"}}')


class ServerCpu:
    """CPU seconds the server processes used between `start` and `stop` (from /proc):
    a figure the neighbours' load distorts far less than wall-clock latency."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.used = 0.0

    def start(self) -> None:
        self.used = -sum(cpu_seconds(p) for p in self.pids)

    def stop(self) -> None:
        self.used += sum(cpu_seconds(p) for p in self.pids)


def fan_out_metric(base: str) -> tuple[float, int]:
    """The server's own measure of handing room frames to its sockets: total seconds and
    how many fan-outs (crewup_ws_fan_out_seconds; absent before issue 11's change)."""
    total, count = 0.0, 0
    with urllib.request.urlopen(f"{base}/metrics") as response:
        for line in response.read().decode().splitlines():
            if line.startswith("crewup_ws_fan_out_seconds_sum"):
                total = float(line.split()[-1])
            elif line.startswith("crewup_ws_fan_out_seconds_count"):
                count = int(float(line.split()[-1]))
    return total, count


def latencies_of(seen: dict[str, list[float]], sent_at: dict[str, float]) -> list[float]:
    return [
        (at - sent_at[tag]) * 1000 for tag, times in seen.items() if tag in sent_at for at in times
    ]


async def fan_out_latency(base: str, members: int, messages: int) -> dict[str, float]:
    """(a): one message at a time to `members` sockets; latency to each of them."""
    cpu = ServerCpu([last_server_pid()])
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        people = People(http, base)
        tokens = await people.register(members)
        group = await people.group_with(tokens)
        ws_base = base.replace("http", "ws")
        urls = [f"{ws_base}/ws?access_token={t}" for t in tokens]
        # The sender's own extra socket is not subscribed: `members` sockets read.
        (sender,) = await sender_sockets(http, urls[:1], None)
        with client_pool(urls, group, args.client_processes, RAW) as pool:
            await asyncio.to_thread(pool.wait_open)
            await asyncio.sleep(1)  # presence settles
            fan_before = await asyncio.to_thread(fan_out_metric, base)
            sent_at: dict[str, float] = {}
            cpu.start()
            for n in range(messages):
                tag = f"t{n}"
                sent_at[tag] = time.perf_counter()
                await send(sender, group, tag)
                await asyncio.sleep(0.3)  # far longer than a delivery: one at a time
            await asyncio.sleep(3)  # the last ones arrive
            cpu.stop()
            fan_after = await asyncio.to_thread(fan_out_metric, base)
            seen, frames, closed = await asyncio.to_thread(pool.collect)
            client_cpu = pool.cpu_seconds
        await sender.close()
    latencies = latencies_of(seen, sent_at)
    fan_outs = max(1, fan_after[1] - fan_before[1])
    return {
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
        "lost": members * messages - len(latencies),
        "closed": closed,
        "cpu_ms_per_message": cpu.used * 1000 / messages,
        "fan_out_ms": (fan_after[0] - fan_before[0]) * 1000 / fan_outs,
        "client_us_per_frame": client_cpu * 1e6 / max(1, frames),
    }


async def idle_rss(base: str, port: int, count: int) -> dict[str, float]:
    """(b): RSS before and with `count` idle, authenticated sockets."""
    pid = server_pid(port)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        token = (await People(http, base).register(1))[0]
    before = rss_mb(pid)
    ws_url = base.replace("http", "ws") + f"/ws?access_token={token}"
    with client_pool([ws_url] * count, None, args.client_processes, RAW) as pool:
        opened = await asyncio.to_thread(pool.wait_open)
        await asyncio.sleep(2)
        with_sockets = rss_mb(pid)
        await asyncio.to_thread(pool.collect)
    return {"sockets": opened, "rss_before_mb": before, "rss_mb": with_sockets}


async def paced_senders(
    senders: list[aiohttp.ClientWebSocketResponse],
    group: int,
    seconds: float,
    own_echo: dict[str, asyncio.Event] | None = None,
) -> tuple[int, float]:
    """Each sender sends, then waits for its own message to come back before the next
    (one in flight per sender, as in the first measurement)."""
    stop = time.perf_counter() + seconds
    sent = 0

    async def one(ws: aiohttp.ClientWebSocketResponse, k: int) -> None:
        nonlocal sent
        n = 0
        while time.perf_counter() < stop:
            tag = f"t{k}-{n}"
            await send(ws, group, tag)
            n, sent = n + 1, sent + 1
            while True:
                message = await ws.receive(10)
                if message.type is not aiohttp.WSMsgType.TEXT or f'"{tag}"' in message.data:
                    break

    started = time.perf_counter()
    await asyncio.gather(*(one(ws, k) for k, ws in enumerate(senders)))
    return sent, time.perf_counter() - started


async def sustained(base: str, members: int, seconds: int, senders: int = 8) -> dict[str, float]:
    """(d): `senders` clients send flat out into one room of `members` sockets (the
    senders are members too)."""
    cpu = ServerCpu([last_server_pid()])
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        people = People(http, base)
        tokens = await people.register(members)
        group = await people.group_with(tokens)
        ws_base = base.replace("http", "ws")
        urls = [f"{ws_base}/ws?access_token={t}" for t in tokens]
        mine = await sender_sockets(http, urls[:senders], group)
        with client_pool(urls[senders:], group, args.client_processes, RAW) as pool:
            await asyncio.to_thread(pool.wait_open)
            cpu.start()
            sent, elapsed = await paced_senders(mine, group, seconds)
            cpu.stop()
            await asyncio.sleep(1)
            seen, _, closed = await asyncio.to_thread(pool.collect)
        for ws in mine:
            await ws.close()
    frames = sum(len(v) for v in seen.values()) + sent  # + each sender's own echo
    return {
        "msg_per_s": sent / elapsed,
        "frames_per_s": frames / elapsed,
        "cpu_ms_per_message": cpu.used * 1000 / max(1, sent),
        "closed": closed,
    }


async def bare_figures(
    base: str, pid: int, members: int, seconds: int, senders: int = 8
) -> dict[str, float]:
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
        mine = [await http.ws_connect(f"{base}/room") for _ in range(senders)]
        cpu = ServerCpu([pid])
        readers = [f"{base}/room"] * (members - senders)
        with client_pool(readers, None, args.client_processes, RAW) as pool:
            await asyncio.to_thread(pool.wait_open)
            cpu.start()
            sent, elapsed = await paced_senders(mine, 0, seconds)
            cpu.stop()
            await asyncio.to_thread(pool.collect)
        for ws in [*echo, *mine]:
            await ws.close()
    return {
        "echo_msg_per_s": echo_rate,
        "msg_per_s": sent / elapsed,
        "cpu_ms_per_message": cpu.used * 1000 / max(1, sent),
    }


async def two_processes(
    bases: list[str], members: int, rate: int, seconds: int
) -> dict[str, float]:
    """(c): members split over both processes; the senders alternate between them."""
    cpu = ServerCpu([server_pid(int(b.rsplit(":", 1)[1])) for b in bases])
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        people = People(http, bases[0])
        tokens = await people.register(members)
        group = await people.group_with(tokens)
        urls = [
            f"{bases[i % 2].replace('http', 'ws')}/ws?access_token={t}"
            for i, t in enumerate(tokens)
        ]
        # Ten people send, five on each process: one socket's frames are handled in
        # order, each a transaction, so one sender alone caps the rate at its commit time.
        mine = await sender_sockets(http, urls[:C_SENDERS], None)
        with client_pool(urls, group, args.client_processes, RAW) as pool:
            await asyncio.to_thread(pool.wait_open)
            await asyncio.sleep(1)
            sent_at: dict[str, float] = {}
            fan_before = [await asyncio.to_thread(fan_out_metric, b) for b in bases]
            begun = time.perf_counter()
            cpu.start()
            for n in range(rate * seconds):
                await asyncio.sleep(max(0.0, begun + n / rate - time.perf_counter()))
                tag = f"t{n}"
                sent_at[tag] = time.perf_counter()
                await send(mine[n % C_SENDERS], group, tag)
            cpu.stop()
            await asyncio.sleep(3)
            seen, frames, closed = await asyncio.to_thread(pool.collect)
            client_cpu = pool.cpu_seconds
            fan_after = [await asyncio.to_thread(fan_out_metric, b) for b in bases]
        for ws in mine:
            await ws.close()
    latencies = latencies_of(seen, sent_at)
    return {
        "sent": len(sent_at),
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
        "lost": len(sent_at) * members - len(latencies),
        "closed": closed,
        "cpu_ms_per_message": cpu.used * 1000 / max(1, len(sent_at)),
        "client_us_per_frame": client_cpu * 1e6 / max(1, frames),
        # Each process's own time to hand a room frame to its ~250 sockets.
        "fan_out_ms": sum(a[0] - b[0] for a, b in zip(fan_after, fan_before, strict=True))
        * 1000
        / max(1, sum(a[1] - b[1] for a, b in zip(fan_after, fan_before, strict=True))),
    }


C_SENDERS = 10

# Two processes for (c): quiet logs, and registering 500 people at once is no attack.
TWO_PROCESS_SERVER = {
    **FAST_SERVER,
    "CREWUP_ACCESS_LOG": "false",
    "CREWUP_LOG_LEVEL": "WARNING",
    "CREWUP_RATE_LIMIT_REGISTER": "1000000/minute",
}


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 5,000 sockets each side
    print(f"\nWebSockets (bench/bench_ws.py)\n{machine()}")
    print(f"clients in {args.client_processes} processes; {load()}", flush=True)
    if "a" in args.only:
        with crewup_server(FAST_SERVER) as base:
            a = asyncio.run(fan_out_latency(base, 1000, args.a_messages))
        print(
            f"(a) 1,000 in one room, {args.a_messages} messages: p50 {a['p50_ms']:.1f} ms, "
            f"p99 {a['p99_ms']:.1f} ms, lost {a['lost']:.0f}, closed {a['closed']:.0f}; "
            f"server CPU {a['cpu_ms_per_message']:.1f} ms a message, fan-out "
            f"{a['fan_out_ms']:.2f} ms; readers' CPU {a['client_us_per_frame']:.1f} µs a frame "
            f"({args.client})  (goal p99 < 50 ms); {load()}",
            flush=True,
        )
    if "b" in args.only:
        with crewup_server(FAST_SERVER) as base:
            b = asyncio.run(idle_rss(base, int(base.rsplit(":", 1)[1]), args.b_sockets))
        print(
            f"(b) {b['sockets']:.0f} idle sockets: server RSS {b['rss_mb']:.0f} MB "
            f"(before {b['rss_before_mb']:.0f} MB, "
            f"{(b['rss_mb'] - b['rss_before_mb']) * 1024 / b['sockets']:.1f} KB a socket)  "
            f"(goal < 150 MB); {load()}",
            flush=True,
        )
    if "c" in args.only:
        if not args.postgres:
            print("(c) skipped: needs --postgres (and Redis at --redis)")
        else:
            env = dict(TWO_PROCESS_SERVER)
            if args.redis_prefix:
                env["CREWUP_REDIS_PREFIX"] = args.redis_prefix
            with two_servers(args.postgres, args.redis, env) as (bases, _):
                c = asyncio.run(two_processes(bases, 500, 100, args.c_seconds))
            print(
                f"(c) 2 processes, 500 members, 100 msg/s for {args.c_seconds} s: "
                f"p50 {c['p50_ms']:.1f} ms, p99 {c['p99_ms']:.1f} ms, "
                f"lost {c['lost']:.0f} of {c['sent'] * 500:.0f}, closed {c['closed']:.0f}; "
                f"servers' CPU {c['cpu_ms_per_message']:.1f} ms a message, fan-out "
                f"{c['fan_out_ms']:.2f} ms; readers' CPU "
                f"{c['client_us_per_frame']:.1f} µs a frame ({args.client})  "
                f"(goal p99 < 100 ms, 0 lost); {load()}",
                flush=True,
            )
    if "d" in args.only:
        with crewup_server(FAST_SERVER) as base:
            d = asyncio.run(sustained(base, 100, args.d_seconds))
        with bare_server() as (bare, pid):
            e = asyncio.run(bare_figures(bare, pid, 100, args.d_seconds))
        print(
            f"(d) 100-member room, 8 senders: CrewUp {d['msg_per_s']:.0f} msg/s in "
            f"({d['frames_per_s']:.0f} frames/s out, server CPU "
            f"{d['cpu_ms_per_message']:.2f} ms a message, closed {d['closed']:.0f}); "
            f"bare aiohttp broadcast {e['msg_per_s']:.0f} msg/s "
            f"({e['cpu_ms_per_message']:.2f} ms a message); "
            f"bare echo {e['echo_msg_per_s']:.0f} msg/s; {load()}",
            flush=True,
        )


if __name__ == "__main__":
    main()
