"""Two `crewup serve` processes sharing PostgreSQL and Redis, one client on each: every
message reaches both, in order, nothing lost or doubled; a ban on one closes sockets on
the other."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from tests.support.databases import Stack
from tests.support.processes import (
    crewup_processes,
    register_over_http,
    shared_state_settings,
)

COUNT = 60


async def _collect(ws: aiohttp.ClientWebSocketResponse, want: int) -> list[int]:
    ids: list[int] = []
    async with asyncio.timeout(30):
        while len(ids) < want:
            frame = await ws.receive_json()
            if frame["type"] == "message":
                ids.append(frame["id"])
    return ids


async def test_messages_cross_processes_with_nothing_lost(
    stack: Stack, fresh_database: str, tmp_path: Path
) -> None:
    settings = shared_state_settings(stack, fresh_database, tmp_path / "data")
    settings["rate_limit_chat"] = "10000/minute"
    with crewup_processes(settings, 2) as (first, second):
        async with aiohttp.ClientSession() as http:
            ann, bob = (
                await register_over_http(http, first, "ann"),
                await register_over_http(http, second, "bob"),
            )
            resp = await http.post(
                f"{first}/api/v1/groups",
                json={
                    "name": "Two",
                    "description": "x",
                    "category": "climbing",
                    "visibility": "private",
                },
                headers=ann["headers"],
            )
            group = (await resp.json())["id"]
            invite = await http.post(
                f"{first}/api/v1/groups/{group}/invites",
                json={"user_id": bob["user"]["id"]},
                headers=ann["headers"],
            )
            assert invite.status in (200, 201), await invite.text()
            joined = await http.post(f"{second}/api/v1/groups/{group}/join", headers=bob["headers"])
            assert joined.status == 200, await joined.text()
            on_a = await http.ws_connect(f"{first}/ws?access_token={ann['access_token']}")
            on_b = await http.ws_connect(f"{second}/ws?access_token={bob['access_token']}")
            for ws in (on_a, on_b):
                await ws.send_json({"type": "subscribe", "group_id": group})
                async with asyncio.timeout(10):
                    while (await ws.receive_json())["type"] != "unread":
                        pass
            collecting = [
                asyncio.create_task(_collect(on_a, COUNT)),
                asyncio.create_task(_collect(on_b, COUNT)),
            ]
            for n in range(COUNT):
                sender = on_a if n % 2 == 0 else on_b
                await sender.send_json({"type": "message", "group_id": group, "body": f"m{n}"})
            got_a, got_b = await asyncio.gather(*collecting)
            assert len(set(got_a)) == COUNT and sorted(got_a) == sorted(got_b)
            history = await http.get(
                f"{second}/api/v1/groups/{group}/messages?after=0&limit=100", headers=bob["headers"]
            )
            stored = [m["id"] for m in (await history.json())["items"]]
            assert sorted(got_a) == stored
            # Bob leaves through process A; his socket on process B hears of it at once.
            left = await http.post(f"{first}/api/v1/groups/{group}/leave", headers=bob["headers"])
            assert left.status == 204
            async with asyncio.timeout(2):
                while True:
                    frame = await on_b.receive_json()
                    if frame["type"] == "error":
                        assert frame["code"] == "forbidden"
                        break
            await on_a.close()
            await on_b.close()
