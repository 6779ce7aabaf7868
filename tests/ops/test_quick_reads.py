"""The hot reads' fast path (crewup/core/quick_reads.py): on PostgreSQL they run as
asyncpg prepared statements on connections of their own, on SQLite through SQLAlchemy.
Both must give the same answers, and the small pool must never turn a burst into errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from crewup.app import create_app
from crewup.core.geo import Point
from crewup.core.settings import Settings
from crewup.events import participants
from crewup.events.access import RsvpStatus, load_event
from crewup.events.nearby import nearest_events
from crewup.groups.access import load_group
from crewup.posts.service import list_posts
from crewup.users.service import get_account, load_actor
from crewup.web.appkeys import DB
from tests.support.api import Api, make_event, make_group
from tests.support.databases import Stack


async def test_either_path_reads_the_same(api: Api, stack: Stack) -> None:
    """Every hot read, through `reading()` (SQLAlchemy) and `quick()` (asyncpg on
    PostgreSQL): the same accounts, events, groups, posts and participants, field by
    field, for a signed-out and a signed-in viewer."""
    owner = await api.register("Owner")
    member = await api.register("Member")
    resp = await api.client.patch(
        "/api/v1/users/me",
        json={"interests": ["climbing", "été"], "home_lat": 52.5, "home_lon": 13.4},
        headers=owner["headers"],
    )
    assert resp.status == 200, await resp.text()
    group = await make_group(api.client, owner)
    event = await make_event(api.client, owner, group["id"], capacity=1)
    await api.client.post(f"/api/v1/groups/{group['id']}/join", headers=member["headers"])
    for who in (owner, member):  # one going, one waitlisted
        resp = await api.client.post(
            f"/api/v1/events/{event['id']}/rsvp", json={"status": "going"}, headers=who["headers"]
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
    async with db.reading() as conn:
        viewer = await load_actor(conn, member["user"]["id"])
    assert viewer is not None

    async def everything(conn: Any) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for who, actor in (("anyone", None), ("member", viewer)):
            found[f"event {who}"] = await load_event(conn, event["id"], actor)
            found[f"group {who}"] = await load_group(conn, group["id"], actor)
            page = await list_posts(conn, group["id"], actor, limit=2)
            found[f"posts {who}"] = (page.items, page.next_cursor)
            lists = await participants.first_pages(conn, event["id"], actor, limit=5)
            found[f"lists {who}"] = {s: (p.items, p.next_cursor) for s, p in lists.items()}
            line = await participants.list_participants(
                conn, event["id"], actor, status=RsvpStatus.waitlisted, limit=5
            )
            found[f"line {who}"] = line.items
            if stack.is_services:  # SQLite's nearby search is the general list query
                nearest = await nearest_events(conn, actor, Point(52.5, 13.4), 10, None, 5)
                found[f"nearest {who}"] = [tuple(row) for row in nearest]
        found["account"] = await get_account(conn, owner["user"]["id"])
        found["actor"] = await load_actor(conn, owner["user"]["id"])
        found["nobody"] = await load_actor(conn, 10**9)
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
    assert len(expected["line member"]) == 1 and expected["nobody"] is None
    assert not stack.is_services or len(expected["nearest anyone"]) == 1


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
