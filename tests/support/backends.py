"""Ending PostgreSQL server processes as a restart would, one at a time, so only the
test's own database is touched."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import asyncpg

from tests.support.services import PG_ADMIN_URL


async def end_backends(pids: Sequence[int]) -> None:
    """Terminate these backends and wait until they are gone (termination is
    asynchronous), then a moment for the closed sockets to reach this process."""
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        for pid in pids:
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
        async with asyncio.timeout(10):
            alive = "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])"
            while await admin.fetchval(alive, list(pids)):  # noqa: ASYNC110 (another process)
                await asyncio.sleep(0.05)
    finally:
        await admin.close()
    await asyncio.sleep(0.1)
