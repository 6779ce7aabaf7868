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
import json
import os
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from common import (
    crewup_server,
    http_json,
    last_data_dir,
    print_table,
    recreate_postgres,
    seed_demo,
    tokens,
    wrk,
)
from nearby_check import check_nearby_answers

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--people", type=int, default=2000)
parser.add_argument("--seats", type=int, default=100)
parser.add_argument("--events", type=int, default=100_000)
parser.add_argument("--postgres", help="also run on this PostgreSQL database URL (emptied)")
parser.add_argument(
    "--redis",
    help="with --postgres: share state through this Redis, so `crewup serve` runs one "
    "process per core (its default with Redis and PostgreSQL)",
)
parser.add_argument("--only-postgres", action="store_true", help="skip the SQLite run")
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


async def storm(
    base: str, event_id: int, bearer: list[str]
) -> tuple[float, dict[int, int], list[dict[str, Any]]]:
    statuses: dict[int, int] = {}
    answers: list[dict[str, Any]] = []
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
                body = await resp.read()
                statuses[resp.status] = statuses.get(resp.status, 0) + 1
                if resp.status == 200:
                    answers.append(json.loads(body))

        started = time.perf_counter()
        await asyncio.gather(*(one(t) for t in bearer))
        return time.perf_counter() - started, statuses, answers


def check_storm(answers: list[dict[str, Any]], final: dict[str, Any]) -> None:
    """Exactly `--seats` people told "going", the rest told waitlist places 1..N once
    each, and the event's counters saying the same; a wrong storm is no figure."""
    going = sum(1 for a in answers if a["status"] == "going")
    places = sorted(a["waitlist_position"] for a in answers if a["status"] == "waitlisted")
    waiting = args.people - args.seats
    wrong = []
    if len(answers) != args.people:
        wrong.append(f"{args.people - len(answers)} RSVPs not answered 200")
    if going != args.seats:
        wrong.append(f"{going} told going")
    if places != list(range(1, waiting + 1)):
        wrong.append("waitlist places are not 1..N, each once")
    if (final["going_count"], final["waitlist_count"]) != (args.seats, waiting):
        wrong.append(f"counters {final['going_count']}/{final['waitlist_count']}")
    if wrong:
        sys.exit("RSVP storm WRONG: " + "; ".join(wrong))


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
        seconds, statuses, answers = asyncio.run(storm(base, event_id, bearer))
        final = http_json(f"{base}/api/v1/events/{event_id}")
        check_storm(answers, final)
        errors = sum(n for code, n in statuses.items() if code >= 500)
        print(f"\nRSVP storm, {label}: {args.people} concurrent 'going' on {args.seats} seats")
        print(f"  wall time {seconds:.2f} s, statuses {statuses}, 5xx: {errors}")
        print(
            f"  final: going {final['going_count']}, waitlisted {final['waitlist_count']}"
            f" (goal {args.seats}/{args.people - args.seats}, < 3 s);"
            " every answer checked: seats and waitlist places 1..N each once"
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
        if shutil.which("wrk") is None:
            print("  no wrk on this machine: the HTTP load figures are skipped")
            return
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
    print_table(f"nearby events, {args.events} events, {label}", rows, "GET /healthz")


if not args.only_postgres:
    run("SQLite (embedded default)", {})
if args.postgres:
    shared = (
        {"CREWUP_REDIS_URL": args.redis, "CREWUP_REDIS_PREFIX": f"crewup-bench:{os.getpid()}:"}
        if args.redis
        else {}
    )
    processes = os.cpu_count() if args.redis else 1
    run(f"PostgreSQL, {processes} process(es)", {"CREWUP_DATABASE_URL": args.postgres, **shared})
