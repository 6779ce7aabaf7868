"""create_app(settings): the composition root of one CrewUp web process.

Every resource is built here without I/O and opened or closed in a cleanup context; every
domain mounts its routes; the web layer receives what it needs from the domains (token
verification, the actor loader) as plain callables, so it imports none of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from aiohttp import web
from prometheus_client import CollectorRegistry

from crewup import (
    auth,
    chat,
    events,
    groups,
    moderation,
    notifications,
    posts,
    ratings,
    realtime,
    safety,
    search,
    site,
    users,
)
from crewup.auth.appkeys import AUTH, KEYRING
from crewup.auth.keyring import keyring_for
from crewup.auth.kit import AuthKit
from crewup.auth.page_sessions import actor_of_page_session
from crewup.auth.passwords import PasswordHasher
from crewup.auth.tokens import TokenIssuer
from crewup.bus.metrics import BusMetrics
from crewup.bus.runtime import Bus
from crewup.core import migrate, outages
from crewup.core.mail import mailer_for
from crewup.core.media import MediaStoreUnavailable
from crewup.core.media_stores import open_media_store
from crewup.core.ratelimit import RateLimiter
from crewup.core.settings import Settings, secret_key_of
from crewup.core.signing import Sealer, Signer
from crewup.notifications.appkeys import PUSHER
from crewup.notifications.service import unread_count
from crewup.posts.appkeys import POSTING_LIMIT
from crewup.posts.service import PostingLimit
from crewup.realtime.freshness import Freshness
from crewup.users.service import load_actor
from crewup.web import media, ops
from crewup.web.answer_cache import AnswerCache
from crewup.web.appkeys import (
    ACTOR_LOADER,
    ANSWER_CACHE,
    DB,
    LIMITER,
    METRICS_REGISTRY,
    REDIS,
    SESSION_LOADER,
    SETTINGS,
    TOKEN_SUBJECT,
    UNREAD_COUNTER,
)
from crewup.web.edge import setup_edge
from crewup.web.metrics import HTTP_METRICS, HttpMetrics
from crewup.web.pages import setup_templates
from crewup.web.sessions import setup_sessions
from crewup.wiring import (
    build_handlers,
    build_jobs,
    open_database,
    pusher_for,
    wire_live_updates,
    wire_notification_badges,
)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
BUS = web.AppKey("bus", Bus)


class StartupError(Exception):
    """A dependency is missing or not ready; the message says what to do."""


async def _database(app: web.Application) -> AsyncIterator[None]:
    db = app[DB]
    try:
        async with asyncio.timeout(outages.STARTUP_CHECK_SECONDS), db.engine.connect() as conn:
            mismatch = await migrate.schema_mismatch(conn)
    except Exception as exc:
        raise StartupError(f"cannot reach the database: {outages.failure_reason(exc)}") from exc
    if mismatch:
        raise StartupError(mismatch)
    yield
    await db.dispose()


async def _redis(app: web.Application) -> AsyncIterator[None]:
    redis = app[REDIS]
    if redis is not None:
        try:
            await redis.ping()
        except Exception as exc:
            raise StartupError(f"cannot reach Redis at redis_url: {exc}") from exc
    yield
    if redis is not None:
        await redis.aclose()
        await redis.connection_pool.disconnect()  # shared, so aclose leaves it open


async def _media_store(app: web.Application) -> AsyncIterator[None]:
    try:
        async with open_media_store(app[SETTINGS]) as store:
            app[media.MEDIA_STORE] = store
            yield
    except MediaStoreUnavailable as exc:
        raise StartupError(str(exc)) from exc


async def _bus(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    metrics = BusMetrics(app[METRICS_REGISTRY])
    mailer = mailer_for(settings)
    bus = Bus(
        app[DB],
        settings,
        build_handlers(settings, app[DB], metrics, mailer),
        build_jobs(settings),
        metrics,
    )
    await bus.start(work=settings.runs_worker_in_process)
    app[BUS] = bus
    yield
    try:
        await bus.stop()
    finally:
        await mailer.close()  # after the bus: a batch still sending finishes first


async def _keys(app: web.Application) -> AsyncIterator[None]:
    await asyncio.to_thread(app[KEYRING].load)
    await asyncio.to_thread(app[PUSHER].load)
    yield


def _auth_kit(settings: Settings, limiter: RateLimiter, issuer: TokenIssuer) -> AuthKit:
    secret = secret_key_of(settings)
    return AuthKit(
        hasher=PasswordHasher(settings.argon2_time_cost, settings.argon2_memory_kib),
        issuer=issuer,
        limiter=limiter,
        sealer=Sealer(secret),
        signer=Signer(secret),
        settings=settings,
    )


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=settings.max_body_bytes)
    app[SETTINGS] = settings
    registry = CollectorRegistry()
    app[METRICS_REGISTRY] = registry
    app[HTTP_METRICS] = HttpMetrics(registry)
    # Clients are built here without I/O; connections open in the cleanup contexts.
    app[DB] = open_database(settings)
    app[ANSWER_CACHE] = AnswerCache(app[DB], settings.public_answer_cache_seconds)
    redis = None
    if settings.redis_url:
        # Several MB a process without Redis does not need.
        from redis.asyncio import BlockingConnectionPool, Redis

        # One pool for sessions and rate limits. A blocking one: redis-py's default pool
        # fails at once when all its connections are busy, and a burst of 120 sign-ins
        # got 503s from a healthy Redis (a black-box trial).
        pool = BlockingConnectionPool.from_url(
            settings.redis_url,
            max_connections=settings.redis_pool_size,
            timeout=settings.redis_wait_seconds,
        )
        redis = Redis(connection_pool=pool)
    app[REDIS] = redis
    limiter = RateLimiter(
        settings.redis_url,
        settings.redis_prefix,
        redis.connection_pool if redis is not None else None,
    )
    app[LIMITER] = limiter
    keyring = keyring_for(settings)
    app[KEYRING] = keyring
    issuer = TokenIssuer(
        keyring,
        settings.effective_public_url,
        settings.jwt_audience,
        timedelta(seconds=settings.access_token_ttl_seconds),
    )
    kit = _auth_kit(settings, limiter, issuer)
    app[AUTH] = kit
    app[POSTING_LIMIT] = PostingLimit(limiter, settings.rate_limit_posting)
    app[TOKEN_SUBJECT] = kit.access_token_subject
    app[ACTOR_LOADER] = load_actor
    app[SESSION_LOADER] = actor_of_page_session
    app[UNREAD_COUNTER] = unread_count
    app[PUSHER] = pusher_for(settings)
    app[media.IMAGE_WORK] = asyncio.Semaphore(media.IMAGE_WORKERS)
    app.cleanup_ctx.extend([_database, _redis, _keys, _media_store, _bus])
    hub = realtime.build_hub(app, settings)
    wire_live_updates(app[DB].dispatcher, hub)
    wire_notification_badges(app[DB], hub)
    if settings.redis_url:  # one process has nobody else whose cache could be stale
        Freshness(app[DB], hub)

    # One middleware does request ids, metrics, sessions, the caller, the page language
    # and problem+json (503 for outages, the session store's included): see web/edge.py.
    setup_sessions(app, settings, secret_key_of(settings), redis)
    setup_edge(app, settings)
    setup_templates(app)

    app.router.add_routes(ops.routes)
    realtime.setup(app)
    for domain in (
        auth,
        users,
        groups,
        posts,
        events,
        notifications,
        chat,
        ratings,
        safety,
        search,
        site,
        moderation,
    ):
        domain.setup(app)
    app.router.add_routes(media.routes.table)
    app.router.add_static("/static", STATIC_DIR)
    return app
