"""Soonest-first lists skip long-over events through the `ended` mark (events/ended.py):
the mark may lag an event's end, never lead it, whatever the job runs and edits do."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from crewup.core import clock
from crewup.events.tables import events
from crewup.web.appkeys import DB
from tests.support.api import Api, future, make_event, make_group
from tests.support.cli import run_job_now


async def _titles(client: TestClient, headers: dict[str, str] | None = None) -> list[str]:
    resp = await client.get("/api/v1/events?limit=50", headers=headers or {})
    assert resp.status == 200, await resp.text()
    return [event["title"] for event in (await resp.json())["items"]]


async def test_the_ended_mark_never_hides_an_event_still_on(
    client: TestClient, api: Api, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await api.register("Organiser")
    group = await make_group(client, owner)
    gid = group["id"]
    await make_event(client, owner, gid, title="Short", starts_at=future(1), ends_at=future(3))
    long = await make_event(
        client, owner, gid, title="Long", starts_at=future(2), ends_at=future(50)
    )
    await make_event(client, owner, gid, title="Later", starts_at=future(5), ends_at=future(6))
    assert await _titles(client, owner["headers"]) == ["Short", "Long", "Later"]

    # 4.5 h on: Short ended 1.5 h ago, Long is on, Later is ahead.
    later = clock.now() + timedelta(hours=4, minutes=30)
    monkeypatch.setattr(clock, "now", lambda: later)
    expected = ["Long", "Later"]
    assert await _titles(client, owner["headers"]) == expected
    ran = await run_job_now(settings, "mark-ended-events")
    assert ran.exit_code == 0, ran.output
    assert await _titles(client, owner["headers"]) == expected
    assert await _titles(client) == expected  # signed out, the leaner query

    # The organiser moves Long's end to 30 minutes ago: it leaves the list at once.
    moved = (later - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    patched = await client.patch(
        f"/api/v1/events/{long['id']}", json={"ends_at": moved}, headers=owner["headers"]
    )
    assert patched.status == 200, await patched.text()
    assert await _titles(client, owner["headers"]) == ["Later"]

    # Later still shows while it is on, whatever the job marked meanwhile.
    on = later + timedelta(minutes=50)
    monkeypatch.setattr(clock, "now", lambda: on)
    ran = await run_job_now(settings, "mark-ended-events")
    assert ran.exit_code == 0, ran.output
    assert await _titles(client, owner["headers"]) == ["Later"]
    assert await _titles(client) == ["Later"]


async def test_the_mark_skips_events_someone_holds_and_marks_them_later(
    client: TestClient, api: Api, settings, stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job never waits for a row lock: an account erasure withdrawing RSVPs event by
    event could otherwise deadlock with it. (PostgreSQL: SQLite has one writer.)"""
    if not stack.is_services:
        pytest.skip("row locks between transactions: PostgreSQL only")
    owner = await api.register("Organiser")
    group = await make_group(client, owner)
    held, free = [
        (await make_event(client, owner, group["id"], starts_at=future(1), ends_at=future(3)))["id"]
        for _ in range(2)
    ]
    later = clock.now() + timedelta(hours=4)
    monkeypatch.setattr(clock, "now", lambda: later)

    async def marks() -> dict[int, bool]:
        async with client.app[DB].reading() as conn:
            rows = await conn.execute(
                select(events.c.id, events.c.ended).where(events.c.id.in_([held, free]))
            )
            return {row.id: bool(row.ended) for row in rows}

    async with client.app[DB].transaction() as conn:
        await conn.execute(select(events.c.id).where(events.c.id == held).with_for_update())
        async with asyncio.timeout(20):
            ran = await run_job_now(settings, "mark-ended-events")
        assert ran.exit_code == 0, ran.output
        assert await marks() == {held: False, free: True}
    ran = await run_job_now(settings, "mark-ended-events")
    assert ran.exit_code == 0, ran.output
    assert await marks() == {held: True, free: True}
