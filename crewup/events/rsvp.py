"""RSVPs with exact capacity and a fair waitlist.

Every change to one event's seats happens under that event's row lock (PostgreSQL
`SELECT ... FOR UPDATE`; SQLite's single writer), so `going` never exceeds capacity,
however many people press the button at once. Waitlisted people carry an arrival number
handed out by the event row, and are promoted strictly in that order, in the same
transaction that frees the seat. Only the statements that decide seats run under the
lock; seeing the event and reading my position happen outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.dispatch import announce
from crewup.core.errors import Conflict
from crewup.core.identity import Actor
from crewup.core.paging import LineCursor, Page, UserCursor, cut_page, decode_cursor
from crewup.events.access import (
    EventStatus,
    RsvpStatus,
    load_event,
    lock_event,
    visible_state,
)
from crewup.events.domain_events import RsvpPromoted
from crewup.events.tables import event_participants, events
from crewup.groups.tables import groups
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
    waitlist_seq: int | None
    created_at: datetime


def ensure_open(status: str, ends_at: datetime) -> None:
    if status == EventStatus.cancelled:
        raise Conflict("this event was cancelled; it takes no RSVPs")
    if ends_at <= clock.now():
        raise Conflict("this event is over; it takes no RSVPs")


def _seat_free(seats: Any) -> bool:
    return seats.capacity is None or seats.going_count < seats.capacity


async def _set(
    conn: AsyncConnection,
    event_id: int,
    user_id: int,
    status: RsvpStatus,
    previous: RsvpStatus | None,
) -> int | None:
    """Move one person to `status`: a single UPDATE adjusts every counter (and hands out
    a waitlist arrival number), then the participant row is written. Joining the waitlist
    means joining its tail, so the new waitlist count is that person's position."""
    counters: dict[str, Any] = {COUNTER[status].name: COUNTER[status] + 1}
    if previous is not None:
        counters[COUNTER[previous].name] = COUNTER[previous] - 1
    seq = position = None
    if status is RsvpStatus.waitlisted:
        counters["waitlist_seq"] = events.c.waitlist_seq + 1
        seq, position = (
            await conn.execute(
                update(events)
                .where(events.c.id == event_id)
                .values(counters)
                .returning(events.c.waitlist_seq, events.c.waitlist_count)
            )
        ).one()
    else:
        await conn.execute(update(events).where(events.c.id == event_id).values(counters))
    now = clock.now()
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
    return position


async def promote_waitlisted(conn: AsyncConnection, event_id: int) -> list[int]:
    """Fill free seats from the head of the waitlist; the caller holds the event lock."""
    promoted: list[int] = []
    seats = await lock_event(conn, event_id)  # re-entrant: we already hold it
    free = None if seats.capacity is None else seats.capacity - seats.going_count
    heads = (
        (
            await conn.execute(
                select(event_participants.c.user_id)
                .where(
                    event_participants.c.event_id == event_id,
                    event_participants.c.status == RsvpStatus.waitlisted.value,
                )
                .order_by(event_participants.c.waitlist_seq)
                .limit(free)
            )
        )
        .scalars()
        .all()
        if free is None or free > 0
        else []
    )
    for head in heads:
        await _set(conn, event_id, head, RsvpStatus.going, RsvpStatus.waitlisted)
        promoted.append(head)
    if promoted:
        await announce(conn, RsvpPromoted(event_id, tuple(promoted)))
    return promoted


async def rsvp(
    conn: AsyncConnection, event_id: int, actor: Actor, wanted: RsvpStatus
) -> RsvpResult:
    """See the event (404 if hidden), change seats under its lock, then read my place.
    (A first RSVP on PostgreSQL usually takes the one-statement path in first_rsvp.py.)"""
    state = await visible_state(conn, event_id, actor)
    ensure_open(state.status, state.ends_at)
    result = await _rsvp_locked(conn, event_id, actor.id, wanted)
    if result is not None:
        return result
    return await my_result(conn, event_id, actor)  # nothing changed: my standing as it is


async def _rsvp_locked(
    conn: AsyncConnection, event_id: int, user_id: int, wanted: RsvpStatus
) -> RsvpResult | None:
    """The seat decision, under the lock; None when nothing had to change."""
    seats = await lock_event(conn, event_id, user_id)
    ensure_open(seats.status, seats.ends_at)  # it may have changed since we looked
    previous = RsvpStatus(seats.my_status) if seats.my_status else None
    if wanted is RsvpStatus.going:
        if previous in (RsvpStatus.going, RsvpStatus.waitlisted):
            return None  # pressing twice changes nothing and keeps my place
        target = RsvpStatus.going if _seat_free(seats) else RsvpStatus.waitlisted
        position = await _set(conn, event_id, user_id, target, previous)
        return RsvpResult(target, position)
    if previous is RsvpStatus.interested:
        return None
    await _set(conn, event_id, user_id, RsvpStatus.interested, previous)
    if previous is RsvpStatus.going:
        await promote_waitlisted(conn, event_id)
    return RsvpResult(RsvpStatus.interested, None)


