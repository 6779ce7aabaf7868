"""Waiting for the bus: the web request returns before mail, push and notifications are
made, so a test waits until every handler has finished with every message (processed it
or given up), which is also what `crewup-admin outbox status` reports."""

from __future__ import annotations

import asyncio

from aiohttp import web

from crewup.app import BUS
from crewup.bus import outbox
from crewup.web.appkeys import DB

SETTLE_SECONDS = 15.0


async def settle(app: web.Application) -> None:
    """Return once nothing is in flight; fail the test if that does not happen in time."""
    bus, db = app[BUS], app[DB]
    left: dict[str, int] = {}
    try:
        async with asyncio.timeout(SETTLE_SECONDS):
            while True:
                async with db.reading() as conn:
                    left = await outbox.backlog(conn, bus.handlers)
                if not any(left.values()):
                    return
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"the bus did not settle in {SETTLE_SECONDS}s: {left}") from None
