"""Serving an app: a runner whose protocol-level errors are problem+json, and the loop that
`crewup serve` runs until SIGTERM or SIGINT.

aiohttp answers requests it cannot parse (a URL or header over its size limits, bad
framing) below the application, as plain text; `ProblemRequestHandler` answers them in
the same problem+json as every other client error. The serve loop starts the app (its
cleanup contexts check the database, Redis and the keys) before it listens, and says it
is serving only once it does: a dependency that is down stops start-up with one line.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import signal
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import LineTooLong
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger("crewup.http")


def _detail(status: int, exc: BaseException | None) -> str:
    if status >= 500:
        return "something went wrong on our side; it has been logged"
    if isinstance(exc, LineTooLong):
        return "the request line or a header is too long"
    return "the request could not be read as HTTP"


class ProblemRequestHandler(RequestHandler):
    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if status >= 500:
            log.error("error handling a request", exc_info=exc)
        else:  # a client's malformed request: worth a line, not a traceback
            log.info("malformed request", extra={"status": status, "reason": type(exc).__name__})
        if request.writer.output_size > 0:
            raise ConnectionError("the response had begun; no error answer can follow")
        body = {
            "type": "about:blank",
            "title": HTTPStatus(status).phrase,
            "status": status,
            "detail": _detail(status, exc),
        }
        response = web.Response(
            status=status,
            text=json.dumps(body),
            content_type="application/problem+json",
            headers={"X-Content-Type-Options": "nosniff"},
        )
        response.force_close()
        return response


class ProblemServer(web.Server):
    def __call__(self) -> RequestHandler:
        return ProblemRequestHandler(self, loop=self._loop, **self._kwargs)


class CrewUpRunner(web.AppRunner):
    """An AppRunner whose connections are served by ProblemRequestHandler."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # Same state, built by aiohttp from the app; only its handler factory differs.
        server.__class__ = ProblemServer
        return server


async def serve(
    app: web.Application,
    host: str,
    port: int,
    *,
    announce: Callable[[], None],
    shutdown_timeout: float = 30.0,
    reuse_port: bool = False,
    backlog: int = 128,
    **runner_options: Any,
) -> None:
    """Start the app, listen, `announce()`, and serve until SIGTERM or SIGINT; then stop
    accepting, let running requests finish (up to `shutdown_timeout`), and clean up."""
    runner = CrewUpRunner(app, shutdown_timeout=shutdown_timeout, **runner_options)
    await runner.setup()  # start-up errors (StartupError) surface here, before listening
    # What start-up built (modules, routes, compiled statements: most of a ~100 MB heap)
    # lives as long as the process. Frozen, the collector stops walking it: a full
    # collection paused every request for ~77 ms, the tail of the search p99.
    gc.collect()
    gc.freeze()
    try:
        # reuse_port: several `crewup serve` processes share the port (crewup/supervisor.py)
        await web.TCPSite(
            runner, host, port, reuse_port=reuse_port or None, backlog=backlog
        ).start()
        announce()
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopped.set)
        await stopped.wait()
    finally:
        await runner.cleanup()
