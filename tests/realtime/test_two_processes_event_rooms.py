"""An event room closes behind someone who lost access on another process: the RSVP is
withdrawn through one `crewup serve`, the socket on the other ends its subscription to
the event's room (through the same Redis pub/sub as group rooms) and keeps its others."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from tests.support.databases import Stack
from tests.support.processes import (
    crewup_processes,
    register_over_http,
    shared_state_settings,
)


async def _frame_until(ws: aiohttp.ClientWebSocketResponse, **wanted: Any) -> list[dict[str, Any]]:
    """Every frame up to and including the first that has all of `wanted`."""
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(10):
        while True:
            frame = await ws.receive_json()
            seen.append(frame)
            if all(frame.get(name) == value for name, value in wanted.items()):
                return seen


async def test_a_withdrawn_rsvp_ends_the_event_room_on_another_process(
    stack: Stack, fresh_database: str, tmp_path: Path
) -> None:
    settings = shared_state_settings(stack, fresh_database, tmp_path / "data")
    with crewup_processes(settings, 2) as (first, second):
        async with aiohttp.ClientSession() as http:
            ann = await register_over_http(http, first, "ann")
            bob = await register_over_http(http, second, "bob")
            resp = await http.post(
                f"{first}/api/v1/groups",
                json={"name": "Two", "description": "x", "category": "climbing"},
                headers=ann["headers"],
            )
            group = (await resp.json())["id"]
            joined = await http.post(f"{second}/api/v1/groups/{group}/join", headers=bob["headers"])
            assert joined.status == 200, await joined.text()
            starts = datetime.now(UTC) + timedelta(days=1)
            resp = await http.post(
                f"{first}/api/v1/events",
                json={
                    "group_id": group,
                    "title": "Bouldering night",
                    "location_name": "Hall A",
                    "lat": 52.52,
                    "lon": 13.405,
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + timedelta(hours=3)).isoformat(),
                },
                headers=ann["headers"],
            )
            assert resp.status == 201, await resp.text()
            event = (await resp.json())["id"]
            going = await http.post(
                f"{first}/api/v1/events/{event}/rsvp",
                json={"status": "going"},
                headers=bob["headers"],
            )
            assert going.status == 200, await going.text()
            on_a = await http.ws_connect(f"{first}/ws?access_token={ann['access_token']}")
            on_b = await http.ws_connect(f"{second}/ws?access_token={bob['access_token']}")
            for ws in (on_a, on_b):
                for room in ({"event_id": event}, {"group_id": group}):
                    await ws.send_json({"type": "subscribe", **room})
                    await _frame_until(ws, type="unread", **room)
            # Withdrawn through process A; Bob's socket is on process B.
            gone = await http.delete(f"{first}/api/v1/events/{event}/rsvp", headers=bob["headers"])
            assert gone.status in (200, 204), await gone.text()
            ended = (await _frame_until(on_b, type="error"))[-1]
            assert (ended["code"], ended["event_id"]) == ("forbidden", event)
            await on_a.send_json({"type": "message", "event_id": event, "body": "secret"})
            await _frame_until(on_a, type="message", body="secret")
            await on_a.send_json({"type": "message", "group_id": group, "body": "hello"})
            seen = await _frame_until(on_b, type="message", body="hello")
            assert [f for f in seen if f.get("event_id") == event] == []
            await on_a.close()
            await on_b.close()
