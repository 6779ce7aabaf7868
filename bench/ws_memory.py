"""What one idle WebSocket costs the server, by allocation site (issue 11, figure (b)).

Runs the app in this process under tracemalloc, opens `--sockets` authenticated idle
sockets from a child process (so the clients' own allocations stay out of the count),
and prints the top allocation sites of the snapshot difference, per socket. RSS is
printed too: tracemalloc sees Python's allocations only, not the C libraries'.

    .venv/bin/python bench/ws_memory.py --sockets 1000
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import os
import resource
import subprocess
import tempfile
import tracemalloc
import uuid
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp
from common import BIN, free_port

parser = argparse.ArgumentParser()
parser.add_argument("--sockets", type=int, default=1000)
parser.add_argument("--top", type=int, default=25)
parser.add_argument("--frames", type=int, default=8, help="traceback depth per site")
parser.add_argument(
    "--rss-only", action="store_true", help="no tracemalloc (its own overhead inflates RSS)"
)
args, _ = parser.parse_known_args()


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def snapshot() -> tracemalloc.Snapshot | None:
    return tracemalloc.take_snapshot() if tracemalloc.is_tracing() else None


def clients(base: str, count: int, pipe: Connection) -> None:
    """Child process: register one person, open `count` sockets, hold them until told."""

    async def run() -> None:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            resp = await http.post(
                f"{base}/api/v1/auth/register",
                json={
                    "email": f"m-{uuid.uuid4().hex[:8]}@example.com",
                    "password": "bench password 123",
                    "display_name": "Memory",
                },
            )
            token = (await resp.json())["access_token"]
            url = base.replace("http", "ws") + f"/ws?access_token={token}"
            gate = asyncio.Semaphore(64)

            async def one() -> aiohttp.ClientWebSocketResponse:
                async with gate:
                    ws = await http.ws_connect(url, heartbeat=None)
                    await ws.send_str('{"type":"ping"}')
                    await ws.receive()
                    return ws

            pipe.send("registered")
            pipe.recv()  # the server took its "before" snapshot
            sockets = await asyncio.gather(*(one() for _ in range(count)))
            pipe.send("open")
            pipe.recv()
            for ws in sockets:
                await ws.close()

    asyncio.run(run())


async def main() -> None:
    from crewup.app import create_app
    from crewup.core.settings import load_settings
    from crewup.web.server import CrewUpRunner

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with tempfile.TemporaryDirectory(prefix="crewup-bench-") as data_dir:
        port = free_port()
        os.environ.update(
            {
                "CREWUP_DATA_DIR": data_dir,
                "CREWUP_PORT": str(port),
                "CREWUP_ACCESS_LOG": "false",
                "CREWUP_LOG_LEVEL": "WARNING",
                "CREWUP_ARGON2_TIME_COST": "1",
                "CREWUP_ARGON2_MEMORY_KIB": "1024",
            }
        )
        upgrade = [str(BIN / "crewup-admin"), "db", "upgrade"]
        await asyncio.to_thread(subprocess.run, upgrade, check=True)
        runner = CrewUpRunner(create_app(load_settings()), access_log=None)
        await runner.setup()
        await aiohttp.web.TCPSite(runner, "127.0.0.1", port).start()
        base = f"http://127.0.0.1:{port}"
        here, there = multiprocessing.Pipe()
        child = multiprocessing.get_context("spawn").Process(
            target=clients, args=(base, args.sockets, there)
        )
        child.start()
        loop = asyncio.get_running_loop()
        assert await loop.run_in_executor(None, here.recv) == "registered"
        if not args.rss_only:
            tracemalloc.start(args.frames)
        gc.collect()
        before, rss_before = snapshot(), rss_kb()
        here.send("go")
        assert await loop.run_in_executor(None, here.recv) == "open"
        await asyncio.sleep(1)
        rss_garbage = rss_kb()
        unreachable = gc.collect()
        after, rss_after = snapshot(), rss_kb()
        here.send("close")
        child.join(60)
        await runner.cleanup()
    n = args.sockets
    if before is None or after is None:
        print(
            f"{n} idle sockets: RSS +{(rss_after - rss_before) * 1024 / n:.0f} B a socket after "
            f"gc.collect() ({unreachable / n:.0f} unreachable objects a socket), "
            f"+{(rss_garbage - rss_before) * 1024 / n:.0f} B before it; "
            f"process RSS {rss_before / 1024:.1f} MB before the sockets, "
            f"{rss_after / 1024:.1f} MB with them"
        )
        return
    diff = after.compare_to(before, "traceback")
    total = sum(d.size_diff for d in diff)
    rss = (rss_after - rss_before) * 1024 / n
    garbage = (rss_garbage - rss_before) * 1024 / n
    print(
        f"{n} idle sockets: tracemalloc +{total / n:.0f} B a socket, RSS +{rss:.0f} B a socket "
        f"after gc.collect() ({unreachable / n:.0f} unreachable objects a socket), "
        f"+{garbage:.0f} B before it"
    )
    for stat in diff[: args.top]:
        if stat.size_diff <= 0:
            continue
        print(f"\n{stat.size_diff / n:8.0f} B/socket {stat.count_diff / n:6.1f} blocks/socket")
        for line in stat.traceback.format()[-2 * args.frames :]:
            print("   ", line)
    by_line = after.compare_to(before, "lineno")
    print("\nby line:")
    for stat in by_line[: args.top]:
        print(f"{stat.size_diff / n:8.0f} B/socket {stat.count_diff / n:6.1f}  {stat.traceback[0]}")


if __name__ == "__main__":
    asyncio.run(main())
