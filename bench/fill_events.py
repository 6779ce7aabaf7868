"""A PostgreSQL world of N events for EXPLAIN curves, filled by SQL in a minute.

Seeding a million events through `crewup-admin seed demo` (the one path the HTTP
benchmarks use, with RSVPs, posts and people) takes hours on a small machine. The scale
curve of issue 17 needs only events, so this makes people and groups through `seed demo`
and then fills `events` with one INSERT ... SELECT over generate_series: around the five
cities of nearby_check.py, spread ±0.3°, 5% cancelled, half already over, groups chosen
at random (seed demo makes about a tenth of them private). Then
`bench_scale.py --existing URL1,URL2,...` prints the EXPLAIN figures.

    .venv/bin/python bench/fill_events.py --events 1000000 \
        --postgres postgresql://postgres@127.0.0.1:5432/crewup_fill_1m
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import time

from common import BIN, recreate_postgres, seed_demo
from nearby_check import CITIES

parser = argparse.ArgumentParser()
parser.add_argument("--events", type=int, required=True)
parser.add_argument("--postgres", required=True, help="PostgreSQL database URL (emptied)")
parser.add_argument("--groups", type=int, default=1000)
args, _ = parser.parse_known_args()

_CITIES = ", ".join(f"({lat}, {lon})" for lat, lon in CITIES)
FILL = f"""
WITH cities(lat, lon) AS (VALUES {_CITIES}),
numbered AS (SELECT row_number() OVER () - 1 AS i, lat, lon FROM cities),
made AS (
    SELECT n, c.lat + (random() - 0.5) * 0.6 AS lat, c.lon + (random() - 0.5) * 0.6 AS lon,
           now() + (random() * 120 - 60) * interval '1 day' AS starts_at
    FROM generate_series(1, $1) AS n
    JOIN numbered c ON c.i = n % (SELECT count(*) FROM cities)
)
INSERT INTO events (group_id, creator_id, title, description, location_name, lat, lon,
                    starts_at, ends_at, capacity, status, created_at, updated_at)
SELECT g.id, g.owner_id, 'Meetup ' || made.n, 'Filled for the scale curve', 'Somewhere',
       made.lat, made.lon, made.starts_at, made.starts_at + interval '2 hours',
       CASE WHEN made.n % 3 = 0 THEN 20 END,
       CASE WHEN made.n % 20 = 0 THEN 'cancelled' ELSE 'scheduled' END, now(), now()
FROM made
-- Fresh seeding numbers groups 1..G; a missing id only drops that event.
JOIN groups g ON g.id = 1 + (made.n::bigint * 7919) % (SELECT max(id) FROM groups)
"""


async def fill(url: str, events: int) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(FILL, events)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def main() -> None:
    recreate_postgres(args.postgres)
    subprocess.run(
        [str(BIN / "crewup-admin"), "db", "upgrade"],
        env={**os.environ, "CREWUP_DATABASE_URL": args.postgres},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seeded = seed_demo(
        args.postgres,
        *("--users", "1000", "--groups", str(args.groups), "--events", "0", "--posts", "0"),
    )
    print(f"people and groups seeded in {seeded.seconds:.1f} s")
    started = time.perf_counter()
    asyncio.run(fill(args.postgres, args.events))
    print(f"{args.events:,} events filled in {time.perf_counter() - started:.1f} s")


main()
