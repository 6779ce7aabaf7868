"""Service endpoints: liveness, readiness, metrics, the API description, public keys."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from crewup.core.errors import Forbidden
from crewup.web.appkeys import DB, METRICS_REGISTRY, REDIS, SETTINGS
from crewup.web.openapi import build_openapi
from crewup.web.pages import render_page
from crewup.web.requests import client_address

routes = web.RouteTableDef()
CHECK_TIMEOUT = 3.0


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _check(name: str, probe: asyncio.Future | object) -> tuple[str, str]:
    try:
        await asyncio.wait_for(probe, CHECK_TIMEOUT)  # type: ignore[arg-type]
    except Exception as exc:  # any failure means "down"; the reason helps the operator
        return name, f"down: {type(exc).__name__}"
    return name, "ok"


async def _amqp_probe(url: str) -> None:
    import aio_pika  # only where amqp_url is set: not every web process needs it

    connection = await aio_pika.connect(url, timeout=CHECK_TIMEOUT)
    await connection.close()


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    app = request.app
    settings = app[SETTINGS]
    probes = [_check("database", app[DB].ping())]
    redis = app[REDIS]
    if redis is not None:
        probes.append(_check("redis", redis.ping()))
    if settings.amqp_url:
        probes.append(_check("rabbitmq", _amqp_probe(settings.amqp_url)))
    checks = dict(await asyncio.gather(*probes))
    ready = all(state == "ok" for state in checks.values())
    return web.json_response(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


def may_scrape(request: web.Request) -> bool:
    """With `metrics_token`, whoever brings it; without, loopback callers only, the
    caller being who a trusted proxy says it forwards for (through nginx on the same host
    every request comes from 127.0.0.1: an operator's trial scraped through it). The
    worker's probe port applies the same rule (crewup/worker.py)."""
    token = request.app[SETTINGS].metrics_token
    if token is not None:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        return ipaddress.ip_address(client_address(request)).is_loopback
    except ValueError:
        return False


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    """Loopback only, or anyone with `metrics_token`: route names and rates are not public."""
    if not may_scrape(request):
        raise Forbidden("metrics are served to loopback or with the metrics token only")
    body = generate_latest(request.app[METRICS_REGISTRY])
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


@routes.get("/api/openapi.json")
async def openapi_document(request: web.Request) -> web.Response:
    return web.json_response(build_openapi(request.app, request.app[SETTINGS].effective_public_url))


@routes.get("/api/docs")
async def api_docs(request: web.Request) -> web.Response:
    spec = build_openapi(request.app, request.app[SETTINGS].effective_public_url)
    return await render_page(request, "api_docs.html", {"spec": spec})
