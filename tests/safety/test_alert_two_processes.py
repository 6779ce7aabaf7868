"""Two `crewup serve` processes sharing PostgreSQL and Redis: an alert raised through one
reaches recipients' sockets on both, and so does its resolution through the other."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp

from tests.safety.world import HERE
from tests.support.databases import Stack
from tests.support.processes import (
    crewup_processes,
    register_over_http,
    shared_state_settings,
)


async def _frame(ws: aiohttp.ClientWebSocketResponse, status: str) -> dict[str, Any]:
    async with asyncio.timeout(5):
        while True:
            frame: dict[str, Any] = await ws.receive_json()
            if frame["type"] == "safety_alert" and frame["status"] == status:
                return frame


async def test_an_alert_reaches_sockets_on_every_process(
    stack: Stack, fresh_database: str, tmp_path: Path
) -> None:
    settings = shared_state_settings(stack, fresh_database, tmp_path / "data")
    with crewup_processes(settings, 2) as (first, second):
        async with aiohttp.ClientSession() as http:
            author = await register_over_http(http, first, "author")
            ann, bob = (
                await register_over_http(http, first, "ann"),
                await register_over_http(http, second, "bob"),
            )
            resp = await http.post(
                f"{first}/api/v1/groups",
                json={"name": "Two", "description": "x", "category": "climbing"},
                headers=author["headers"],
            )
            group = (await resp.json())["id"]
            for person, base in ((ann, first), (bob, second)):
                joined = await http.post(
                    f"{base}/api/v1/groups/{group}/join", headers=person["headers"]
                )
                assert joined.status == 200, await joined.text()
            on_a = await http.ws_connect(f"{first}/ws?access_token={ann['access_token']}")
            on_b = await http.ws_connect(f"{second}/ws?access_token={bob['access_token']}")
            raised = await http.post(
                f"{first}/api/v1/safety/alerts",
                json={"message": "Flood on the path", "severity": "warning", **HERE},
                headers=author["headers"],
            )
            assert raised.status == 201, await raised.text()
            alert = await raised.json()
            frames = await asyncio.gather(_frame(on_a, "open"), _frame(on_b, "open"))
            assert {f["id"] for f in frames} == {alert["id"]}
            done = await http.post(
                f"{second}/api/v1/safety/alerts/{alert['id']}/resolve",
                json={"note": "Water is down"},
                headers=author["headers"],
            )
            assert done.status == 200, await done.text()
            frames = await asyncio.gather(_frame(on_a, "resolved"), _frame(on_b, "resolved"))
            assert {f["resolution_note"] for f in frames} == {"Water is down"}
            await on_a.close()
            await on_b.close()
