"""What a database's backends are doing, sampled: where PostgreSQL time goes while a
bench runs beside it (e.g. bench_ws.py (c): waiting for a room's advisory lock, for the
commit's WAL flush, or for the client to send the next statement).

Every `--every` seconds for `--seconds`, reads pg_stat_activity for the database and
counts each backend's (state, wait event, statement's first words); prints the shares.
Run it in the background while the bench runs:

    .venv/bin/python bench/pg_waits.py postgresql://postgres@127.0.0.1/wsfan_c --seconds 40
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter

import asyncpg

parser = argparse.ArgumentParser()
parser.add_argument("url", help="libpq URL of the database to watch")
parser.add_argument("--seconds", type=float, default=40)
parser.add_argument("--every", type=float, default=0.005)
parser.add_argument(
    "--start-on", default="", help="start once a backend's statement contains this text"
)
args = parser.parse_args()

QUERY = """
SELECT state, coalesce(wait_event_type, '') AS type, coalesce(wait_event, '') AS event,
       left(regexp_replace(query, '\\s+', ' ', 'g'), 40) AS query
FROM pg_stat_activity
WHERE datname = $1 AND pid <> pg_backend_pid()
      AND backend_type = 'client backend'
"""


async def main() -> None:
    # From the server's own database: the bench drops and creates the watched one.
    admin, name = args.url.replace("postgresql+asyncpg", "postgresql").rsplit("/", 1)
    conn = await asyncpg.connect(f"{admin}/postgres")
    counts: Counter[tuple[str, str, str, str]] = Counter()
    samples = 0
    if args.start_on:
        while not any(args.start_on in r["query"] for r in await conn.fetch(QUERY, name)):  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    stop = time.monotonic() + args.seconds
    while time.monotonic() < stop:
        for row in await conn.fetch(QUERY, name):
            if row["state"] != "idle":
                counts[(row["state"], row["type"], row["event"], row["query"])] += 1
        samples += 1
        await asyncio.sleep(args.every)
    await conn.close()
    print(f"{samples} samples; non-idle backends per sample, by what they were doing:")
    for (state, kind, event, query), n in counts.most_common(15):
        print(f"  {n / samples:6.3f}  {state:20} {kind:10} {event:18} {query}")


if __name__ == "__main__":
    asyncio.run(main())
