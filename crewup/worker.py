"""`crewup worker`: the process that runs the bus's handlers and scheduled jobs.

With RabbitMQ (amqp_url) any number of workers share the queues; without it the worker
runs the handlers from the outbox itself (then set `worker_in_process = false` for the
web processes so the scheduled jobs run in one place). The worker serves no pages; it can
serve its own `/metrics` and `/healthz` on a port of its own for Prometheus and probes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from crewup.bus.metrics import BusMetrics
from crewup.bus.runtime import Bus
from crewup.core import migrate, outages
from crewup.core.db import Database
from crewup.core.mail import mailer_for
from crewup.core.settings import Settings
from crewup.realtime import pubsub_for
from crewup.realtime.hub import Hub
from crewup.realtime.metrics import RealtimeMetrics
from crewup.web.appkeys import SETTINGS
from crewup.web.ops import may_scrape
from crewup.wiring import build_handlers, build_jobs, open_database, wire_notification_badges

log = logging.getLogger("crewup.worker")
# Long enough for a batch of mail to finish sending; systemd's default stop timeout is 90 s.
STOP_GRACE_SECONDS = 30.0
# How long the ready line waits to say RabbitMQ answers; it keeps trying after.
BROKER_WAIT_SECONDS = 5.0


class WorkerStartError(Exception):
    """The worker cannot start; the message says what to do."""


async def _check_database(db: Database) -> None:
    try:
        async with asyncio.timeout(outages.STARTUP_CHECK_SECONDS), db.engine.connect() as conn:
            mismatch = await migrate.schema_mismatch(conn)
    except Exception as exc:
        raise WorkerStartError(f"cannot reach the database: {outages.failure_reason(exc)}") from exc
    if mismatch:
        raise WorkerStartError(mismatch)


def _probe_app(settings: Settings, db: Database, registry: CollectorRegistry) -> web.Application:
    async def metrics(request: web.Request) -> web.Response:
        # The server's rule: a worker's port is as reachable as the server's (containers
        # listen on 0.0.0.0), and its figures were open to anyone (an operator's trial).
        if not may_scrape(request):
            raise web.HTTPForbidden(
                text="metrics are served to loopback or with the metrics token only"
            )
        body = await asyncio.to_thread(generate_latest, registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def healthz(_: web.Request) -> web.Response:
        try:
            async with db.reading() as conn:
                await conn.exec_driver_sql("SELECT 1")
        except Exception:
            return web.json_response({"status": "unavailable"}, status=503)
        return web.json_response({"status": "ok"})

    app = web.Application()
    app[SETTINGS] = settings
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
    return app


async def _consuming(bus: Bus) -> str:
    """What the worker takes its work from, as it is: RabbitMQ may not answer yet (the
    consumer keeps trying; messages wait in the outbox meanwhile)."""
    if bus.consumer is None:
        return "running handlers from the outbox (no amqp_url)"
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(bus.consumer.consuming.wait(), BROKER_WAIT_SECONDS)
    if bus.consumer.consuming.is_set():
        return "consuming from RabbitMQ"
    return "RabbitMQ does not answer yet (retrying; work waits in the outbox)"


async def run_worker(
    settings: Settings,
    *,
    probe_port: int | None,
    announce: Callable[[str], None],
) -> None:
    """Run until SIGTERM or SIGINT; then stop taking work, let the batches in hand
    finish (unacknowledged ones go back to RabbitMQ, unsent outbox rows stay put) and
    close."""
    db = open_database(settings)
    mailer = mailer_for(settings)
    probe: web.AppRunner | None = None
    hub: Hub | None = None
    try:
        await _check_database(db)
        registry = CollectorRegistry()
        metrics = BusMetrics(registry)
        bus = Bus(
            db,
            settings,
            build_handlers(settings, db, metrics, mailer),
            build_jobs(settings),
            metrics,
        )
        if probe_port is not None:
            probe = web.AppRunner(_probe_app(settings, db, registry), access_log=None)
            await probe.setup()
            try:
                await web.TCPSite(probe, settings.host, probe_port).start()
            except OSError as exc:
                raise WorkerStartError(
                    f"cannot listen on {settings.host}:{probe_port}: {exc.strerror}"
                ) from exc
        if settings.redis_url:
            # Badges of open pages change as this worker makes notifications.
            live_metrics = RealtimeMetrics(registry)
            hub = Hub(pubsub_for(settings, live_metrics), live_metrics)
            await hub.start()
            wire_notification_badges(db, hub)
        await bus.start(work=True)
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopped.set)
        # Announced once a SIGTERM is a graceful stop: a supervisor (or a test) that
        # waits for this line never kills a worker half started.
        announce(f"CrewUp worker ready: {await _consuming(bus)}, {len(bus.handlers)} handlers")
        try:
            await stopped.wait()
        finally:
            log.info("worker stopping")
            await bus.stop(STOP_GRACE_SECONDS)
            if hub is not None:
                await hub.stop()
    finally:
        if probe is not None:
            await probe.cleanup()
        try:
            await mailer.close()  # QUIT to the SMTP server, once the bus's batches are done
        finally:
            await db.dispose()
