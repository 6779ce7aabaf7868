"""RSVPs with exact capacity and a fair waitlist.

Every change to one event's seats happens under that event's row lock (PostgreSQL
`SELECT ... FOR UPDATE`; SQLite's single writer), so `going` never exceeds capacity,
however many people press the button at once. Waitlisted people carry an arrival number
handed out by the event row, and are promoted strictly in that order, in the same
transaction that frees the seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup import clock
from crewup.errors import Conflict
from crewup.events import hooks
from crewup.events.access import (
    Event,
    EventStatus,
    RsvpStatus,
    load_event,
    lock_event,
)
from crewup.events.tables import event_participants, events
from crewup.users.service import Actor
from crewup.users.tables import users

COUNTER = {
    RsvpStatus.going: events.c.going_count,
    RsvpStatus.waitlisted: events.c.waitlist_count,
    RsvpStatus.interested: events.c.interested_count,
}


@dataclass(frozen=True)
class RsvpResult:
    status: RsvpStatus
    waitlist_position: int | None


@dataclass(frozen=True)
class Participant:
    user_id: int
    display_name: str
    status: str
    waitlist_position: int | None
    created_at: datetime


def ensure_open(event: Event) -> None:
    if event.status is EventStatus.cancelled:
        raise Conflict("this event was cancelled; it takes no RSVPs")
    if event.status is EventStatus.past:
        raise Conflict("this event is over; it takes no RSVPs")


async def _bump(conn: AsyncConnection, event_id: int, status: RsvpStatus, by: int) -> None:
    column = COUNTER[status]
    await conn.execute(
        update(events).where(events.c.id == event_id).values({column.name: column + by})
    )


async def _seat_free(conn: AsyncConnection, event_id: int) -> bool:
    row = (
        await conn.execute(
            select(events.c.capacity, events.c.going_count).where(events.c.id == event_id)
        )
    ).one()
    return row.capacity is None or row.going_count < row.capacity


async def _next_seq(conn: AsyncConnection, event_id: int) -> int:
    return (
        await conn.execute(
            update(events)
            .where(events.c.id == event_id)
            .values(waitlist_seq=events.c.waitlist_seq + 1)
            .returning(events.c.waitlist_seq)
        )
    ).scalar_one()


async def _set(
    conn: AsyncConnection,
    event_id: int,
    user_id: int,
    status: RsvpStatus,
    previous: RsvpStatus | None,
) -> None:
    now = clock.now()
    seq = await _next_seq(conn, event_id) if status is RsvpStatus.waitlisted else None
    if previous is None:
        await conn.execute(
            insert(event_participants).values(
                event_id=event_id,
                user_id=user_id,
                status=status.value,
                waitlist_seq=seq,
                created_at=now,
                updated_at=now,
            )
        )
    else:
        await conn.execute(
            update(event_participants)
            .where(
                event_participants.c.event_id == event_id, event_participants.c.user_id == user_id
            )
            .values(status=status.value, waitlist_seq=seq, updated_at=now)
        )
        await _bump(conn, event_id, previous, -1)
    await _bump(conn, event_id, status, +1)


async def _current(conn: AsyncConnection, event_id: int, user_id: int) -> RsvpStatus | None:
    found = (
        await conn.execute(
            select(event_participants.c.status).where(
                event_participants.c.event_id == event_id, event_participants.c.user_id == user_id
            )
        )
    ).scalar_one_or_none()
    return RsvpStatus(found) if found else None


async def promote_waitlisted(conn: AsyncConnection, event_id: int) -> list[int]:
    """Fill free seats from the head of the waitlist; caller holds the event lock."""
    promoted: list[int] = []
    while await _seat_free(conn, event_id):
        head = (
            await conn.execute(
                select(event_participants.c.user_id)
                .where(
                    event_participants.c.event_id == event_id,
                    event_participants.c.status == RsvpStatus.waitlisted.value,
                )
                .order_by(event_participants.c.waitlist_seq)
                .limit(1)
            )
        ).scalar_one_or_none()
        if head is None:
            break
        await _set(conn, event_id, head, RsvpStatus.going, RsvpStatus.waitlisted)
        promoted.append(head)
    if promoted:
        await hooks.participants_promoted(conn, event_id, promoted)
    return promoted


async def rsvp(
    conn: AsyncConnection, event_id: int, actor: Actor, wanted: RsvpStatus
) -> RsvpResult:
    await lock_event(conn, event_id)
    event = await load_event(conn, event_id, actor)
    ensure_open(event)
    previous = await _current(conn, event_id, actor.id)
    if wanted is RsvpStatus.going:
        if previous in (RsvpStatus.going, RsvpStatus.waitlisted):
            return await my_result(conn, event_id, actor)  # pressing twice changes nothing
        target = RsvpStatus.going if await _seat_free(conn, event_id) else RsvpStatus.waitlisted
        await _set(conn, event_id, actor.id, target, previous)
    elif previous is not RsvpStatus.interested:
        await _set(conn, event_id, actor.id, RsvpStatus.interested, previous)
        if previous is RsvpStatus.going:
            await promote_waitlisted(conn, event_id)
    return await my_result(conn, event_id, actor)


async def cancel_rsvp(conn: AsyncConnection, event_id: int, actor: Actor) -> list[int]:
    """Drop my RSVP; a freed seat goes to the first person waiting. Returns who moved up."""
    await lock_event(conn, event_id)
    event = await load_event(conn, event_id, actor)
    previous = await _current(conn, event_id, actor.id)
    if previous is None:
        return []
    await conn.execute(
        delete(event_participants).where(
            event_participants.c.event_id == event_id, event_participants.c.user_id == actor.id
        )
    )
    await _bump(conn, event_id, previous, -1)
    if previous is RsvpStatus.going and event.status is EventStatus.scheduled:
        return await promote_waitlisted(conn, event_id)
    return []


async def my_result(conn: AsyncConnection, event_id: int, actor: Actor) -> RsvpResult:
    event = await load_event(conn, event_id, actor)
    return RsvpResult(RsvpStatus(event.my_status), event.my_position)


async def list_participants(
    conn: AsyncConnection,
    event_id: int,
    actor: Actor | None,
    *,
    status: RsvpStatus,
    limit: int,
    after: int,
) -> list[Participant]:
    """One status at a time: going and interested by user id, the waitlist in its order
    (its position is the keyset: positions have no gaps)."""
    await load_event(conn, event_id, actor)
    query = (
        select(
            event_participants.c.user_id,
            users.c.display_name,
            event_participants.c.status,
            event_participants.c.waitlist_seq,
            event_participants.c.created_at,
        )
        .join(users, users.c.id == event_participants.c.user_id)
        .where(
            event_participants.c.event_id == event_id, event_participants.c.status == status.value
        )
    )
    if status is RsvpStatus.waitlisted:
        rows = await conn.execute(
            query.order_by(event_participants.c.waitlist_seq).offset(after).limit(limit)
        )
        return [_participant(row, after + i + 1) for i, row in enumerate(rows)]
    rows = await conn.execute(
        query.where(event_participants.c.user_id > after)
        .order_by(event_participants.c.user_id)
        .limit(limit)
    )
    return [_participant(row, None) for row in rows]


def _participant(row: Any, position: int | None) -> Participant:
    return Participant(
        user_id=row.user_id,
        display_name=row.display_name,
        status=row.status,
        waitlist_position=position,
        created_at=row.created_at,
    )
