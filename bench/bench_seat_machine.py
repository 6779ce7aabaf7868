"""The seat state machine of the test suite, run long: random batches of concurrent RSVPs,
withdrawals, capacity changes, edits, cancellations, leaves, removals, visibility flips and
account deletions through the HTTP API of a real server, every seat invariant checked after
each batch (tests/support/seat_machine.py says which). `make test` runs 4 worlds of 6
batches per engine; this runs --worlds of --steps batches. Exits non-zero on a broken one.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import machine  # noqa: E402

from crewup.core import migrate  # noqa: E402
from crewup.core.settings import Settings  # noqa: E402
from tests.support.app import FAST  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402
from tests.support.seat_machine import run_seat_machine  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--worlds", type=int, default=40)
parser.add_argument("--steps", type=int, default=10)
parser.add_argument("--postgres", help="also run on this PostgreSQL database URL (emptied)")
args, _ = parser.parse_known_args()


async def _empty_postgres(url: str) -> None:
    import asyncpg

    admin, name = url.rsplit("/", 1)
    conn = await asyncpg.connect(f"{admin}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def run(label: str, database_url: str | None, data_dir: Path) -> None:
    if database_url is None:
        database_url = f"sqlite:///{data_dir / 'crewup.sqlite3'}"
        migrate.upgrade(f"sqlite+aiosqlite:///{data_dir / 'crewup.sqlite3'}")
    else:
        asyncio.run(_empty_postgres(database_url))
        migrate.upgrade(database_url.replace("postgresql://", "postgresql+asyncpg://"))
    settings = Settings(data_dir=data_dir, database_url=database_url, secret_key="b" * 40, **FAST)
    started = time.perf_counter()
    with live_server(settings) as base_url:
        batches = run_seat_machine(base_url, examples=args.worlds, steps=args.steps)
    print(
        f"seat machine, {label}: {args.worlds} worlds, up to {batches} batches of 3-14"
        f" concurrent operations, every invariant held ({time.perf_counter() - started:.1f} s)"
    )


print(f"\nSeat invariants under random concurrent batches\n{machine()}")
with tempfile.TemporaryDirectory() as tmp:
    run("SQLite", None, Path(tmp))
if args.postgres:
    with tempfile.TemporaryDirectory() as tmp:
        run("PostgreSQL", args.postgres, Path(tmp))
