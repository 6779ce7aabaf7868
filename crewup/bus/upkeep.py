"""The bus's own housekeeping: published outbox rows and processed-message records are
kept a while for inspection, then pruned."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.bus import outbox
from crewup.bus.tables import processed_messages
from crewup.core import clock

KEEP_PUBLISHED = timedelta(days=7)
# Longer than any redelivery can take: a message must still be known when it comes again.
KEEP_PROCESSED = timedelta(days=30)


async def prune_bus_records(conn: AsyncConnection) -> int:
    published = await outbox.prune_published(conn, KEEP_PUBLISHED)
    done = await conn.execute(
        delete(processed_messages).where(
            processed_messages.c.processed_at < clock.now() - KEEP_PROCESSED
        )
    )
    return published + int(done.rowcount or 0)
