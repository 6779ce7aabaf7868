"""The `ended` mark: keeps long-over events out of the index soonest-first lists walk.

A list of upcoming events asks for `ends_at > now`, ordered by start. No index can hold
"not over yet" (now moves), so without help the list walked the start-time index from
the first event ever and threw the finished ones away: a cost that grows with the
platform's history. A job marks events a few minutes after they end; the partial index
`ix_events_upcoming` (events/tables.py) leaves marked ones out, and list queries add
`NOT_ENDED`, which the mark makes redundant with `ends_at > now` and which lets the
planner use that index.

The mark may lag (an event ended minutes ago is not marked yet; the list still drops it
by its end time) but must never lead: `ended` implies the end has passed. MARK_AFTER
leaves room for clocks that differ a little between processes; an edit that moves the
end sets the mark anew in the same statement (`mark_for_new_end`; events already over
cannot be edited). What a list still walks is the events that ended within the last
MARK_AFTER plus the job's interval.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import not_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.events.tables import events

MARK_AFTER = timedelta(minutes=5)
MARK_EVERY = timedelta(minutes=5)
# Renders as the index's predicate on each dialect: `NOT ended` / `ended = 0`.
NOT_ENDED = not_(events.c.ended)


async def mark_ended_events(conn: AsyncConnection) -> int:
    """Mark every event that ended more than MARK_AFTER ago; how many were marked.

    Rows someone else holds are skipped, left for the next run: an account erasure
    withdraws its RSVPs event by event in id order, past events included, and a plain
    UPDATE locking ended events in its own scan order could deadlock with it (PostgreSQL
    would then abort one of the two). The mark may lag; it never waits."""
    over = (
        select(events.c.id)
        .where(NOT_ENDED, events.c.ends_at <= clock.now() - MARK_AFTER)
        .with_for_update(skip_locked=True, key_share=True)
    )
    result = await conn.execute(
        update(events).where(events.c.id.in_(over.scalar_subquery())).values(ended=True)
    )
    return int(result.rowcount or 0)


def mark_for_new_end(ends_at: datetime) -> bool:
    """The mark an event gets when its end is set to `ends_at` (by an edit)."""
    return ends_at <= clock.now() - MARK_AFTER
