"""When Redis or PostgreSQL stop answering, requests get 503 problem+json with Retry-After
(pages: the error page in the layout), never a 500, and everything works again as soon as
they return, without a restart and with nothing lost. The outage is a TCP proxy the test
owns (tests/support/proxy.py), cut and restored; the shared services keep running."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import asyncpg
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import text

from crewup.app import create_app
from crewup.core.settings import Settings
from crewup.wiring import open_database
from tests.support.api import Api, make_group
from tests.support.backends import end_backends
from tests.support.databases import Stack
from tests.support.pages import register_via_form
from tests.support.proxy import OutageProxy
from tests.support.services import PG_ADMIN_URL, REDIS_URL


@pytest.fixture
async def behind_proxies(
    stack: Stack, make_settings: Callable[..., Settings], aiohttp_client: Any
) -> AsyncIterator[tuple[TestClient, OutageProxy, OutageProxy]]:
    if not stack.is_services:
        pytest.skip("the embedded stack has no PostgreSQL or Redis to lose")
    settings = make_settings()
    database = OutageProxy(settings.database_url or "", 5432)
    redis = OutageProxy(REDIS_URL, 6379)
    await database.restore()
    await redis.restore()
    client = await aiohttp_client(
        create_app(make_settings(database_url=database.url, redis_url=redis.url))
    )
    yield client, database, redis
    await database.cut()
    await redis.cut()


def assert_unavailable(resp: Any, content_type: str = "application/problem+json") -> None:
    assert resp.status == 503
    assert resp.content_type == content_type
    assert int(resp.headers["Retry-After"]) > 0


async def test_redis_going_away_is_503_and_heals(behind_proxies) -> None:
    client, _, redis = behind_proxies
    api = Api(client)
    person = await api.register()
    group = await make_group(client, person)
    posts = f"/api/v1/groups/{group['id']}/posts"
    assert (
        await client.post(posts, json={"title": "Before", "body": "x"}, headers=person["headers"])
    ).status == 201
    await register_via_form(client, "Bea", "bea@example.com")  # a browser session in Redis

    await redis.cut()
    during = await client.post(
        posts, json={"title": "During", "body": "x"}, headers=person["headers"]
    )
    assert_unavailable(during)
    page = await client.get("/profile", headers={"Accept": "text/html"})
    assert_unavailable(page, "text/html")
    assert "try again" in await page.text()

    await redis.restore()
    after = await client.post(
        posts, json={"title": "After", "body": "x"}, headers=person["headers"]
    )
    assert after.status == 201
    assert (await client.get("/profile", allow_redirects=False)).status == 200  # session kept
    titles = [p["title"] for p in (await (await client.get(posts)).json())["items"]]
    assert titles == ["After", "Before"]  # nothing lost, nothing half-written


async def test_postgresql_going_away_is_503_and_heals(behind_proxies) -> None:
    client, database, _ = behind_proxies
    api = Api(client)
    person = await api.register()
    group = await make_group(client, person)

    await database.cut()  # every pooled connection dies, and new ones are refused
    for _ in range(3):
        assert_unavailable(await client.get("/api/v1/users/me", headers=person["headers"]))
    page = await client.get(f"/groups/{group['id']}", headers={"Accept": "text/html"})
    assert_unavailable(page, "text/html")
    html = await page.text()  # the friendly page, in the layout, with no database behind it
    assert "CrewUp is briefly unavailable" in html and "reload the page" in html
    assert '<main id="main"' in html and 'class="skip-link"' in html

    # A WebSocket handshake gets the same 503 before any upgrade (it was a 101 followed
    # by an HTTP answer inside the socket's stream: a black-box trial).
    token = person["headers"]["Authorization"].removeprefix("Bearer ")
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect(f"/ws?access_token={token}")
    assert refused.value.status == 503
    assert int(refused.value.headers["Retry-After"]) > 0

    await database.restore()
    for _ in range(3):
        assert (await client.get("/api/v1/users/me", headers=person["headers"])).status == 200
    assert (await client.get(f"/api/v1/groups/{group['id']}")).status == 200
    ws = await client.ws_connect(f"/ws?access_token={token}")
    await ws.send_json({"type": "ping"})
    assert (await ws.receive_json(timeout=5))["type"] == "pong"
    await ws.close()


async def test_a_postgresql_restart_between_requests_fails_none(
    stack: Stack, make_settings: Callable[..., Settings], aiohttp_client: Any
) -> None:
    """A restart ends every server process of this database (what pg_terminate_backend
    does to each one): the connections pooled before it are dead, and none of them may
    fail a request, not even the first after the restart."""
    if not stack.is_services:
        pytest.skip("the embedded stack has no PostgreSQL to restart")
    settings = make_settings()
    client = await aiohttp_client(create_app(settings))
    person = await Api(client).register()

    async def burst() -> list[int]:
        calls = [client.get("/api/v1/users/me", headers=person["headers"]) for _ in range(12)]
        return [resp.status for resp in await asyncio.gather(*calls)]

    assert await burst() == [200] * 12  # several connections now wait in the pool
    database = urlsplit(settings.database_url or "").path.lstrip("/")
    # The restart is over before the next request (a request racing the shutdown itself
    # may rightly get a 503): termination is asynchronous, so wait for the backends to go.
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        pids = "SELECT pid FROM pg_stat_activity WHERE datname = $1"
        ended = [r["pid"] for r in await admin.fetch(pids, database)]
    finally:
        await admin.close()
    assert ended, "the pool had connections to end"
    await end_backends(ended)
    assert await burst() == [200] * 12


async def test_a_pooled_connection_the_server_ended_is_replaced_not_used(
    stack: Stack, make_settings: Callable[..., Settings]
) -> None:
    """The same restart, seen by one pool with nothing else running (the app's bus might
    meet a dead connection first and empty the pool for everyone): the next checkout
    must get a live connection, without a failed statement."""
    if not stack.is_services:
        pytest.skip("the embedded stack has no PostgreSQL to restart")
    db = open_database(make_settings(), pool_size=1)
    try:
        async with db.reading() as conn:
            backend = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        await end_backends([backend])
        async with db.reading() as conn:
            again = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert again != backend
    finally:
        await db.dispose()
