"""Fixtures: every storage, pub/sub and broker test runs on the embedded default and on the
real services (see tests/support for what they are built from).

`stack` is "embedded" (SQLite + in-process) or "services" (PostgreSQL + Redis, RabbitMQ
probed). Without the services those tests are skipped with a reason; with CI=true they
fail.
"""

from __future__ import annotations

import os

# crewup-admin's rich console reads its width once, when cli.common is first imported;
# in-process CLI tests print tables and look for whole rows in them, whichever test
# (or test process, with pytest -n) happens to import it first.
os.environ["COLUMNS"] = "200"

import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from crewup.app import create_app
from crewup.auth.keyring import Keyring
from crewup.bus.runtime import topology_for
from crewup.core import migrate
from crewup.core.settings import Settings
from crewup.wiring import build_handlers, open_database
from tests.support.amqp import delete_topology
from tests.support.api import Api
from tests.support.app import base_settings, build_settings
from tests.support.databases import (
    Stack,
    drop_run_databases,
    flush_redis_prefix,
    in_thread,
    new_database_name,
    pg_admin,
    pg_url,
    run_in_thread,
)
from tests.support.services import (
    AMQP_URL,
    PG_ADMIN_URL,
    REDIS_URL,
    RUN_ID,
    require_service,
)


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
    run_in_thread(pg_admin(f'CREATE DATABASE "{template}"'))
    try:
        url = pg_url(template).replace("postgresql://", "postgresql+asyncpg://")
        in_thread(migrate.upgrade, url)
        yield Stack("services", template, keys_dir)
    finally:
        run_in_thread(drop_run_databases())
        run_in_thread(flush_redis_prefix(f"crewup-test:{RUN_ID}:"))


@pytest.fixture
def fresh_database(stack: Stack, tmp_path: Path) -> Iterator[str]:
    """A database URL of this test's own, already migrated."""
    if not stack.is_services:
        path = tmp_path / "crewup.sqlite3"
        shutil.copyfile(stack.template, path)
        yield f"sqlite:///{path}"
        return
    name = new_database_name()
    run_in_thread(pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{stack.template}"'))
    try:
        yield pg_url(name)
    finally:
        run_in_thread(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _delete_topology_of(settings: Settings) -> None:
    db = open_database(settings)  # the handlers only need it to exist, not to be open
    try:
        topology = topology_for(settings, build_handlers(settings, db))
        await delete_topology(settings.amqp_url or "", topology)
    finally:
        await db.dispose()


@pytest.fixture
def make_settings(
    stack: Stack, fresh_database: str, tmp_path: Path
) -> Iterator[Callable[..., Settings]]:
    """Settings for this test's app; keyword arguments override. RabbitMQ queues and
    exchanges the test's apps declared are deleted afterwards."""
    base = base_settings(stack, fresh_database, tmp_path / "data")
    built: list[Settings] = []

    def build(**overrides: Any) -> Settings:
        settings = build_settings(base, **overrides)
        built.append(settings)
        return settings

    yield build
    seen = {(s.amqp_url, s.amqp_prefix): s for s in built if s.amqp_url}
    for settings in seen.values():
        run_in_thread(_delete_topology_of(settings))


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings) -> AsyncIterator[TestClient]:
    yield await aiohttp_client(create_app(settings))


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)
