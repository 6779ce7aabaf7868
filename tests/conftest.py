"""Test harness: every storage test runs on the embedded default and on the real services.

`stack` is "embedded" (SQLite + in-process) or "services" (PostgreSQL + Redis, RabbitMQ
probed). Each test gets a database of its own: a copy of a migrated SQLite file, or a
PostgreSQL database cloned from a migrated template; both are dropped afterwards. Redis
keys carry a prefix unique to the run. Without the services, those tests are skipped
with a reason; with CI=true they fail.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest
from aiohttp.test_utils import TestClient

from crewup.app import create_app
from crewup.auth.keyring import Keyring
from crewup.core import migrate
from crewup.core.settings import Settings

PG_ADMIN_URL = os.environ.get(
    "CREWUP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("CREWUP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
AMQP_URL = os.environ.get("CREWUP_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
RUN_ID = uuid.uuid4().hex[:8]
_counter = itertools.count()

# Cheap hashing for tests only: argon2id still, but fast; production defaults are tested
# in test_settings. Rate limits high so only the tests about them trip them.
FAST = {
    "argon2_time_cost": 1,
    "argon2_memory_kib": 1024,
    "rate_limit_login": "1000/minute",
    "rate_limit_register": "1000/minute",
    "rate_limit_password_reset": "1000/minute",
    "rate_limit_posting": "1000/minute",
    "access_log": False,
}


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


def require_service(name: str, url: str, port: int) -> None:
    if reachable(url, port):
        return
    message = (
        f"{name} is not reachable at {urlsplit(url).hostname}:{urlsplit(url).port or port}"
        f" (start it, see README)"
    )
    if IN_CI:
        pytest.fail(f"{message}; CI=true makes a missing service a failure")
    pytest.skip(message)


def in_thread(fn: Any, *args: Any) -> Any:
    """Run setup work off the main thread, so the test's own event loop is never touched."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def run_in_thread(coro: Any) -> Any:
    return in_thread(asyncio.run, coro)


