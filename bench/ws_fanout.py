"""How long the server's loop takes to hand one frame to 1,000 sockets (issue 11, (a)).

The latency figure (a) is made of this hand-over, and on a shared machine its wall-clock
figure mostly measures the neighbours; this measures the hand-over alone, in CPU time of
this process, with real sockets (readers in a child process) and two ways side by side:

- `task per socket`: what CrewUp did before issue 11: the frame serialised once, then per
  socket a queue append, a task, and aiohttp's `send_str` (which encodes and frames it);
- `Peer.put`: now: the frame encoded and framed once (crewup.realtime.frames), written
  straight to each transport that keeps up, no task.

    .venv/bin/python bench/ws_fanout.py --sockets 1000 --rounds 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import time
from collections import deque
from typing import Any

from aiohttp import web
from common import free_port
from prometheus_client import CollectorRegistry
from ws_clients import client_pool

from crewup.core.identity import Actor
from crewup.realtime.frames import Frame, dumps
from crewup.realtime.metrics import RealtimeMetrics
from crewup.realtime.peer import Peer

parser = argparse.ArgumentParser()
parser.add_argument("--sockets", type=int, default=1000)
parser.add_argument("--rounds", type=int, default=50)
parser.add_argument("--client-processes", type=int, default=2)
args, _ = parser.parse_known_args()

FRAME = {
    "type": "message",
    "id": 123456,
    "group_id": 7,
    "author": {"id": 42, "display_name": "Bench Person"},
    "body": "a chat message of ordinary length, with a few words in it",
    "created_at": "2026-12-07T10:00:00+00:00",
    "edited_at": None,
    "client_id": "x",
}


class Server:
    def __init__(self) -> None:
        self.sockets: list[tuple[web.WebSocketResponse, Peer]] = []
        self.metrics = RealtimeMetrics(CollectorRegistry())
        self.actor: Any = Actor.__new__(Actor)

    async def handler(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False)
        await ws.prepare(request)
        peer = Peer(ws, self.actor, self.metrics, 4096, request.transport)
        self.sockets.append((ws, peer))
        async for message in ws:
            if message.data == '{"type":"ping"}':
                await ws.send_str('{"type":"pong"}')
        return ws


async def task_per_socket(server: Server) -> None:
    """The old path: one serialisation, then a queue, a task and send_str per socket."""
    text = dumps(FRAME)
    tasks = []
    for ws, _ in server.sockets:
        pending: deque[str] = deque([text])

        async def write(ws: web.WebSocketResponse = ws, pending: deque[str] = pending) -> None:
            while pending:
                await ws.send_str(pending.popleft())

        tasks.append(asyncio.create_task(write()))
    await asyncio.gather(*tasks)


async def peer_put(server: Server) -> None:
    frame = Frame.of(FRAME)
    for _, peer in server.sockets:
        peer.put(frame)


async def main() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    server = Server()
    app = web.Application()
    app.router.add_get("/ws", server.handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"ws://127.0.0.1:{port}/ws"
    with client_pool([url] * args.sockets, None, args.client_processes) as pool:
        await asyncio.to_thread(pool.wait_open)
        results: dict[str, list[tuple[float, float]]] = {"task per socket": [], "Peer.put": []}
        for _ in range(args.rounds):
            for name, way in (("task per socket", task_per_socket), ("Peer.put", peer_put)):
                cpu, wall = time.process_time(), time.perf_counter()
                await way(server)
                results[name].append((time.process_time() - cpu, time.perf_counter() - wall))
                await asyncio.sleep(0.05)  # the readers catch up between rounds
        await asyncio.to_thread(pool.collect)
    await runner.cleanup()
    print(f"{args.sockets} sockets, {args.rounds} rounds; load average {os.getloadavg()[0]:.2f}")
    for name, runs in results.items():
        cpu = statistics.median(r[0] for r in runs) * 1000
        wall = statistics.median(r[1] for r in runs) * 1000
        print(f"{name:16} median CPU {cpu:6.2f} ms, wall {wall:6.2f} ms a fan-out")
    print(json.dumps({k: [round(c * 1000, 2) for c, _ in v] for k, v in results.items()}))


if __name__ == "__main__":
    asyncio.run(main())
