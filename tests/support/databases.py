"""A migrated database of each test's own: a copy of a migrated SQLite file, or a
PostgreSQL database cloned from a migrated template; both dropped afterwards."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

from tests.support.services import PG_ADMIN_URL, REDIS_URL, RUN_ID

T = TypeVar("T")
_counter = itertools.count()


def in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run setup work off the main thread, so the test's own event loop is never touched."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def run_in_thread(coro: Coroutine[Any, Any, T]) -> T:
    return in_thread(asyncio.run, coro)


def pg_url(database: str) -> str:
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{database}"


async def pg_admin(*statements: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def new_database_name() -> str:
    return f"crewup_t_{RUN_ID}_{next(_counter)}"


async def drop_run_databases() -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        names = await conn.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", f"crewup_t_{RUN_ID}_%"
        )
        for row in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
    finally:
        await conn.close()


async def flush_redis_prefix(prefix: str) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    try:
        async for key in redis.scan_iter(match=f"{prefix}*", count=500):
            await redis.delete(key)
    finally:
        await redis.aclose()


@dataclass
class Stack:
    """ "embedded" (SQLite, in-process pub/sub and queue) or "services" (PostgreSQL, Redis,
    RabbitMQ): every storage, pub/sub and broker test runs on both."""

    name: str
    template: str  # SQLite file path or PostgreSQL template database name
    keys_dir: Path

    @property
    def is_services(self) -> bool:
        return self.name == "services"
