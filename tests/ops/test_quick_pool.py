"""The quick-read pool's own bookkeeping (crewup/core/quick_reads.py), with stand-in
connections: which request gets a connection or a free slot, and when. What the
connections read is tested against the real databases in test_quick_reads.py."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from crewup.core.quick_reads import DatabaseConnectionLost, QuickPool


class StandIn:
    """What the pool asks of a connection: whether it is closed, and to close."""

    def __init__(self) -> None:
        self.closed = False

    def is_closed(self) -> bool:
        return self.closed

    def terminate(self) -> None:
        self.closed = True

    async def close(self) -> None:
        self.closed = True


def pool_of(size: int, wait_seconds: float = 5.0) -> tuple[QuickPool, list[StandIn]]:
    made: list[StandIn] = []

    async def connect() -> Any:
        made.append(StandIn())
        return made[-1]

    return QuickPool(connect, None, size, wait_seconds), made  # type: ignore[arg-type]


async def borrow(pool: QuickPool) -> Any:
    async with pool.connection() as conn:
        return conn.raw


async def test_a_freed_slot_is_passed_on_when_its_first_taker_gave_up() -> None:
    """A connection fails while two requests wait; the first is cancelled before it runs:
    the second must open the freed slot, not wait out its whole timeout."""
    pool, made = pool_of(1, wait_seconds=5.0)
    holding = pool.connection()
    await holding.__aenter__()
    first = asyncio.create_task(borrow(pool))
    second = asyncio.create_task(borrow(pool))
    await asyncio.sleep(0.01)  # both queued
    broke = ConnectionError("the server went away")
    assert not await holding.__aexit__(ConnectionError, broke, None)
    first.cancel()  # before it could run with the news
    async with asyncio.timeout(1):
        assert await second is made[-1]
    assert made[0].closed and len(made) == 2


async def test_connections_are_reused_last_in_first_out() -> None:
    pool, made = pool_of(3)
    many = await asyncio.gather(*(borrow(pool) for _ in range(10)))
    assert len(made) == 1 and all(conn is made[0] for conn in many)


async def test_a_closed_pool_lends_nothing_and_frees_its_waiters() -> None:
    pool, made = pool_of(1)
    holding = pool.connection()
    await holding.__aenter__()
    waiting = asyncio.create_task(borrow(pool))
    await asyncio.sleep(0.01)
    await pool.close()
    with pytest.raises(DatabaseConnectionLost):
        await waiting
    with pytest.raises(DatabaseConnectionLost):
        await borrow(pool)
    await holding.__aexit__(None, None, None)
    assert made[0].closed  # lent during the close: closed on its return
