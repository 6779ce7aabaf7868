"""RSVP storms on one event, on SQLite and (with --postgres) PostgreSQL, through HTTP only.

(a) first RSVPs: N people press "going" at the same moment on an event with S seats:
    wall time, 5xx count, final counts (goal: exactly S going and N - S waiting).
(b) a mixed storm: the same N people, all already RSVPed, change their minds at once
    (switch to interested, withdraw, press going again, withdraw and come back, ...)
    while the organiser raises and lowers the capacity; wall time, 5xx count, and every
    seat invariant checked on the final state (going <= capacity, counters equal the
    lists, no free seat while someone waits, positions 1..n, nobody twice).

Everything goes through the public API, so the same script measures any commit.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from common import crewup_server, machine

parser = argparse.ArgumentParser()
parser.add_argument("--people", type=int, default=2000)
parser.add_argument("--seats", type=int, default=100)
parser.add_argument("--postgres", help="also run on this PostgreSQL database URL (emptied)")
args, _ = parser.parse_known_args()
PASSWORD = "correct horse battery"
FAST_HASHING = {"CREWUP_ARGON2_TIME_COST": "1", "CREWUP_ARGON2_MEMORY_KIB": "1024"}


def _at(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Client:
    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.base = http, base
        self.statuses: Counter[int] = Counter()

    async def call(self, method: str, path: str, token: str | None = None, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.http.request(method, self.base + path, json=body, headers=headers) as resp:
            self.statuses[resp.status] += 1
            return await resp.json(content_type=None) if resp.status != 204 else None


async def _register(client: Client, n: int) -> str:
    body = await client.call(
        "POST",
        "/api/v1/auth/register",
        body={"email": f"storm{n}@example.com", "password": PASSWORD, "display_name": f"S{n}"},
    )
    return str(body["access_token"])


async def _in_batches(coros: list[Any], size: int = 200) -> list[Any]:
    done: list[Any] = []
    for start in range(0, len(coros), size):
        done += await asyncio.gather(*coros[start : start + size])
    return done


async def _all(client: Client, event: int, status: str, token: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = await client.call(
            "GET",
            f"/api/v1/events/{event}/participants?status={status}&limit=500{cursor}",
            token,
        )
        found += page[status]["items"]
        if not page[status]["next_cursor"]:
            return found
        cursor = f"&cursor={page[status]['next_cursor']}"


async def _check(client: Client, event: int, owner: str) -> list[str]:
    state = await client.call("GET", f"/api/v1/events/{event}", owner)
    going = await _all(client, event, "going", owner)
    waiting = await _all(client, event, "waitlisted", owner)
    interested = await _all(client, event, "interested", owner)
    broken = []
    if state["capacity"] is not None and len(going) > state["capacity"]:
        broken.append(f"{len(going)} going on {state['capacity']} seats")
    for name, rows in (("going", going), ("waitlist", waiting), ("interested", interested)):
        if state[f"{name}_count"] != len(rows):
            broken.append(f"{name}_count {state[f'{name}_count']} but {len(rows)} listed")
    if waiting and (state["capacity"] is None or len(going) < state["capacity"]):
        broken.append(f"{state['capacity'] - len(going)} free seats while {len(waiting)} wait")
    if [p["waitlist_position"] for p in waiting] != list(range(1, len(waiting) + 1)):
        broken.append("waitlist positions have gaps")
    everyone = [p["user_id"] for p in going + waiting + interested]
    if len(everyone) != len(set(everyone)):
        broken.append("someone listed twice")
    return broken


async def _world(client: Client) -> tuple[str, int, list[str]]:
    owner = await _register(client, 0)
    group = await client.call(
        "POST", "/api/v1/groups", owner, {"name": "Storm", "category": "sports"}
    )
    event = await client.call(
        "POST",
        "/api/v1/events",
        owner,
        {
            "group_id": group["id"],
            "title": "Popular night",
            "location_name": "Hall",
            "lat": 52.5,
            "lon": 13.4,
            "starts_at": _at(48),
            "ends_at": _at(51),
            "capacity": args.seats,
        },
    )
    people = await _in_batches([_register(client, n) for n in range(1, args.people + 1)])
    return owner, event["id"], people


async def _change_of_mind(client: Client, event: int, token: str, choice: int) -> None:
    rsvp = f"/api/v1/events/{event}/rsvp"
    if choice == 0:
        await client.call("POST", rsvp, token, {"status": "interested"})
    elif choice == 1:
        await client.call("DELETE", rsvp, token)
    elif choice == 2:
        await client.call("POST", rsvp, token, {"status": "going"})
    elif choice == 3:
        await client.call("DELETE", rsvp, token)
        await client.call("POST", rsvp, token, {"status": "going"})
    else:
        await client.call("POST", rsvp, token, {"status": "interested"})
        await client.call("POST", rsvp, token, {"status": "going"})


async def _organiser(client: Client, event: int, owner: str) -> None:
    for capacity in (120, 90, 150, 110, 180, 140, 200):
        await client.call("PATCH", f"/api/v1/events/{event}", owner, {"capacity": capacity})
        await asyncio.sleep(0.05)


async def storms(base: str) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        client = Client(http, base)
        owner, event, people = await _world(client)
        client.statuses.clear()
        rsvp = f"/api/v1/events/{event}/rsvp"
        started = time.perf_counter()
        await asyncio.gather(*(client.call("POST", rsvp, t, {"status": "going"}) for t in people))
        first_seconds = time.perf_counter() - started
        first_statuses = dict(client.statuses)
        state = await client.call("GET", f"/api/v1/events/{event}", owner)
        first_final = (state["going_count"], state["waitlist_count"])
        first_broken = await _check(client, event, owner)

        client.statuses.clear()
        rng = random.Random(5)
        started = time.perf_counter()
        await asyncio.gather(
            _organiser(client, event, owner),
            *(_change_of_mind(client, event, t, rng.randrange(5)) for t in people),
        )
        mixed_seconds = time.perf_counter() - started
        mixed_statuses = dict(client.statuses)
        mixed_requests = sum(mixed_statuses.values())
        mixed_broken = await _check(client, event, owner)
        return {
            "first": (first_seconds, first_statuses, first_final, first_broken),
            "mixed": (mixed_seconds, mixed_statuses, mixed_requests, mixed_broken),
        }


def run(label: str, env: dict[str, str]) -> bool:
    with crewup_server({**env, **FAST_HASHING}) as base:
        result = asyncio.run(storms(base))
    seconds, statuses, final, broken = result["first"]
    errors = sum(n for code, n in statuses.items() if code >= 500)
    print(f"\nRSVP storms, {label}\n{machine()}")
    print(f"(a) {args.people} concurrent first 'going' on {args.seats} seats")
    print(f"    wall time {seconds:.2f} s, statuses {statuses}, 5xx: {errors}")
    print(
        f"    final: going {final[0]}, waitlisted {final[1]}"
        f" (exact: {args.seats}/{args.people - args.seats})"
        f"; invariants {'hold' if not broken else 'BROKEN: ' + '; '.join(broken)}"
    )
    seconds, statuses, requests, mixed_broken = result["mixed"]
    errors_mixed = sum(n for code, n in statuses.items() if code >= 500)
    print(
        f"(b) mixed storm: the {args.people} change their minds at once while the capacity"
        f" moves 7 times ({requests} requests)"
    )
    print(
        f"    wall time {seconds:.2f} s ({requests / seconds:.0f} req/s), statuses {statuses},"
        f" 5xx: {errors_mixed}"
    )
    print(
        "    invariants " + ("hold" if not mixed_broken else "BROKEN: " + "; ".join(mixed_broken))
    )
    exact = final == (args.seats, args.people - args.seats)
    return exact and not broken and not mixed_broken and errors == 0 and errors_mixed == 0


ok = run("SQLite (embedded default)", {})
if args.postgres:
    ok = run("PostgreSQL", {"CREWUP_DATABASE_URL": args.postgres}) and ok
if not ok:
    raise SystemExit("an RSVP storm broke an invariant or answered 5xx")
