"""RSVPs with exact capacity and a fair waitlist.

Every change to one event's seats happens under that event's row lock, and reads the
person's RSVP only after the lock is granted (seats.py says why), so `going` never
exceeds capacity and the counters move with the rows, however many people press at once.
Waitlisted people carry an arrival number handed out by the event row and are promoted
strictly in that order, in the same transaction that frees the seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.dispatch import announce
from crewup.core.errors import Conflict, NotFound
from crewup.core.identity import Actor
from crewup.core.marks import N_
from crewup.events.access import EventStatus, RsvpStatus, visible_state
from crewup.events.domain_events import RsvpPromoted, RsvpWithdrawn
from crewup.events.seats import (
    Seats,
    claim_participant,
    lock_event,
    lock_upcoming_events_of_group,
    standing,
)
from crewup.events.tables import event_participants, events
from crewup.groups.tables import group_members, groups

COUNTER = {
    RsvpStatus.going: events.c.going_count,
    RsvpStatus.waitlisted: events.c.waitlist_count,
    RsvpStatus.interested: events.c.interested_count,
}


@dataclass(frozen=True)
class RsvpResult:
    status: RsvpStatus
    waitlist_position: int | None


async def _set(
    conn: AsyncConnection,
    event_id: int,
    user_id: int,
    status: RsvpStatus,
    previous: RsvpStatus | None,
) -> int | None:
    """Move one person to `status` (the caller holds the event lock and read `previous`
    after it): a single UPDATE adjusts every counter (and hands out a waitlist arrival
    number), then the participant row is written. Joining the waitlist means joining its
    tail, so the new waitlist count is that person's position."""
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
    """Fill free seats from the head of the waitlist. The caller holds the event lock;
    taking it again reads the row afresh (counters as they are now)."""
    seats = await lock_event(conn, event_id)
    free = seats.free_seats
    if free == 0 or not seats.still_on:
        return []
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
    )
    for head in heads:
        await _set(conn, event_id, head, RsvpStatus.going, RsvpStatus.waitlisted)
    if heads:
        await announce(conn, RsvpPromoted(event_id, tuple(heads)))
    return list(heads)


async def rsvp(
    conn: AsyncConnection, event_id: int, actor: Actor, wanted: RsvpStatus
) -> RsvpResult:
    """Going takes a seat or a place at the tail of the waitlist; interested never takes
    one (and gives mine to the head of the line). Pressing the same again changes
    nothing and keeps my place. (A first RSVP on PostgreSQL usually takes the one-statement
    path in first_rsvp.py.)"""
    await claim_participant(conn, event_id, actor)
    seats = await lock_event(conn, event_id)
    mine = await standing(conn, event_id, actor.id)
    if not mine.visible:  # the group turned private while we waited for the lock
        raise NotFound(f"event {event_id} not found")
    seats.ensure_open()
    previous = mine.status
    if wanted is RsvpStatus.going:
        if previous in (RsvpStatus.going, RsvpStatus.waitlisted):
            return RsvpResult(previous, mine.position)
        target = RsvpStatus.going if seats.seat_free else RsvpStatus.waitlisted
        position = await _set(conn, event_id, actor.id, target, previous)
        return RsvpResult(target, position)
    if previous is not RsvpStatus.interested:
        await _set(conn, event_id, actor.id, RsvpStatus.interested, previous)
        if previous is not None:
            await announce(conn, RsvpWithdrawn(event_id, actor.id))
        if previous is RsvpStatus.going:
            await promote_waitlisted(conn, event_id)
    return RsvpResult(RsvpStatus.interested, None)


async def _withdraw(
    conn: AsyncConnection, event_id: int, user_id: int, *, only_while_on: bool = False
) -> list[int]:
    """Drop one RSVP under the event lock; a freed seat goes to the first person waiting.
    `only_while_on`: refuse once the event is over or cancelled, as read under the lock
    (a cancellation or the end may have come since the caller looked)."""
    seats: Seats = await lock_event(conn, event_id)
    if only_while_on:
        _refuse_settled(seats.status, seats.ends_at)
    previous = (await standing(conn, event_id, user_id)).status
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
    if previous is not RsvpStatus.interested:
        await announce(conn, RsvpWithdrawn(event_id, user_id))
    if previous is RsvpStatus.going and seats.still_on:
        return await promote_waitlisted(conn, event_id)
    return []


async def cancel_rsvp(conn: AsyncConnection, event_id: int, actor: Actor) -> list[int]:
    """Withdraw my RSVP (nothing to withdraw is fine). Returns who moved up. Once an
    event is over or cancelled its answers are its record (who may rate whom afterwards
    rests on it), so they no longer change, as they no longer can be given."""
    state = await visible_state(conn, event_id, actor)  # 404 for hidden events
    _refuse_settled(state.status, state.ends_at)  # before taking the lock, when it is clear
    return await _withdraw(conn, event_id, actor.id, only_while_on=True)


def _refuse_settled(status: str, ends_at: datetime) -> None:
    if status == EventStatus.cancelled.value:
        raise Conflict(N_("this event was cancelled; its answers stay as they were"))
    if ends_at <= clock.now():
        raise Conflict(N_("this event is over; its answers stay as they were"))


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


async def release_upcoming_rsvps(conn: AsyncConnection, user_id: int) -> None:
    """Banned for good: places at events still ahead go to the next in line (a banned
    person held a seat the waitlist waited for: a black-box trial). Past events keep
    their record."""
    await _withdraw_each(conn, user_id, events.c.ends_at > clock.now())


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


async def release_outsiders(conn: AsyncConnection, group_id: int) -> None:
    """The group turned private: people who are not members give up their places at its
    events still ahead, as if they had left."""
    ahead = await lock_upcoming_events_of_group(conn, group_id)
    if not ahead:
        return
    outsiders = (
        await conn.execute(
            select(event_participants.c.event_id, event_participants.c.user_id)
            .where(
                event_participants.c.event_id.in_(ahead),
                ~select(group_members.c.user_id)
                .where(
                    group_members.c.group_id == group_id,
                    group_members.c.user_id == event_participants.c.user_id,
                )
                .exists(),
            )
            .order_by(event_participants.c.event_id, event_participants.c.user_id)
        )
    ).all()
    for event_id, user_id in outsiders:
        await _withdraw(conn, event_id, user_id)
