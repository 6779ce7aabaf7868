"""GET /api/v1/groups?near=... with 10,000 groups, beside bare /healthz in the same run.

Groups are scattered over Germany (and a few everywhere else); the query asks for the
nearest 20 within 10 km of Berlin, as the directory page does.
"""

from __future__ import annotations

import argparse
import asyncio
import random

from common import crewup_server, http_json, print_table, wrk
from sqlalchemy import insert

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--groups", type=int, default=10_000)
parser.add_argument("--postgres", help="also run on this PostgreSQL database URL (emptied)")
args, _ = parser.parse_known_args()


def seed(database_url: str) -> None:
    from crewup.core import clock
    from crewup.core.settings import Settings
    from crewup.groups.tables import group_members, groups
    from crewup.users.tables import users
    from crewup.wiring import open_database

    async def fill() -> None:
        db = open_database(Settings(database_url=database_url))
        rng = random.Random(7)
        now = clock.now()
        async with db.transaction() as conn:
            owner = (
                await conn.execute(
                    insert(users)
                    .values(
                        email="owner@example.com",
                        display_name="Owner",
                        interests=[],
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(users.c.id)
                )
            ).scalar_one()
            rows = []
            for i in range(args.groups):
                if i % 10 == 0:
                    lat, lon = rng.uniform(-60, 70), rng.uniform(-180, 180)
                else:
                    lat, lon = rng.uniform(47.3, 55.0), rng.uniform(5.9, 15.0)
                rows.append(
                    {
                        "name": f"Group {i}",
                        "description": "bench group",
                        "category": rng.choice(["games", "outdoors", "music"]),
                        "visibility": "private" if i % 7 == 0 else "public",
                        "member_count": 1,
                        "owner_id": owner,
                        "lat": lat,
                        "lon": lon,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            for start in range(0, len(rows), 1000):
                ids = (
                    (
                        await conn.execute(
                            insert(groups).returning(groups.c.id), rows[start : start + 1000]
                        )
                    )
                    .scalars()
                    .all()
                )
                await conn.execute(
                    insert(group_members),
                    [
                        {"group_id": gid, "user_id": owner, "role": "owner", "joined_at": now}
                        for gid in ids
                    ],
                )
        await db.dispose()

    asyncio.run(fill())


def run(label: str, env: dict[str, str]) -> None:
    with crewup_server(env, before_start=seed) as base:
        near = f"{base}/api/v1/groups?near=52.52,13.405&radius_km=10&limit=20"
        found = http_json(near)["items"]
        # A benchmark of an empty answer measures nothing; say what it measured.
        assert found, "the nearby query found no groups: seeding failed"
        print(
            f"{label}: the query returns {len(found)} groups, nearest "
            f"{found[0]['distance_km']} km, farthest {found[-1]['distance_km']} km"
        )
        rows = [
            ("GET /healthz", wrk(f"{base}/healthz", "bench/plain.lua", seconds=args.seconds)),
            (
                "GET /api/v1/groups?near= (10 km)",
                wrk(near, "bench/plain.lua", seconds=args.seconds),
            ),
        ]
    print_table(f"nearby groups, {args.groups} groups, {label}, one process", rows, "GET /healthz")


run("SQLite (embedded default)", {})
if args.postgres:
    run("PostgreSQL", {"CREWUP_DATABASE_URL": args.postgres})
