"""Events under load, on SQLite and (with --postgres) PostgreSQL.

(a) 2,000 people press "going" at the same moment on an event with 100 seats: wall time,
    5xx count and the final counts (goal: exactly 100 going / 1,900 waitlisted, < 5 s).
(b) GET /api/v1/events?near=... over 100,000 events beside bare /healthz in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import timedelta
from pathlib import Path

import aiohttp
from common import crewup_server, http_json, last_data_dir, print_table, wrk
from sqlalchemy import insert

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--people", type=int, default=2000)
parser.add_argument("--seats", type=int, default=100)
parser.add_argument("--events", type=int, default=100_000)
parser.add_argument("--postgres", help="also run on this PostgreSQL database URL (emptied)")
args, _ = parser.parse_known_args()
NEAR_POINTS = "bench/near_points.lua"


async def _seed(database_url: str, people: int, events_n: int) -> None:
    from crewup.core import clock
    from crewup.core.settings import Settings
    from crewup.events.tables import events
    from crewup.groups.tables import group_members, groups
    from crewup.users.tables import users
    from crewup.wiring import open_database

    db = open_database(Settings(database_url=database_url))
    now = clock.now()
    rng = random.Random(11)
    async with db.transaction() as conn:
        user_rows = [
            {
                "email": f"p{i}@example.com",
                "display_name": f"P{i}",
                "interests": [],
                "created_at": now,
                "updated_at": now,
            }
            for i in range(people + 1)
        ]
        user_ids = []
        for start in range(0, len(user_rows), 1000):
            user_ids += (
                (
                    await conn.execute(
                        insert(users).returning(users.c.id), user_rows[start : start + 1000]
                    )
                )
                .scalars()
                .all()
            )
        owner = user_ids[0]
        group_id = (
            await conn.execute(
                insert(groups)
                .values(
                    name="Bench",
                    description="",
                    category="games",
                    visibility="public",
                    member_count=1,
                    owner_id=owner,
                    created_at=now,
                    updated_at=now,
                )
                .returning(groups.c.id)
            )
        ).scalar_one()
        await conn.execute(
            insert(group_members).values(
                group_id=group_id, user_id=owner, role="owner", joined_at=now
            )
        )
        rows = []
        for i in range(events_n):
            if i % 10 == 0:
                lat, lon = rng.uniform(-60, 70), rng.uniform(-180, 180)
            else:
                lat, lon = rng.uniform(47.3, 55.0), rng.uniform(5.9, 15.0)
            start = now + timedelta(hours=rng.uniform(1, 24 * 90))
            rows.append(
                {
                    "group_id": group_id,
                    "creator_id": owner,
                    "title": f"Event {i}",
                    "description": "",
                    "location_name": "somewhere",
                    "lat": lat,
                    "lon": lon,
                    "starts_at": start,
                    "ends_at": start + timedelta(hours=2),
                    "capacity": args.seats if i == 0 else None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        for start in range(0, len(rows), 2000):
            await conn.execute(insert(events), rows[start : start + 2000])
    await db.dispose()


def seed(database_url: str) -> None:
    asyncio.run(_seed(database_url, args.people, args.events))


def tokens(data_dir: Path, base: str, people: int) -> list[str]:
    """Access tokens minted with the server's own keyring (no 2,000 argon2 logins)."""
    from crewup.auth.keyring import keyring_for
    from crewup.auth.tokens import TokenIssuer
    from crewup.core.settings import Settings

    settings = Settings(data_dir=data_dir)
    keyring = keyring_for(settings)
    keyring.load()
    issuer = TokenIssuer(keyring, base, "crewup", timedelta(minutes=15))
    return [issuer.issue(user_id, "user") for user_id in range(2, people + 2)]


async def storm(base: str, event_id: int, bearer: list[str]) -> tuple[float, dict[int, int]]:
    statuses: dict[int, int] = {}
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=120)
    ) as http:

        async def one(token: str) -> None:
            async with http.post(
                f"{base}/api/v1/events/{event_id}/rsvp",
                json={"status": "going"},
                headers={"Authorization": f"Bearer {token}"},
            ) as resp:
                await resp.read()
                statuses[resp.status] = statuses.get(resp.status, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(one(t) for t in bearer))
        return time.perf_counter() - started, statuses


def run(label: str, env: dict[str, str]) -> None:
    with crewup_server(
        {**env, "CREWUP_PUBLIC_URL": "http://bench.invalid"}, before_start=seed
    ) as base:
        # The server generated its signing key into its data dir at start.
        bearer = tokens(last_data_dir(), "http://bench.invalid", args.people)
        seconds, statuses = asyncio.run(storm(base, 1, bearer))
        final = http_json(f"{base}/api/v1/events/1")
        errors = sum(n for code, n in statuses.items() if code >= 500)
        print(f"\nRSVP storm, {label}: {args.people} concurrent 'going' on {args.seats} seats")
        print(f"  wall time {seconds:.2f} s, statuses {statuses}, 5xx: {errors}")
        print(
            f"  final: going {final['going_count']}, waitlisted {final['waitlist_count']}"
            f" (goal {args.seats}/{args.people - args.seats}, < 5 s)"
        )
        near = f"{base}/api/v1/events?near=52.52,13.405&radius_km=10&limit=20"
        found = http_json(near)["items"]
        assert found, "the nearby query found no events: seeding failed"
        print(f"  nearby query returns {len(found)} events, nearest {found[0]['distance_km']} km")
        healthz = wrk(f"{base}/healthz", "bench/plain.lua", seconds=args.seconds)
        shared = wrk(near, "bench/plain.lua", seconds=args.seconds)
        distinct = wrk(base, NEAR_POINTS, seconds=args.seconds)
        rows = [
            ("GET /healthz", healthz),
            ("near=, one place for everyone", shared),
            (
                "  same, paced at 70% of that",
                wrk(near, rate=0.7 * shared["rps"], seconds=args.seconds),
            ),
            ("near=, a new place every request", distinct),
            (
                "  same, paced at 70% of that",
                wrk(base, NEAR_POINTS, rate=0.7 * distinct["rps"], seconds=args.seconds),
            ),
        ]
    print_table(f"nearby events, {args.events} events, {label}, one process", rows, "GET /healthz")


run("SQLite (embedded default)", {})
if args.postgres:
    run("PostgreSQL", {"CREWUP_DATABASE_URL": args.postgres})
