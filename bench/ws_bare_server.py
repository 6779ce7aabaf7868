"""The bare aiohttp WebSocket server that (d) of bench_ws.py measures CrewUp beside: an
echo route and a broadcast room, nothing else, on the same event loop as the servers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import Any

from common import BARE_LOOP, free_port

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
            if m.data.startswith('{"type":"ping"'):
                await ws.send_str('{"type":"pong"}')
                continue
            for other in list(room): await other.send_str(m.data)
    finally:
        room.discard(ws)
    return ws
app = web.Application(); app.router.add_get("/echo", echo); app.router.add_get("/room", broadcast)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, loop=bare_loop())
"""


@contextmanager
def bare_server() -> Any:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", BARE_LOOP + BARE_SERVER, str(port)])
    try:
        for _ in range(300):  # a busy machine starts it slowly
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"ws://127.0.0.1:{port}", proc.pid
    finally:
        proc.terminate()
        proc.wait(10)
