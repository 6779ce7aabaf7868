"""What each piece of the edge costs a /healthz answer, without sockets (issue 17).

Builds CrewUp's app (or a bare aiohttp hello with `--bare`), optionally without some of
its pieces, and feeds requests to aiohttp's own connection handler through an in-memory
transport: parsing, routing, middleware, hooks, the handler and header serialisation all
run as in `crewup serve`, but no socket call is made, so only the server's Python and C
code is counted. Prints CPU microseconds per request (process time, several rounds).

For figures a busy machine cannot disturb, count instructions instead, under valgrind,
and take the difference between two request counts (start-up cancels out):

    export CREWUP_BUS_POLL_SECONDS=60 PYTHONHASHSEED=0   # no bus poll during the count
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \\
        .venv/bin/python bench/edge_lab.py --requests 100 --warm 300 --rounds 1
    (the same with --requests 1100; instructions per request = difference / 1000)

--without takes: middleware (none at all), hook (the on_response_prepare hook),
pass-through (the middleware replaced by one that only awaits the handler), empty-hook
(the hook replaced by one that does nothing), metrics, headers (the security headers).
PYTHONPATH=another/checkout measures that checkout's code.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import time
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

parser = argparse.ArgumentParser()
parser.add_argument("--bare", action="store_true", help="a bare aiohttp json_response hello")
parser.add_argument("--without", default="", help="comma-separated pieces to take away")
parser.add_argument("--requests", type=int, default=3000, help="requests per round")
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("--warm", type=int, default=2000, help="requests before measuring")
parser.add_argument("--path", default="/healthz")
args = parser.parse_args()
without = set(filter(None, args.without.split(",")))
REQUEST = f"GET {args.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: wrk\r\n\r\n".encode()


async def hello(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def build() -> tuple[web.Application, type[web.AppRunner], dict[str, Any]]:
    if args.bare:
        app = web.Application()
        app.router.add_get(args.path, hello)
        return app, web.AppRunner, {"access_log": None}
    os.environ.setdefault("CREWUP_LOG_LEVEL", "WARNING")
    from crewup.app import create_app
    from crewup.core.settings import load_settings
    from crewup.web import edge, metrics
    from crewup.web.observability import JsonAccessLogger
    from crewup.web.server import CrewUpRunner

    if "metrics" in without:
        metrics.HttpMetrics.record = lambda *a, **k: None  # type: ignore[method-assign]
    if "headers" in without:
        edge.security_headers = lambda settings: {}  # type: ignore[attr-defined]
    app = create_app(load_settings())
    if "middleware" in without:
        app.middlewares.clear()
    if "pass-through" in without:

        @web.middleware
        async def passthrough(request: web.Request, handler: Handler) -> web.StreamResponse:
            return await handler(request)

        app.middlewares[:] = [passthrough]
    if "hook" in without:
        app.on_response_prepare.clear()
    if "empty-hook" in without:

        async def nothing(request: web.Request, response: web.StreamResponse) -> None:
            return None

        app.on_response_prepare[:] = [nothing]
    # As `crewup serve` runs it (the access log off, as the benchmarks run it).
    return app, CrewUpRunner, {"access_log_class": JsonAccessLogger, "access_log": None}


class MemoryTransport(asyncio.Transport):
    """Takes what the server writes; `answered` resolves at the first write of an answer
    (aiohttp writes headers and a small body in one call)."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: asyncio.Future[None] | None = None
        self.written = 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 40000), "sockname": ("127.0.0.1", 8080)}.get(
            name, default
        )

    def is_closing(self) -> bool:
        return False

    def write(self, data: Any) -> None:
        self.written += len(data)
        self._answered()

    def writelines(self, chunks: Any) -> None:
        self.written += sum(len(chunk) for chunk in chunks)
        self._answered()

    def _answered(self) -> None:
        if self.answered is not None and not self.answered.done():
            self.answered.set_result(None)

    def close(self) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def main() -> None:
    app, runner_class, options = build()
    runner = runner_class(app, **options)
    await runner.setup()
    assert runner.server is not None
    protocol = runner.server()
    transport = MemoryTransport()
    protocol.connection_made(transport)
    loop = asyncio.get_running_loop()

    async def one() -> None:
        transport.answered = loop.create_future()
        protocol.data_received(REQUEST)
        await transport.answered
        for _ in range(2):  # let the handler finish its bookkeeping before the next
            await asyncio.sleep(0)

    for _ in range(args.warm):
        await one()
    per_request = []
    for _ in range(args.rounds):
        gc.collect()
        transport.written = 0
        started = time.process_time()
        for _ in range(args.requests):
            await one()
        per_request.append(1e6 * (time.process_time() - started) / args.requests)
    label = "bare aiohttp hello" if args.bare else f"crewup without {sorted(without) or 'nothing'}"
    print(
        f"{label}: {min(per_request):.1f} µs CPU per request (min of {args.rounds}, median "
        f"{sorted(per_request)[len(per_request) // 2]:.1f}), "
        f"{transport.written / args.requests:.0f} bytes per answer",
        file=sys.stderr,
    )
    protocol.connection_lost(None)
    await runner.cleanup()


asyncio.run(main())
