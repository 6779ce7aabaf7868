"""Events under load, on SQLite and (with --postgres) PostgreSQL.

(a) 2,000 people press "going" at the same moment on an event with 100 seats: wall time,
    5xx count and the final counts (goal: exactly 100 going / 1,900 waitlisted, < 5 s).
(b) GET /api/v1/events?near=... over 100,000 events beside bare /healthz in the same run.

The world is a demo world (`crewup-admin seed demo`, the one seeding path): events
clustered in a handful of European cities over the past and coming eight weeks. The
storm's event is made through the API, fresh, so nobody has answered it yet.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from common import (
    crewup_server,
    http_json,
    last_data_dir,
    print_table,
    recreate_postgres,
    seed_demo,
    wrk,
)

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--people", type=int, default=2000)
parser.add_argument("--seats", type=int, default=100)
parser.add_argument("--events", type=int, default=100_000)
parser.add_argument("--postgres", help="also run on this PostgreSQL database URL (emptied)")
args, _ = parser.parse_known_args()
NEAR_POINTS = "bench/near_points.lua"


def seed(database_url: str) -> None:
    seeded = seed_demo(
        database_url,
        *("--users", str(max(args.people + 5, args.events // 10))),
        *("--groups", str(max(10, args.events // 100)), "--events", str(args.events)),
        *("--posts", "0", "--seed", "11"),
    )
    print(f"seeded {seeded.tables['events'][0]:,} events in {seeded.seconds:.1f} s")


def tokens(data_dir: Path, base: str, user_ids: range, role: str = "user") -> list[str]:
    """Access tokens minted with the server's own keyring (no 2,000 argon2 logins)."""
    from crewup.auth.keyring import keyring_for
    from crewup.auth.tokens import TokenIssuer
    from crewup.core.settings import Settings

    settings = Settings(data_dir=data_dir)
    keyring = keyring_for(settings)
    keyring.load()
    issuer = TokenIssuer(keyring, base, "crewup", timedelta(minutes=15))
    return [issuer.issue(user_id, role) for user_id in user_ids]


def storm_event(base: str, admin_token: str) -> int:
    """A new event with `--seats` seats that nobody has answered yet, made through the
    API by Ann (user 1, the demo admin) in a public group of her own."""
    group = http_json(
        f"{base}/api/v1/groups",
        {"name": "Storm Chasers", "category": "social", "lat": 52.52, "lon": 13.405},
        admin_token,
    )
    starts = datetime.now(UTC) + timedelta(days=2)
    event = http_json(
        f"{base}/api/v1/events",
        {
            "group_id": group["id"],
            "title": "The one everybody wants",
            "location_name": "Alexanderplatz, Berlin",
            "lat": 52.5219,
            "lon": 13.4132,
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "capacity": args.seats,
        },
        admin_token,
    )
    return int(event["id"])


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


# The demo world's city centres (crewup/seed/places.py), as in near_points.lua.
CITIES = ((52.52, 13.405), (53.55, 9.99), (48.14, 11.58), (51.51, -0.09), (48.86, 2.35))


def check_nearby_answers(base: str, database_url: str, points: int = 30) -> int:
    """The API's nearest-first pages against a plain SQL truth (visible, scheduled,
    not over, within the radius, ordered by distance then id) at random points: ids and
    order of three pages must match. Raises on any difference; answers rows compared."""
    import random
    from urllib.parse import quote

    from sqlalchemy import func, select

    from crewup.core.db import Database
    from crewup.core.dispatch import Dispatcher
    from crewup.events.tables import events
    from crewup.groups.tables import groups

    rng = random.Random(30)
    compared = 0

    def truth_query(lat: float, lon: float, radius: float, n: int) -> Any:
        distance = func.crewup_distance_km(lat, lon, events.c.lat, events.c.lon)
        return (
            select(events.c.id)
            .join(groups, groups.c.id == events.c.group_id)
            .where(
                groups.c.visibility == "public",
                events.c.status == "scheduled",
                events.c.ends_at > datetime.now(UTC),
                distance <= radius,
            )
            .order_by(distance, events.c.id)
            .limit(n)
        )

    async def truth(lat: float, lon: float, radius: float, n: int) -> list[int]:
        db = Database(database_url, Dispatcher(), pool_size=1)
        try:
            async with db.reading() as conn:
                rows = await conn.execute(truth_query(lat, lon, radius, n))
                return [row[0] for row in rows.all()]
        finally:
            await db.dispose()

    for _ in range(points):
        lat, lon = rng.choice(CITIES)
        lat, lon = lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.3, 0.3)
        radius = rng.choice((1, 5, 10))
        got: list[int] = []
        cursor = ""
        more = True
        for _page in range(3):
            url = f"{base}/api/v1/events?near={lat:.5f},{lon:.5f}&radius_km={radius}&limit=20"
            page = http_json(url + cursor)
            got += [item["id"] for item in page["items"]]
            more = bool(page["next_cursor"])
            if not more:
                break
            cursor = f"&cursor={quote(page['next_cursor'])}"
        expected = asyncio.run(truth(round(lat, 5), round(lon, 5), radius, len(got) + 1))
        # Equal so far, and where the API said "no more", the truth has no more either.
        if got != expected[: len(got)] or (not more and len(expected) != len(got)):
            raise SystemExit(f"nearby answer differs from SQL at {lat:.5f},{lon:.5f} r={radius}")
        compared += len(got)
    return compared


def run(label: str, env: dict[str, str]) -> None:
    from crewup.core.settings import Settings

    if "CREWUP_DATABASE_URL" in env:
        recreate_postgres(env["CREWUP_DATABASE_URL"])
    with crewup_server(
        {**env, "CREWUP_PUBLIC_URL": "http://bench.invalid"}, before_start=seed
    ) as base:
        # The server generated its signing key into its data dir at start.
        issuer = "http://bench.invalid"
        event_id = storm_event(base, tokens(last_data_dir(), issuer, range(1, 2), "admin")[0])
        # Generated people (ids from 6 on): the event's group is public, so anyone may RSVP.
        bearer = tokens(last_data_dir(), issuer, range(6, 6 + args.people))
        seconds, statuses = asyncio.run(storm(base, event_id, bearer))
        final = http_json(f"{base}/api/v1/events/{event_id}")
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
        database_url = Settings(
            data_dir=last_data_dir(), database_url=env.get("CREWUP_DATABASE_URL")
        ).effective_database_url
        rows_checked = check_nearby_answers(base, database_url)
        print(f"  nearby answers equal the SQL truth at 30 points ({rows_checked} rows, 3 pages)")
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
