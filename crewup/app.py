"""create_app(settings): the composition root of one CrewUp web process.

Every resource is built here without I/O and opened or closed in a cleanup context; every
domain mounts its routes; the web layer receives what it needs from the domains (token
verification, the actor loader) as plain callables, so it imports none of them.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from crewup import auth, events, groups, posts, site, users
from crewup.auth.appkeys import AUTH, KEYRING
from crewup.auth.keyring import keyring_for
from crewup.auth.kit import AuthKit
from crewup.auth.page_sessions import actor_of_page_session
from crewup.auth.passwords import PasswordHasher
from crewup.auth.tokens import TokenIssuer
from crewup.bus.metrics import BusMetrics
from crewup.bus.runtime import Bus
from crewup.core import migrate
from crewup.core.mail import FolderMailer
from crewup.core.ratelimit import RateLimiter
from crewup.core.settings import Settings
from crewup.posts.appkeys import POSTING_LIMIT
from crewup.posts.service import PostingLimit
from crewup.users.service import load_actor
from crewup.web import ops
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
)
from crewup.web.caller import caller_middleware
from crewup.web.metrics import HTTP_METRICS, HttpMetrics, metrics_middleware
from crewup.web.observability import request_id_middleware, stamp_request_id
from crewup.web.pages import setup_templates
from crewup.web.problems import problem_middleware
from crewup.web.security_headers import setup_security_headers
from crewup.web.sessions import setup_sessions
from crewup.wiring import build_handlers, build_jobs, open_database

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
BUS = web.AppKey("bus", Bus)


class StartupError(Exception):
    """A dependency is missing or not ready; the message says what to do."""


def ensure_secret_key(settings: Settings) -> str:
    """The configured key, or one generated once into the data dir and reused after."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


async def _database(app: web.Application) -> AsyncIterator[None]:
    db = app[DB]
    try:
        async with db.engine.connect() as conn:
            current = await conn.run_sync(migrate.revision_of)
    except Exception as exc:
        raise StartupError(f"cannot reach the database: {exc}") from exc
    head = migrate.head_revision()
    if current != head:
        raise StartupError(
            f"database is at revision {current}, code expects {head}: run `crewup-admin db upgrade`"
        )
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


async def _bus(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    bus = Bus(
        app[DB],
        settings,
        build_handlers(settings),
        build_jobs(settings),
        BusMetrics(app[METRICS_REGISTRY]),
    )
    await bus.start(work=settings.runs_worker_in_process)
    app[BUS] = bus
    yield
    await bus.stop()


async def _keys(app: web.Application) -> AsyncIterator[None]:
    await asyncio.to_thread(app[KEYRING].load)
    yield


def _auth_kit(settings: Settings, limiter: RateLimiter, issuer: TokenIssuer) -> AuthKit:
    host = urlsplit(settings.effective_public_url).hostname or "localhost"
    return AuthKit(
        hasher=PasswordHasher(settings.argon2_time_cost, settings.argon2_memory_kib),
        issuer=issuer,
        limiter=limiter,
        mailer=FolderMailer(settings.data_dir / "outbox" / "mail", f"CrewUp <no-reply@{host}>"),
        settings=settings,
    )


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[request_id_middleware, metrics_middleware],
    )
    app[SETTINGS] = settings
    registry = CollectorRegistry()
    app[METRICS_REGISTRY] = registry
    app[HTTP_METRICS] = HttpMetrics(registry)
    # Clients are built here without I/O; connections open in the cleanup contexts.
    app[DB] = open_database(settings)
    app[ANSWER_CACHE] = AnswerCache(app[DB], settings.public_answer_cache_seconds)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    app[REDIS] = redis
    limiter = RateLimiter(settings.redis_url, settings.redis_prefix)
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
    app.cleanup_ctx.extend([_database, _redis, _keys, _bus])

    # problem+json (and 503 for outages) wraps the session store too: with Redis down,
    # loading a session fails before any handler runs.
    app.middlewares.append(problem_middleware)
    setup_sessions(app, settings, ensure_secret_key(settings), redis)
    app.middlewares.append(caller_middleware)
    app.on_response_prepare.append(stamp_request_id)
    setup_security_headers(app, settings)
    setup_templates(app)

    app.router.add_routes(ops.routes)
    for domain in (auth, users, groups, posts, events, site):
        domain.setup(app)
    app.router.add_static("/static", STATIC_DIR)
    return app
