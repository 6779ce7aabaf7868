"""Nearby and list reads as the world grows: 10k / 100k / 1M events (issue 17's curves).

For each size, a fresh demo world (`crewup-admin seed demo`, the one seeding path) and
one `crewup serve`, then:

- PostgreSQL: `EXPLAIN ANALYZE` execution time of the very statement `list_events`
  sends for "within 10 km, nearest first, 20 a page" (captured from the driver, run
  without planner settings, as the service runs it), median of `--runs`, in the densest
  place (Berlin's centre) and an empty one (mid-Atlantic), with the index rows read.
- SQLite: one `list_events` call from Python, median of `--runs`, with the R*Tree
  (migration 0020) and with the plain lat/lon box, and the two answers compared at
  30 random points (they must be equal).
- Over HTTP: wrk req/s and p99 of near= at a new place every request and of the plain
  soonest-first list with a bearer token (signed-in: no shared-answer cache).
- The nearby answers against a SQL truth at 30 random points (exits non-zero on any
  difference; no figure is printed for a wrong answer).

`--existing URL1,URL2,...` runs the PostgreSQL part on databases filled by
`fill_events.py` (seeding 1M events through `seed demo` takes hours on a small
machine): EXPLAIN, the truth check and the HTTP figures, databases kept as they are.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import time
from collections.abc import Callable
from typing import Any

from common import (
    crewup_server,
    last_data_dir,
    machine,
    percentile,
    recreate_postgres,
    seed_demo,
    tokens,
    wrk,
)
from nearby_check import CITIES, check_nearby_answers

parser = argparse.ArgumentParser()
parser.add_argument("--sizes", default="10000,100000,1000000", help="events, comma separated")
parser.add_argument("--postgres", help="run on this PostgreSQL database URL (emptied)")
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--runs", type=int, default=30)
parser.add_argument(
    "--existing", help="filled PostgreSQL databases (fill_events.py), comma separated; kept"
)
parser.add_argument("--explain-only", action="store_true", help="with --existing: no HTTP")
args, _ = parser.parse_known_args()

PLACES = {"dense (Berlin centre)": (52.52, 13.405), "empty (mid-Atlantic)": (40.0, -40.0)}
ISSUER = "http://bench.invalid"


def seeder(events: int) -> Any:
    def seed(database_url: str) -> None:
        seeded = seed_demo(
            database_url,
            *("--users", str(max(1000, events // 10)), "--groups", str(max(10, events // 100))),
            *("--events", str(events), "--posts", "0", "--seed", "11"),
        )
        print(f"seeded {seeded.tables['events'][0]:,} events in {seeded.seconds:.1f} s")

    return seed


def _database(url: str) -> Any:
    from crewup.core.db import Database
    from crewup.core.dispatch import Dispatcher

    return Database(url, Dispatcher(), pool_size=1)


async def _nearby(conn: Any, lat: float, lon: float) -> list[int]:
    from crewup.core import geo
    from crewup.events.service import EventFilter, list_events

    page = await list_events(
        conn, None, EventFilter(near=geo.Point(lat, lon), radius_km=10), limit=20
    )
    return [event.id for event in page.items]


def _index_rows(plan: dict[str, Any]) -> int:
    """Rows the nearest-first index handed to the query (kept and thrown away)."""
    own = 0
    if "place" in plan.get("Index Name", ""):
        own = plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)
    return own + sum(_index_rows(child) for child in plan.get("Plans", []))


async def explain_postgres(url: str, lat: float, lon: float) -> tuple[float, int]:
    from sqlalchemy import event

    db = _database(url)
    sent: list[tuple[str, Any]] = []

    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def keep(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    try:
        async with db.reading() as conn:
            await _nearby(conn, lat, lon)
            statement, parameters = next(s for s in reversed(sent) if "FROM events" in s[0])
            times, rows = [], 0
            # As the service sends it: a plain nearby search runs without planner
            # settings (no `geo.index_order`), so the plan must be right on its own.
            for _ in range(args.runs):
                result = await conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters
                )
                answer = result.scalar_one()
                plan = (json.loads(answer) if isinstance(answer, str) else answer)[0]
                times.append(plan["Execution Time"])
                if "Sort" in json.dumps(plan["Plan"]):
                    raise SystemExit("the nearby plan sorts instead of reading in index order")
                rows = _index_rows(plan["Plan"])
            return statistics.median(times), rows
    finally:
        await db.dispose()


async def time_sqlite(url: str, lat: float, lon: float) -> tuple[float, float]:
    """Median ms of one nearby call with the R*Tree, and without it."""
    from crewup.core.geo import RTREES_KEY

    db = _database(url)
    try:
        async with db.reading() as conn:
            rtrees = conn.info.get(RTREES_KEY, frozenset())
            if "events_rtree" not in rtrees:
                raise SystemExit("no R*Tree on this SQLite: nothing to compare")
            figures = []
            for kept in (rtrees, frozenset()):
                conn.info[RTREES_KEY] = kept
                times = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    await _nearby(conn, lat, lon)
                    times.append((time.perf_counter() - started) * 1000)
                figures.append(statistics.median(times))
            conn.info[RTREES_KEY] = rtrees
            return figures[0], figures[1]
    finally:
        await db.dispose()


async def same_with_and_without_rtree(url: str, points: int = 30) -> None:
    from crewup.core.geo import RTREES_KEY

    rng = random.Random(17)
    db = _database(url)
    try:
        async with db.reading() as conn:
            rtrees = conn.info[RTREES_KEY]
            for _ in range(points):
                lat, lon = rng.choice(CITIES)
                lat, lon = lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.3, 0.3)
                conn.info[RTREES_KEY] = rtrees
                with_rtree = await _nearby(conn, lat, lon)
                conn.info[RTREES_KEY] = frozenset()
                without = await _nearby(conn, lat, lon)
                if with_rtree != without:
                    raise SystemExit(f"R*Tree answer differs at {lat:.5f},{lon:.5f}")
            conn.info[RTREES_KEY] = rtrees
    finally:
        await db.dispose()


def near_path(rng: random.Random) -> str:
    """A new place near one of the cities every request, as near_points.lua does."""
    lat, lon = rng.choice(CITIES)
    lat, lon = lat + (rng.random() - 0.5) * 0.27, lon + (rng.random() - 0.5) * 0.45
    return f"/api/v1/events?near={lat:.5f},{lon:.5f}&radius_km=10&limit=20"


async def http_load(
    base: str, path: Callable[[random.Random], str], headers: dict[str, str]
) -> dict[str, float]:
    """Closed loop, 16 connections, `--seconds`: req/s and p99 (where wrk is missing;
    this client shares the cores with the server, so its figures are lower)."""
    import aiohttp

    rng = random.Random(7919)
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + args.seconds
    async with aiohttp.ClientSession(base, headers=headers) as http:

        async def one_connection() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                started = time.perf_counter()
                async with http.get(path(rng)) as resp:
                    await resp.read()
                    errors += resp.status != 200
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(one_connection() for _ in range(16)))
        seconds = time.perf_counter() - started
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
        "errors": errors,
    }


def measure(events: int, label: str, env: dict[str, str]) -> list[str]:
    from crewup.core.settings import Settings

    if "CREWUP_DATABASE_URL" in env:
        recreate_postgres(env["CREWUP_DATABASE_URL"])
    lines = []
    with crewup_server({**env, "CREWUP_PUBLIC_URL": ISSUER}, before_start=seeder(events)) as base:
        url = Settings(
            data_dir=last_data_dir(), database_url=env.get("CREWUP_DATABASE_URL")
        ).effective_database_url
        checked_nearby(base, url, label, events)
        for place, (lat, lon) in PLACES.items():
            if label == "PostgreSQL":
                ms, rows = asyncio.run(explain_postgres(url, lat, lon))
                lines.append(
                    f"| {events:,} | EXPLAIN ANALYZE, {place} | {ms:.3f} ms, {rows} rows |"
                )
            else:
                with_rtree, without = asyncio.run(time_sqlite(url, lat, lon))
                lines.append(
                    f"| {events:,} | list_events call, {place} | R*Tree {with_rtree:.2f} ms,"
                    f" lat/lon box {without:.2f} ms |"
                )
        if label != "PostgreSQL":
            asyncio.run(same_with_and_without_rtree(url))
            print("  R*Tree and lat/lon box give the same pages at 30 points")
        lines += http_figures(base, events)
    for line in lines:
        print(line, flush=True)
    return lines


def checked_nearby(base: str, url: str, label: str, events: int) -> None:
    rows_checked = check_nearby_answers(base, url)
    print(f"  {label} {events:,}: nearby equals the SQL truth at 30 points ({rows_checked} rows)")


def http_figures(base: str, events: int) -> list[str]:
    """near= at a new place every request, and the soonest-first list with a bearer
    token (signed in: no shared-answer cache), one server process."""
    token = tokens(last_data_dir(), ISSUER, range(6, 7))[0]
    if shutil.which("wrk"):
        near = wrk(base, "bench/near_points.lua", seconds=args.seconds)
        plain = wrk(
            f"{base}/api/v1/events?limit=20",
            "bench/bearer.lua",
            seconds=args.seconds,
            env={"BENCH_TOKEN": token},
        )
    else:
        print("  no wrk here: HTTP figures from bench_scale's own aiohttp loop")
        near = asyncio.run(http_load(base, near_path, {}))
        plain = asyncio.run(
            http_load(
                base,
                lambda _rng: "/api/v1/events?limit=20",
                {"Authorization": f"Bearer {token}"},
            )
        )
    return [
        f"| {events:,} | {name} over HTTP | {figures['rps']:.0f} req/s,"
        f" p99 {figures['p99_ms']:.1f} ms, {figures['errors']:.0f} errors |"
        for name, figures in (("near=, new place", near), ("list, signed in", plain))
    ]


def measure_existing(urls: list[str]) -> None:
    """The curve on PostgreSQL databases filled some other way (`fill_events.py`:
    seeding 1M events through `seed demo` takes hours on a small machine): EXPLAIN
    figures, then one `crewup serve` on each database for the truth check and the HTTP
    figures. The databases are kept as they are."""
    table = []
    for given in urls:
        url = _async_url(given)
        counted = asyncio.run(_count_events(url))
        for place, (lat, lon) in PLACES.items():
            ms, rows = asyncio.run(explain_postgres(url, lat, lon))
            table.append(f"| {counted:,} | EXPLAIN ANALYZE, {place} | {ms:.3f} ms, {rows} rows |")
        if args.explain_only:
            continue
        env = {"CREWUP_DATABASE_URL": url, "CREWUP_PUBLIC_URL": ISSUER}
        with crewup_server(env) as base:
            checked_nearby(base, url, "PostgreSQL", counted)
            table += http_figures(base, counted)
        print("\n".join(table[-4:]), flush=True)
    print(f"\nnearby and list reads by world size, PostgreSQL, one process\n{machine()}")
    print("| events in table | what | figure |\n|---|---|---|")
    print("\n".join(table))


def _async_url(url: str) -> str:
    from crewup.core.settings import Settings

    return Settings(database_url=url).effective_database_url


async def _count_events(url: str) -> int:
    from sqlalchemy import text

    db = _database(url)
    try:
        async with db.reading() as conn:
            return int((await conn.execute(text("SELECT count(*) FROM events"))).scalar_one())
    finally:
        await db.dispose()


def main() -> None:
    if args.existing:
        measure_existing(args.existing.split(","))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    runs = [("SQLite", {})]
    if args.postgres:
        runs.append(("PostgreSQL", {"CREWUP_DATABASE_URL": args.postgres}))
    table = []
    for label, env in runs:
        for events in sizes:
            table += [
                line.replace("| ", f"| {label} | ", 1) for line in measure(events, label, env)
            ]
    print(f"\nnearby and list reads by world size, one process\n{machine()}")
    print("| engine | events | what | figure |\n|---|---|---|---|")
    print("\n".join(table))


main()
