"""What closing event rooms behind withdrawn RSVPs costs (issue 11, bug 1).

One person with a socket subscribed to an event's chat room goes through `--cycles`
rounds of: subscribe to the room, RSVP `going`, withdraw the RSVP. Since the fix each
withdrawal makes every process re-check that person's subscription to the room (one
read), and the socket receives `forbidden`. Printed: the server process's CPU time per
round (from /proc, robust to neighbours) and the wall time, on SQLite and, with
`--postgres URL`, on PostgreSQL. Run it with another checkout's interpreter
(`/work/main/.venv/bin/python bench/bench_event_room_access.py`) for the figure before.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cpu_seconds, crewup_server, last_server_pid, recreate_postgres


async def _register(http: aiohttp.ClientSession, base: str, name: str) -> dict[str, Any]:
    resp = await http.post(
        f"{base}/api/v1/auth/register",
        json={
            "email": f"{name}@example.com",
            "password": "correct horse battery",
            "display_name": name,
        },
    )
    body: dict[str, Any] = await resp.json()
    return {
        "token": body["access_token"],
        "headers": {"Authorization": f"Bearer {body['access_token']}"},
    }


async def _until(ws: aiohttp.ClientWebSocketResponse, kind: str) -> None:
    async with asyncio.timeout(10):
        while (await ws.receive_json())["type"] != kind:
            pass


async def run(base: str, cycles: int) -> tuple[float, float]:
    async with aiohttp.ClientSession() as http:
        owner, ann = await _register(http, base, "owner"), await _register(http, base, "ann")
        group = (
            await (
                await http.post(
                    f"{base}/api/v1/groups",
                    json={"name": "Bench", "description": "x", "category": "climbing"},
                    headers=owner["headers"],
                )
            ).json()
        )["id"]
        await http.post(f"{base}/api/v1/groups/{group}/join", headers=ann["headers"])
        starts = datetime.now(UTC) + timedelta(days=1)
        event = (
            await (
                await http.post(
                    f"{base}/api/v1/events",
                    json={
                        "group_id": group,
                        "title": "Bench night",
                        "location_name": "Hall",
                        "lat": 52.5,
                        "lon": 13.4,
                        "starts_at": starts.isoformat(),
                        "ends_at": (starts + timedelta(hours=2)).isoformat(),
                    },
                    headers=owner["headers"],
                )
            ).json()
        )["id"]
        ws = await http.ws_connect(f"{base.replace('http', 'ws')}/ws?access_token={ann['token']}")
        pid = last_server_pid()
        url = f"{base}/api/v1/events/{event}/rsvp"
        cpu, wall = cpu_seconds(pid), time.perf_counter()
        for _ in range(cycles):
            resp = await http.post(url, json={"status": "going"}, headers=ann["headers"])
            assert resp.status == 200, await resp.text()
            await ws.send_json({"type": "subscribe", "event_id": event})
            await _until(ws, "unread")
            resp = await http.delete(url, headers=ann["headers"])
            assert resp.status in (200, 204), await resp.text()
        await asyncio.sleep(1.0)  # let re-checks still on their way finish (counted)
        cpu, wall = cpu_seconds(pid) - cpu, time.perf_counter() - wall - 1.0
        await ws.close()
    return cpu / cycles, wall / cycles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=300)
    parser.add_argument("--postgres", help="a database URL to recreate and use as well")
    args = parser.parse_args()
    engines: list[tuple[str, dict[str, str]]] = [("sqlite", {})]
    if args.postgres:
        engines.append(("postgresql", {"CREWUP_DATABASE_URL": args.postgres}))
    for name, env in engines:
        if name == "postgresql":
            recreate_postgres(args.postgres)
        with crewup_server(env) as base:
            cpu, wall = asyncio.run(run(base, args.cycles))
        print(f"{name}: server CPU {cpu * 1000:.2f} ms a round, wall {wall * 1000:.1f} ms a round")


if __name__ == "__main__":
    main()
