"""Seat repair for operators (`crewup-admin fix counters|waitlists`): whatever drifted (a
manual edit, a restored backup, a bug of old), decide from the rows, never from the
counters, and report every change.

- Overbooked: more people `going` than the capacity. The last to get a seat go back to
  the head of the waitlist, in the order they had, so nobody who waited longer loses out.
- Free seats while people wait: the head of the line moves up, as a withdrawal would.

Each event is mended under its lock, with its counters recomputed from its rows first,
so the CHECK on going_count <= capacity holds at every step.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, ScalarSelect, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.events.access import EventStatus, RsvpStatus
from crewup.events.ended import NOT_ENDED
from crewup.events.rsvp import promote_waitlisted
from crewup.events.seats import lock_event
from crewup.events.tables import event_participants, events


@dataclass(frozen=True)
class SeatRepair:
    event_id: int
    demoted: tuple[int, ...] = ()  # back to the head of the waitlist, in this order
    promoted: tuple[int, ...] = ()  # moved up from the waitlist, in this order


def _count(status: RsvpStatus) -> ScalarSelect[int]:
    return (
        select(func.count())
        .select_from(event_participants)
        .where(
            event_participants.c.event_id == events.c.id,
            event_participants.c.status == status.value,
        )
        .scalar_subquery()
    )


async def _recount_event(conn: AsyncConnection, event_id: int) -> None:
    """Counters of one locked event, from its rows (the caller keeps going <= capacity)."""
    await conn.execute(
        update(events)
        .where(events.c.id == event_id)
        .values(
            going_count=_count(RsvpStatus.going),
            waitlist_count=_count(RsvpStatus.waitlisted),
            interested_count=_count(RsvpStatus.interested),
        )
    )


async def _ids(conn: AsyncConnection, condition: ColumnElement[bool]) -> list[int]:
    rows = await conn.execute(select(events.c.id).where(condition).order_by(events.c.id))
    return list(rows.scalars().all())


async def _demote_excess(conn: AsyncConnection, event_id: int) -> tuple[int, ...]:
    seats = await lock_event(conn, event_id)
    going = (
        (
            await conn.execute(
                select(event_participants.c.user_id)
                .where(
                    event_participants.c.event_id == event_id,
                    event_participants.c.status == RsvpStatus.going.value,
                )
                .order_by(event_participants.c.updated_at, event_participants.c.user_id)
            )
        )
        .scalars()
        .all()
    )
    if seats.capacity is None or len(going) <= seats.capacity:
        return ()
    excess = list(going[seats.capacity :])  # the latest to get a seat, earliest first
    head = (
        await conn.execute(
            select(func.min(event_participants.c.waitlist_seq)).where(
                event_participants.c.event_id == event_id,
                event_participants.c.status == RsvpStatus.waitlisted.value,
            )
        )
    ).scalar_one()
    first = (head if head is not None else 1) - len(excess)
    for offset, user_id in enumerate(excess):
        await conn.execute(
            update(event_participants)
            .where(
                event_participants.c.event_id == event_id,
                event_participants.c.user_id == user_id,
            )
            .values(status=RsvpStatus.waitlisted.value, waitlist_seq=first + offset)
        )
    await _recount_event(conn, event_id)
    return tuple(excess)


async def mend_overbooked(conn: AsyncConnection) -> list[SeatRepair]:
    overbooked = await _ids(
        conn, and_(events.c.capacity.is_not(None), _count(RsvpStatus.going) > events.c.capacity)
    )
    repairs = []
    for event_id in overbooked:
        demoted = await _demote_excess(conn, event_id)
        if demoted:
            repairs.append(SeatRepair(event_id, demoted=demoted))
    return repairs


async def refill_waitlists(conn: AsyncConnection) -> list[SeatRepair]:
    """Where seats are free (by the rows) and people wait, the head of the line moves up."""
    waiting = await _ids(
        conn,
        and_(
            events.c.status == EventStatus.scheduled.value,
            NOT_ENDED,
            events.c.ends_at > clock.now(),
            or_(events.c.capacity.is_(None), _count(RsvpStatus.going) < events.c.capacity),
            _count(RsvpStatus.waitlisted) > 0,
        ),
    )
    repairs = []
    for event_id in waiting:
        await lock_event(conn, event_id)
        await _recount_event(conn, event_id)
        promoted = await promote_waitlisted(conn, event_id)
        if promoted:
            repairs.append(SeatRepair(event_id, promoted=tuple(promoted)))
    return repairs
