"""The real-time face: GET /ws, the hub of this process and the pub/sub between processes.

Knows no domain: domains register frame handlers (FRAME_HANDLERS) and publish through the
hub (HUB), usually from after-commit callbacks wired in crewup.wiring.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import WSCloseCode, web

from crewup.core.settings import Settings
from crewup.realtime.appkeys import FRAME_HANDLERS, HUB, REALTIME_METRICS
from crewup.realtime.hub import Hub
from crewup.realtime.metrics import RealtimeMetrics
from crewup.realtime.pubsub import InProcessPubSub, PubSub
from crewup.web.appkeys import METRICS_REGISTRY


def pubsub_for(settings: Settings, metrics: RealtimeMetrics) -> PubSub:
    if settings.redis_url:
        from crewup.realtime.redis_pubsub import RedisPubSub  # redis-py: only with Redis

        return RedisPubSub(settings.redis_url, f"{settings.redis_prefix}realtime", metrics)
    return InProcessPubSub()


def build_hub(app: web.Application, settings: Settings) -> Hub:
    """Built without I/O; `setup` starts it in a cleanup context."""
    metrics = RealtimeMetrics(app[METRICS_REGISTRY])
    app[REALTIME_METRICS] = metrics
    hub = Hub(pubsub_for(settings, metrics), metrics)
    app[HUB] = hub
    app[FRAME_HANDLERS] = {}
    return hub


async def _run_hub(app: web.Application) -> AsyncIterator[None]:
    await app[HUB].start()
    yield
    await app[HUB].stop()


async def _close_sockets(app: web.Application) -> None:
    """SIGTERM: the listener has stopped accepting; flush what is queued and say 1001."""
    hub = app[HUB]
    hub.closing = True
    hub.close_all(WSCloseCode.GOING_AWAY, "server shutting down")
    await hub.wait_closed()


def setup(app: web.Application) -> None:
    from crewup.realtime.endpoint import websocket

    app.router.add_get("/ws", websocket, name="ws")
    app.cleanup_ctx.append(_run_hub)
    app.on_shutdown.append(_close_sockets)
