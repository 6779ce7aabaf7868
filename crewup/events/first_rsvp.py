"""A person's first RSVP to an event, decided inside PostgreSQL by one statement.

The general path (rsvp.py) takes locks and makes several round trips; when 2,000 people
press "going" at once, the queue on the event's lock sets the pace. A first RSVP needs
nothing read beforehand, so on PostgreSQL it is a conditional `UPDATE events ...
RETURNING` feeding the participant INSERT in the same statement, committed on its own:
the event's row lock lives only while PostgreSQL runs it.

It decides exactly what the general path would (seats.py explains the locks):
- seats: when the statement waits for the event's lock, PostgreSQL re-checks the
  conditions against the newest row (READ COMMITTED), so `going` never passes capacity
  (a CHECK constraint stands behind that);
- the person's own account is share-locked in an InitPlan, before the event row: a
  deletion or ban in flight finishes first and the statement finds no live account, or
  waits for this RSVP and then gives the seat back;
- their membership row (what lets them see a private group's event) is share-locked
  the same way, so a leave cannot pass this RSVP unnoticed;
- "the group is public" is read with the statement's snapshot, which a lock wait does
  not renew; a group turning private bumps the event's `audience_version`, so a
  statement that began before that commit finds the version changed and decides nothing;
- two presses by the same person collide on the participant's primary key.

Whenever it decides nothing (an RSVP already there, a closed or hidden event, a changed
audience, the person racing themselves) it answers None and the general path decides,
explaining itself with the right error.

This is the one named exception to the transaction rule (handlers own the unit of work,
services take a connection): `rsvp_with_fast_path` takes the Database, because the fast
path must commit statement by statement, outside any transaction the handler could open.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, and_, bindparam, insert, literal, null, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.db import Database
from crewup.core.identity import Actor
from crewup.events.access import EventStatus, RsvpStatus
from crewup.events.rsvp import RsvpResult, rsvp
from crewup.events.tables import event_participants, events
from crewup.groups.tables import group_members, groups
from crewup.users.tables import users

_EVENT = bindparam("event_id", type_=Integer)
_USER = bindparam("user_id", type_=Integer)
_NOW = bindparam("now", type_=events.c.created_at.type)

_PUBLIC = (
    select(groups.c.id)
    .where(groups.c.id == events.c.group_id, groups.c.visibility == "public")
    .exists()
)
_MEMBER = (
    select(group_members.c.user_id)
    .where(group_members.c.group_id == events.c.group_id, group_members.c.user_id == _USER)
    .with_for_update(read=True)
    .exists()
)
_LIVE_ACCOUNT = (
    select(users.c.id)
    .where(
        users.c.id == _USER,
        users.c.deleted_at.is_(None),
        or_(users.c.banned_at.is_(None), users.c.ban_expires_at <= _NOW),
    )
    .with_for_update(read=True)
    .exists()
)
_events_then = events.alias("events_then")
_AUDIENCE_THEN = (
    select(_events_then.c.audience_version).where(_events_then.c.id == _EVENT).scalar_subquery()
)
_ALREADY = (
    select(event_participants.c.user_id)
    .where(event_participants.c.event_id == events.c.id, event_participants.c.user_id == _USER)
    .exists()
)
_OPEN_VISIBLE_AND_NEW = and_(
    events.c.id == _EVENT,
    _LIVE_ACCOUNT,
    events.c.status == EventStatus.scheduled.value,
    events.c.ends_at > _NOW,
    events.c.audience_version == _AUDIENCE_THEN,
    or_(_PUBLIC, _MEMBER),
    ~_ALREADY,
)
_SEAT_FREE = or_(events.c.capacity.is_(None), events.c.going_count < events.c.capacity)
_FULL = and_(events.c.capacity.is_not(None), events.c.going_count >= events.c.capacity)
_COUNTERS = {
    RsvpStatus.going: {"going_count": events.c.going_count + 1},
    RsvpStatus.interested: {"interested_count": events.c.interested_count + 1},
    RsvpStatus.waitlisted: {
        "waitlist_count": events.c.waitlist_count + 1,
        "waitlist_seq": events.c.waitlist_seq + 1,
    },
}


def _take(status: RsvpStatus, condition: Any) -> Any:
    """One statement: bump the counters if `condition` holds, then add the person.
    It answers the new waitlist count, or no row when the event did not qualify."""
    decided = (
        update(events)
        .where(_OPEN_VISIBLE_AND_NEW, condition)
        .values(_COUNTERS[status])
        .returning(events.c.id, events.c.waitlist_seq, events.c.waitlist_count)
        .cte("decided")
    )
    joined = (
        insert(event_participants)
        .from_select(
            ["event_id", "user_id", "status", "waitlist_seq", "created_at", "updated_at"],
            select(
                decided.c.id,
                _USER,
                literal(status.value),
                decided.c.waitlist_seq if status is RsvpStatus.waitlisted else null(),
                _NOW,
                _NOW,
            ),
        )
        .returning(event_participants.c.user_id)
        .cte("joined")
    )
    # PostgreSQL runs a data-modifying WITH to completion even when nothing reads it.
    return select(decided.c.waitlist_count).add_cte(joined)


# Built once: they are the same statements for everyone, only the parameters differ.
_TRIES = {
    RsvpStatus.going: (
        (RsvpStatus.going, _take(RsvpStatus.going, _SEAT_FREE)),
        (RsvpStatus.waitlisted, _take(RsvpStatus.waitlisted, _FULL)),
    ),
    RsvpStatus.interested: ((RsvpStatus.interested, _take(RsvpStatus.interested, true())),),
}


async def first_rsvp(
    conn: AsyncConnection, event_id: int, user_id: int, wanted: RsvpStatus
) -> tuple[RsvpStatus, int | None] | None:
    """(status taken, waitlist position) or None; `conn` commits each statement."""
    params = {"event_id": event_id, "user_id": user_id, "now": clock.now()}
    for status, statement in _TRIES[wanted]:
        try:
            waitlist_count = (await conn.execute(statement, params)).scalar_one_or_none()
        except IntegrityError:
            return None  # the same person pressed twice at once; the general path decides
        if waitlist_count is not None:
            # Joining the waitlist means joining its tail: the new count is my position.
            return status, waitlist_count if status is RsvpStatus.waitlisted else None
    return None


async def rsvp_with_fast_path(
    db: Database, event_id: int, actor: Actor, wanted: RsvpStatus
) -> RsvpResult:
    """The RSVP button of every face: the one-statement path first on PostgreSQL, then the
    general path in a transaction of its own."""
    if not db.is_sqlite:
        async with db.statement_at_a_time() as conn:
            taken = await first_rsvp(conn, event_id, actor.id, wanted)
        if taken is not None:
            return RsvpResult(*taken)
    async with db.transaction() as conn:
        return await rsvp(conn, event_id, actor, wanted)
