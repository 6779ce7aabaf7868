"""The hot reads' fast path (crewup/core/quick_reads.py): on PostgreSQL they run as
asyncpg prepared statements on connections of their own, on SQLite through SQLAlchemy.
Both must give the same answers, and the small pool must never turn a burst into errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from crewup.app import create_app
from crewup.auth.page_sessions import actor_of_page_session, open_page_session
from crewup.core.geo import Point
from crewup.core.outages import outage_of
from crewup.core.paging import NearCursor
from crewup.core.quick_reads import DatabaseConnectionLost, Prepared, QuickConnection, _Compiled
from crewup.core.settings import Settings
from crewup.events import participants
from crewup.events.access import RsvpStatus, load_event, load_event_with_caller
from crewup.events.nearby import nearest_events
from crewup.groups.access import load_group
from crewup.posts.service import list_posts
from crewup.users.service import get_account, load_actor
from crewup.web.appkeys import DB
from crewup.wiring import open_database
from tests.support.api import Api, make_event, make_group
from tests.support.backends import end_backends
from tests.support.databases import Stack


async def test_either_path_reads_the_same(api: Api, stack: Stack) -> None:
    """Every hot read, first pages and pages after a cursor, through `reading()`
    (SQLAlchemy) and `quick()` (asyncpg on PostgreSQL): the same accounts, events,
    groups, posts, participants, nearby rows and sign-ins, field by field, for a
    signed-out and a signed-in viewer."""
    owner = await api.register("Owner")
    people = [await api.register(f"Person {n}") for n in range(4)]
    resp = await api.client.patch(
        "/api/v1/users/me",
        json={"interests": ["climbing", "été"], "home_lat": 52.5, "home_lon": 13.4},
        headers=owner["headers"],
    )
    assert resp.status == 200, await resp.text()
    group = await make_group(api.client, owner)
    event = await make_event(api.client, owner, group["id"], capacity=1)
    await make_event(api.client, owner, group["id"], lat=52.51, lon=13.41)
    for who, status in zip(
        (owner, *people), ("going", "going", "going", "interested", "interested"), strict=True
    ):  # one going, two waitlisted, two interested
        await api.client.post(f"/api/v1/groups/{group['id']}/join", headers=who["headers"])
        resp = await api.client.post(
            f"/api/v1/events/{event['id']}/rsvp", json={"status": status}, headers=who["headers"]
        )
        assert resp.status in (200, 201), await resp.text()
    for i in range(3):
        resp = await api.client.post(
            f"/api/v1/groups/{group['id']}/posts",
            json={"title": f"Post {i}", "body": "<b>x</b>"},
            headers=owner["headers"],
        )
        assert resp.status == 201
    db = api.client.app[DB]
    async with db.transaction() as conn:
        sign_in = await open_page_session(conn, people[0]["user"]["id"])
    async with db.reading() as conn:
        viewer = await load_actor(conn, people[0]["user"]["id"])
    assert viewer is not None
    here = Point(52.5, 13.4)

    async def everything(conn: Any) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for who, actor in (("anyone", None), ("member", viewer)):
            found[f"event {who}"] = await load_event(conn, event["id"], actor)
            found[f"group {who}"] = await load_group(conn, group["id"], actor)
            page = await list_posts(conn, group["id"], actor, limit=2)
            older = await list_posts(conn, group["id"], actor, limit=2, cursor=page.next_cursor)
            found[f"posts {who}"] = (page.items, page.next_cursor, older.items)
            lists = await participants.first_pages(conn, event["id"], actor, limit=5)
            found[f"lists {who}"] = {s: (p.items, p.next_cursor) for s, p in lists.items()}
            for status in (RsvpStatus.waitlisted, RsvpStatus.interested):
                first = await participants.list_participants(
                    conn, event["id"], actor, status=status, limit=1
                )
                after = await participants.list_participants(
                    conn, event["id"], actor, status=status, limit=1, cursor=first.next_cursor
                )
                found[f"{status} {who}"] = (first.items, first.next_cursor, after.items)
            if stack.is_services:  # SQLite's nearby search is the general list query
                nearest = await nearest_events(conn, actor, here, 10, None, 1)
                last = nearest[0]
                cursor = NearCursor(d=last.distance_km, id=last.id)
                further = await nearest_events(conn, actor, here, 10, cursor, 1)
                found[f"nearest {who}"] = [tuple(row) for row in nearest + further]
        for user_id in (viewer.id, owner["user"]["id"], 10**9):
            for event_id in (event["id"], 10**9):
                found[f"event with caller {user_id} {event_id}"] = await load_event_with_caller(
                    conn, event_id, user_id
                )
        found["account"] = await get_account(conn, owner["user"]["id"])
        found["actor"] = await load_actor(conn, owner["user"]["id"])
        found["nobody"] = await load_actor(conn, 10**9)
        found["signed in"] = await actor_of_page_session(conn, sign_in)
        return found

    async with db.reading() as conn:
        expected = await everything(conn)
    async with db.quick() as quick:
        fast = "QuickConnection" if stack.is_services else "AsyncConnection"
        assert type(quick).__name__ == fast
        assert await everything(quick) == expected
    account = expected["account"]
    assert account.interests == ["climbing", "été"] and account.created_at.tzinfo is not None
    assert expected["event anyone"].my_status is None
    assert expected["event member"].my_status == "waitlisted"
    assert expected[f"event with caller {viewer.id} {event['id']}"] == (
        viewer,
        expected["event member"],
    )
    assert expected[f"event with caller {viewer.id} {10**9}"] == (viewer, None)
    assert expected[f"event with caller {10**9} {event['id']}"] == (None, None)
    line, cursor, after = expected["waitlisted member"]
    assert len(line) == 1 and cursor and len(after) == 1 and after[0].waitlist_position == 2
    assert len(expected["interested anyone"][2]) == 1
    assert expected["nobody"] is None and expected["signed in"].id == viewer.id
    assert len(expected["posts anyone"][2]) == 1
    assert not stack.is_services or len(expected["nearest anyone"]) == 2


def test_every_prepared_statement_compiles_for_postgresql() -> None:
    """Every `Prepared` the app holds, compiled as quick reads compile them: a column
    type they cannot convert fails here, not at a request."""
    import gc

    import crewup.app  # noqa: F401 (every domain module, so every statement)

    statements = [obj for obj in gc.get_objects() if isinstance(obj, Prepared)]
    assert len(statements) >= 15
    for prepared in statements:
        _Compiled(prepared.statement, asyncpg_dialect())


async def test_a_burst_wider_than_the_pool_waits_its_turn(
    make_settings: Callable[..., Settings], aiohttp_client: Any, stack: Stack
) -> None:
    """Two connections for quick reads, sixty requests at once: every one answered."""
    if not stack.is_services:
        pytest.skip("SQLite reads need no pool of their own")
    client = await aiohttp_client(create_app(make_settings(database_pool_size=4)))
    person = await Api(client).register()

    async def me() -> int:
        resp = await client.get("/api/v1/users/me", headers=person["headers"])
        return resp.status

    assert await asyncio.gather(*(me() for _ in range(60))) == [200] * 60


async def test_a_connection_the_server_ends_between_two_reads_is_an_outage(
    make_settings: Callable[..., Settings], stack: Stack
) -> None:
    """Ended between a request's two statements: a 503 (an outage), never a 500; the
    next request gets a new connection."""
    if not stack.is_services:
        pytest.skip("SQLite reads need no pool of their own")
    db = open_database(make_settings(), pool_size=2)
    try:
        with pytest.raises(DatabaseConnectionLost) as lost:
            async with db.quick() as quick:  # what a handler holds
                assert isinstance(quick, QuickConnection)
                await end_backends([await quick.raw.fetchval("SELECT pg_backend_pid()")])
                await load_actor(quick, 1)
        assert outage_of(lost.value) == "the database is not answering"
        async with db.quick() as quick:
            assert await load_actor(quick, 10**9) is None
    finally:
        await db.dispose()


async def test_sqlalchemys_own_url_options_work_for_quick_reads_too(
    make_settings: Callable[..., Settings], aiohttp_client: Any, stack: Stack
) -> None:
    """`?prepared_statement_cache_size=0` (SQLAlchemy's option for PgBouncer) is not an
    asyncpg.connect argument: signed-in requests must still be answered."""
    if not stack.is_services:
        pytest.skip("an asyncpg URL option")
    base = make_settings()
    url = f"{base.database_url}?prepared_statement_cache_size=0"
    client = await aiohttp_client(create_app(make_settings(database_url=url)))
    person = await Api(client).register()
    resp = await client.get("/api/v1/users/me", headers=person["headers"])
    assert resp.status == 200, await resp.text()