async def _withdraw(conn: AsyncConnection, event_id: int, user_id: int) -> list[int]:
    """Drop one RSVP under the event lock; a freed seat goes to the first person waiting."""
    seats = await lock_event(conn, event_id, user_id)
    previous = RsvpStatus(seats.my_status) if seats.my_status else None
    if previous is None:
        return []
    await conn.execute(
        delete(event_participants).where(
            event_participants.c.event_id == event_id, event_participants.c.user_id == user_id
        )
    )
    await conn.execute(
        update(events)
        .where(events.c.id == event_id)
        .values({COUNTER[previous].name: COUNTER[previous] - 1})
    )
    still_on = seats.status == EventStatus.scheduled and seats.ends_at > clock.now()
    if previous is RsvpStatus.going and still_on:
        return await promote_waitlisted(conn, event_id)
    return []


async def cancel_rsvp(conn: AsyncConnection, event_id: int, actor: Actor) -> list[int]:
    """Withdraw my RSVP (nothing to withdraw is fine). Returns who moved up."""
    await visible_state(conn, event_id, actor)  # 404 for hidden events
    return await _withdraw(conn, event_id, actor.id)


async def _withdraw_each(conn: AsyncConnection, user_id: int, *conditions: Any) -> None:
    """Withdraw the person's RSVPs to the events matching `conditions`, in event id
    order, so concurrent releases lock events alike."""
    event_ids = (
        (
            await conn.execute(
                select(event_participants.c.event_id)
                .join(events, events.c.id == event_participants.c.event_id)
                .join(groups, groups.c.id == events.c.group_id)
                .where(event_participants.c.user_id == user_id, *conditions)
                .order_by(event_participants.c.event_id)
            )
        )
        .scalars()
        .all()
    )
    for event_id in event_ids:
        await _withdraw(conn, event_id, user_id)


async def release_all_rsvps(conn: AsyncConnection, user_id: int) -> None:
    """An account is being erased: give back its seats, as if it withdrew each RSVP."""
    await _withdraw_each(conn, user_id)


async def release_private_group_rsvps(conn: AsyncConnection, group_id: int, user_id: int) -> None:
    """Someone who leaves a private group can no longer see its events, so their places
    at the ones still ahead go to the next in line. Past events keep their record."""
    await _withdraw_each(
        conn,
        user_id,
        events.c.group_id == group_id,
        groups.c.visibility == "private",
        events.c.ends_at > clock.now(),
    )


async def my_result(conn: AsyncConnection, event_id: int, actor: Actor) -> RsvpResult:
    event = await load_event(conn, event_id, actor)
    if event.my_status is None:
        raise Conflict("your RSVP changed while we were saving it; try again")
    return RsvpResult(RsvpStatus(event.my_status), event.my_position)


async def list_participants(
    conn: AsyncConnection,
    event_id: int,
    actor: Actor | None,
    *,
    status: RsvpStatus,
    limit: int,
    cursor: str | None = None,
) -> Page[Participant]:
    """One status at a time: going and interested by user id, the waitlist in arrival
    order with positions 1..n."""
    await visible_state(conn, event_id, actor)  # 404 for hidden events; a light query
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
        .limit(limit + 1)
    )
    if status is RsvpStatus.waitlisted:
        line = decode_cursor(cursor, LineCursor)
        start = line.position if line is not None else 0
        if line is not None:
            query = query.where(event_participants.c.waitlist_seq > line.seq)
        rows = await conn.execute(query.order_by(event_participants.c.waitlist_seq))
        found = [_participant(row, start + i + 1) for i, row in enumerate(rows)]
        return cut_page(found, limit, _line_position)
    after = decode_cursor(cursor, UserCursor)
    if after is not None:
        query = query.where(event_participants.c.user_id > after.user_id)
    rows = await conn.execute(query.order_by(event_participants.c.user_id))
    return cut_page([_participant(row, None) for row in rows], limit, _user_position)


def _line_position(p: Participant) -> LineCursor:
    return LineCursor(seq=p.waitlist_seq or 0, position=p.waitlist_position or 0)


def _user_position(p: Participant) -> UserCursor:
    return UserCursor(user_id=p.user_id)


def _participant(row: Any, position: int | None) -> Participant:
    return Participant(
        user_id=row.user_id,
        display_name=row.display_name,
        status=row.status,
        waitlist_position=position,
        waitlist_seq=row.waitlist_seq,
        created_at=row.created_at,
    )
