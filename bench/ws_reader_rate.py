"""How many frames one reading process reads per CPU second: ws_raw's Protocols against
aiohttp's client (bench/ws_clients.py, both kinds).

A throw-away server in this process accepts the sockets, answers each one's first frame
(subscribe or ping) with a frame both kinds take as the answer, and once every socket is
open writes `--rounds` chat-sized message frames to each of them, framed once. The
readers run in `--client-processes` processes; the figure is frames read divided by the
readers' own CPU time (process_time), which neighbours on the machine hardly move.

    .venv/bin/python bench/ws_reader_rate.py --sockets 500 --rounds 200
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import os
import time

from common import free_port, percentile
from ws_clients import client_pool

from crewup.realtime.frames import Frame

parser = argparse.ArgumentParser()
parser.add_argument("--sockets", type=int, default=500)
parser.add_argument("--rounds", type=int, default=200)
parser.add_argument("--client-processes", type=int, default=1)
parser.add_argument("--kinds", default="aiohttp,raw")
parser.add_argument(
    "--rate", type=float, default=0, help="rounds a second (0: flat out), e.g. 100 as (c)"
)
args = parser.parse_args()

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
ANSWER = Frame('{"type":"unread","group_id":1,"count":0,"pong":"pong"}').wire


def message(n: int) -> bytes:
    """About the size of CrewUp's chat message frame."""
    return Frame(
        '{"type":"message","id":{n},"group_id":1,"author_id":42,"author_name":"Bench 42",'
        '"body":"bench","created_at":"2026-12-07T18:00:00.123456+00:00","edited_at":null,'
        '"client_id":"t{n}"}'.replace("{n}", str(n))
    ).wire


class BlastSide(asyncio.Protocol):
    def __init__(self, ready: list[asyncio.Transport]) -> None:
        self.ready = ready
        self.buffer = b""
        self.state = "handshake"
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        if self.state == "handshake":
            self.buffer += data
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            key = b""
            for line in self.buffer[:end].split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"sec-websocket-key":
                    key = value.strip()
            accept = base64.b64encode(hashlib.sha1(key + _GUID).digest())
            self.transport.write(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
            )
            self.state = "first"
            data, self.buffer = self.buffer[end + 4 :], b""
        if self.state == "first" and data:
            self.transport.write(ANSWER)  # the client's first frame, whatever it is
            self.state = "open"
            self.ready.append(self.transport)


async def blast(kind: str) -> dict[str, float]:
    port = free_port()
    ready: list[asyncio.Transport] = []
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: BlastSide(ready), "127.0.0.1", port)
    urls = [f"ws://127.0.0.1:{port}/ws"] * args.sockets
    frames = [message(n) for n in range(args.rounds)]
    with client_pool(urls, None, args.client_processes, raw=kind == "raw") as pool:
        await asyncio.to_thread(pool.wait_open)
        started = time.perf_counter()
        written: dict[str, float] = {}
        for n, wire in enumerate(frames):
            if args.rate:
                await asyncio.sleep(max(0.0, started + n / args.rate - time.perf_counter()))
            written[f"t{n}"] = time.perf_counter()
            for transport in ready:
                transport.write(wire)
            await asyncio.sleep(0)
        while any(t.get_write_buffer_size() for t in ready):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        drained = time.perf_counter() - started
        await asyncio.sleep(1)  # the last bytes the kernel holds reach the readers
        seen, read, _ = await asyncio.to_thread(pool.collect)
        cpu = pool.cpu_seconds
    server.close()
    tagged = sum(len(times) for times in seen.values())
    late = [(at - written[tag]) * 1000 for tag, times in seen.items() for at in times]
    return {
        "p50_ms": percentile(late, 0.5),
        "p99_ms": percentile(late, 0.99),
        "expected": args.sockets * args.rounds,
        "read": read,
        "tagged": tagged,
        "cpu": cpu,
        "per_cpu_s": read / cpu if cpu else float("nan"),
        "wall_s": drained,
    }


def main() -> None:
    pace = f"{args.rate:g} rounds/s" if args.rate else "flat out"
    print(
        f"{args.sockets} sockets x {args.rounds} frames, {pace}, readers in "
        f"{args.client_processes} process(es); load {os.getloadavg()[0]:.2f}"
    )
    for kind in args.kinds.split(","):
        r = asyncio.run(blast(kind))
        print(
            f"{kind:8} read {r['read']:.0f} of {r['expected']:.0f} (tagged {r['tagged']:.0f}); "
            f"readers' CPU {r['cpu']:.2f} s = {r['per_cpu_s']:,.0f} frames per CPU second; "
            f"written and drained in {r['wall_s']:.2f} s; from write to read p50 "
            f"{r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms; load {os.getloadavg()[0]:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
