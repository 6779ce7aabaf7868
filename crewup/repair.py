"""Counter repair for operators: recompute every stored counter from the rows it counts,
fix the ones that disagree and report each change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.events.tables import event_participants, events
from crewup.groups.tables import group_members, groups
from crewup.posts.tables import comments, posts


@dataclass(frozen=True)
class CounterFix:
    table: str
    row_id: int
    column: str
    was: int
    now: int


@dataclass(frozen=True)
class Counter:
    """`table.column` counts rows of `child` whose `child_key` points at it (and `where`)."""

    table: Table
    column: str
    child: Table
    child_key: str
    where: Any = None


COUNTERS = (
    Counter(groups, "member_count", group_members, "group_id"),
    Counter(posts, "comment_count", comments, "post_id"),
    Counter(
        events,
        "going_count",
        event_participants,
        "event_id",
        event_participants.c.status == "going",
    ),
    Counter(
        events,
        "waitlist_count",
        event_participants,
        "event_id",
        event_participants.c.status == "waitlisted",
    ),
    Counter(
        events,
        "interested_count",
        event_participants,
        "event_id",
        event_participants.c.status == "interested",
    ),
)


async def _recount(conn: AsyncConnection, counter: Counter) -> list[CounterFix]:
    key = counter.child.c[counter.child_key]
    tally = select(key.label("owner"), func.count().label("n")).group_by(key)
    if counter.where is not None:
        tally = tally.where(counter.where)
    tally = tally.subquery()
    stored = counter.table.c[counter.column]
    actual = func.coalesce(tally.c.n, 0)
    wrong = (
        await conn.execute(
            select(counter.table.c.id, stored, actual)
            .outerjoin(tally, tally.c.owner == counter.table.c.id)
            .where(stored != actual)
            .order_by(counter.table.c.id)
        )
    ).all()
    fixes = []
    for row_id, was, now in wrong:
        await conn.execute(
            update(counter.table).where(counter.table.c.id == row_id).values({counter.column: now})
        )
        fixes.append(CounterFix(counter.table.name, row_id, counter.column, was, now))
    return fixes


async def recount(conn: AsyncConnection) -> list[CounterFix]:
    """One grouped query per counter, then an UPDATE only where it was wrong."""
    fixes: list[CounterFix] = []
    for counter in COUNTERS:
        fixes += await _recount(conn, counter)
    return fixes