def _pg_url(database: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{database}"


async def _pg_admin(*statements: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def _pg_drop_run_databases() -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        names = await conn.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", f"crewup_t_{RUN_ID}_%"
        )
        for row in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
    finally:
        await conn.close()


@dataclass
class Stack:
    name: str
    template: str  # SQLite file path or PostgreSQL template database name
    keys_dir: Path

    @property
    def is_services(self) -> bool:
        return self.name == "services"


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated signing key for the whole run (RSA generation is slow-ish)."""
    path = tmp_path_factory.mktemp("keys")
    Keyring(path, timedelta(minutes=15)).load()
    return path


@pytest.fixture(scope="session", params=["embedded", "services"])
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, keys_dir: Path
) -> Iterator[Stack]:
    if request.param == "embedded":
        path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
        in_thread(migrate.upgrade, f"sqlite+aiosqlite:///{path}")
        yield Stack("embedded", str(path), keys_dir)
        return
    require_service("PostgreSQL", PG_ADMIN_URL, 5432)
    require_service("Redis", REDIS_URL, 6379)
    require_service("RabbitMQ", AMQP_URL, 5672)
    template = f"crewup_t_{RUN_ID}_template"
    run_in_thread(_pg_admin(f'CREATE DATABASE "{template}"'))
    try:
        url = _pg_url(template).replace("postgresql://", "postgresql+asyncpg://")
        in_thread(migrate.upgrade, url)
        yield Stack("services", template, keys_dir)
    finally:
        run_in_thread(_pg_drop_run_databases())
        run_in_thread(_flush_redis_prefix(f"crewup-test:{RUN_ID}:"))


async def _flush_redis_prefix(prefix: str) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    try:
        async for key in redis.scan_iter(match=f"{prefix}*", count=500):
            await redis.delete(key)
    finally:
        await redis.aclose()


@pytest.fixture
def fresh_database(stack: Stack, tmp_path: Path) -> Iterator[str]:
    """A database URL of this test's own, already migrated."""
    if not stack.is_services:
        path = tmp_path / "crewup.sqlite3"
        shutil.copyfile(stack.template, path)
        yield f"sqlite:///{path}"
        return
    name = f"crewup_t_{RUN_ID}_{next(_counter)}"
    run_in_thread(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{stack.template}"'))
    try:
        yield _pg_url(name)
    finally:
        run_in_thread(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def make_settings(stack: Stack, fresh_database: str, tmp_path: Path) -> Any:
    """Settings for this test's app; keyword arguments override."""
    data_dir = tmp_path / "data"
    if not (data_dir / "keys").exists():
        shutil.copytree(stack.keys_dir, data_dir / "keys")
    base: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": fresh_database,
        "secret_key": "s" * 40,
        **FAST,
    }
    if stack.is_services:
        base["redis_url"] = REDIS_URL
        base["redis_prefix"] = f"crewup-test:{RUN_ID}:{uuid.uuid4().hex[:6]}:"

    def build(**overrides: Any) -> Settings:
        return Settings(**{**base, **overrides})

    return build


@pytest.fixture
def settings(make_settings: Any) -> Settings:
    return make_settings()


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings) -> AsyncIterator[TestClient]:
    yield await aiohttp_client(create_app(settings))


class Api:
    """Helpers that act through the public HTTP API only."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self._n = itertools.count(1)

    async def register(
        self,
        name: str | None = None,
        *,
        email: str | None = None,
        password: str = "correct horse battery",
    ) -> dict[str, Any]:
        n = next(self._n)
        name = name or f"Person {n}"
        email = email or f"person{n}-{uuid.uuid4().hex[:6]}@example.com"
        resp = await self.client.post(
            "/api/v1/auth/register",
            json={"email": email, "password": password, "display_name": name},
        )
        assert resp.status == 201, await resp.text()
        body = await resp.json()
        body["email"] = email
        body["password"] = password
        body["headers"] = {"Authorization": f"Bearer {body['access_token']}"}
        return body


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)


def cli_env(settings: Settings) -> dict[str, str]:
    """The environment that points crewup-admin at this test's installation."""
    env = {
        "CREWUP_DATA_DIR": str(settings.data_dir),
        "CREWUP_SECRET_KEY": "s" * 40,
        "CREWUP_ARGON2_TIME_COST": "1",
        "CREWUP_ARGON2_MEMORY_KIB": "1024",
        "COLUMNS": "200",  # rich wraps tables to the terminal; keep rows whole
    }
    if settings.database_url:
        env["CREWUP_DATABASE_URL"] = settings.database_url
    return env


async def admin_cli(settings: Settings, *args: str, input: str | None = None) -> Any:
    """crewup-admin through Typer's runner, in a thread: it runs an event loop of its own."""
    from typer.testing import CliRunner

    from cli.main import app

    return await asyncio.to_thread(
        CliRunner().invoke, app, list(args), env=cli_env(settings), input=input
    )


class StatementCounter:
    """Counts SQL statements the app sends, to prove list endpoints have no N+1."""

    def __init__(self, app: Any) -> None:
        from sqlalchemy import event

        from crewup.web.appkeys import DB

        self.count = 0
        self._engine = app[DB].engine.sync_engine
        self._event = event

    def _seen(self, *_: Any) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        self._event.listen(self._engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: Any) -> None:
        self._event.remove(self._engine, "before_cursor_execute", self._seen)


async def make_group(client: TestClient, owner: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {
        "name": "Crag Rats",
        "description": "Climbing on weekends",
        "category": "climbing",
        "visibility": "public",
        **fields,
    }
    resp = await client.post("/api/v1/groups", json=body, headers=owner["headers"])
    assert resp.status == 201, await resp.text()
    return await resp.json()


def future(hours: float = 24) -> str:
    from datetime import UTC, datetime, timedelta

    moment = datetime.now(UTC) + timedelta(hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def make_event(
    client: TestClient, owner: dict[str, Any], group_id: int, **fields: Any
) -> dict[str, Any]:
    body = {
        "group_id": group_id,
        "title": "Bouldering night",
        "location_name": "Hall A",
        "lat": 52.52,
        "lon": 13.405,
        "starts_at": future(24),
        "ends_at": future(27),
        **fields,
    }
    resp = await client.post("/api/v1/events", json=body, headers=owner["headers"])
    assert resp.status == 201, await resp.text()
    return await resp.json()
