"""The locks every seat decision rests on, and the reads that must follow them.

Why this module exists (the root cause of drifting counters and overbooking on
PostgreSQL): under READ COMMITTED a statement that waits for a row lock re-checks the
locked row against its newest version, but everything else it read (sub-selects, joined
rows) stays as of the moment the statement began. Seat decisions used to read "my
current RSVP" in the very statement that waited for the event's lock, so they saw what
it was before the previous lock holder committed: the same person pressing twice saw
"no RSVP" both times (the second INSERT failed, a 500), a switch from going to
interested decremented a counter that had already been decremented (going_count -9),
and a withdrawal by someone just promoted was taken for a waitlisted one (their seat
stayed empty while others waited).

The rule now: lock the event row in a statement of its own, then read what the decision
needs in the next statement, whose snapshot starts after the lock was granted. Every
path that changes seats holds this lock, so nothing read after it changes before commit.

Rows that are not seats but decide who may hold one (the person's own account; their
membership of a private group) are share-locked before the event, in the order every
path takes: account, then group and membership, then event. A deletion, a ban or a leave
in flight then either finishes first (the RSVP sees the change and is refused) or waits
for the RSVP to commit (and then gives its seat back, reading after its own locks). A
group made private locks its upcoming events and bumps their `audience_version`, which
the one-statement first RSVP (first_rsvp.py) checks against the version it started with.

SQLite has one writer, so there every transaction sees the latest state anyway; the
statements are the same and the lock clauses compile to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.errors import Conflict, Forbidden, NotFound, Unauthorized
from crewup.core.identity import Actor
from crewup.core.marks import N_
from crewup.events.access import RsvpStatus
from crewup.events.tables import event_participants, events
from crewup.groups.tables import group_members, groups
from crewup.users.service import is_banned
from crewup.users.tables import users


@dataclass(frozen=True)
class Seats:
    """The event row as it is under its lock."""

    capacity: int | None
    going_count: int
    status: str
    ends_at: datetime

    @property
    def seat_free(self) -> bool:
        return self.capacity is None or self.going_count < self.capacity

    @property
    def free_seats(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.going_count)

    @property
    def still_on(self) -> bool:
        return self.status == "scheduled" and self.ends_at > clock.now()

    def ensure_open(self) -> None:
        if self.status == "cancelled":
            raise Conflict(N_("this event was cancelled; it takes no RSVPs"))
        if self.ends_at <= clock.now():
            raise Conflict(N_("this event is over; it takes no RSVPs"))


@dataclass(frozen=True)
class Standing:
    """A person's RSVP and whether they may still see the event, read after the lock."""

    status: RsvpStatus | None
    position: int | None
    visible: bool


_EVENT = bindparam("event_id", type_=Integer)
_USER = bindparam("user_id", type_=Integer)

_LOCK_EVENT = (
    select(events.c.capacity, events.c.going_count, events.c.status, events.c.ends_at)
    .where(events.c.id == _EVENT)
    .with_for_update(key_share=True)  # FOR NO KEY UPDATE: see lock_group in groups.access
)

_mine = event_participants.alias("mine")
_ahead = event_participants.alias("ahead")
_MY_STATUS = (
    select(_mine.c.status)
    .where(_mine.c.event_id == events.c.id, _mine.c.user_id == _USER)
    .scalar_subquery()
)
_MY_SEQ = (
    select(_mine.c.waitlist_seq)
    .where(
        _mine.c.event_id == _EVENT,
        _mine.c.user_id == _USER,
        _mine.c.status == RsvpStatus.waitlisted.value,
    )
    .scalar_subquery()
)
# My arrival number first (one row), then an index range count of who arrived no later:
# written as a join, the planner walked every waiter once per waiter (23 ms at 400).
_MY_POSITION = (
    select(func.count())
    .select_from(_ahead)
    .where(
        _ahead.c.event_id == _EVENT,
        _ahead.c.status == RsvpStatus.waitlisted.value,
        _ahead.c.waitlist_seq <= _MY_SEQ,
    )
    .scalar_subquery()
)
_IS_MEMBER = (
    select(group_members.c.user_id)
    .where(group_members.c.group_id == events.c.group_id, group_members.c.user_id == _USER)
    .exists()
)
_STANDING = (
    select(
        _MY_STATUS.label("status"),
        _MY_POSITION.label("position"),
        ((groups.c.visibility == "public") | _IS_MEMBER).label("visible"),
    )
    .select_from(events.join(groups, groups.c.id == events.c.group_id))
    .where(events.c.id == _EVENT)
)

_ACCOUNT = (
    select(users.c.deleted_at, users.c.banned_at, users.c.ban_expires_at)
    .where(users.c.id == _USER)
    .with_for_update(read=True)
)
_MEMBERSHIP = (
    select(group_members.c.role)
    .where(group_members.c.group_id == events.c.group_id, group_members.c.user_id == _USER)
    .with_for_update(read=True)
    .scalar_subquery()
)
_CLAIM = (
    select(groups.c.visibility, _MEMBERSHIP.label("role"))
    .select_from(events.join(groups, groups.c.id == events.c.group_id))
    .where(events.c.id == _EVENT)
)


async def lock_event(conn: AsyncConnection, event_id: int) -> Seats:
    """Serialise seat changes on one event: a row lock on PostgreSQL (SQLite has one
    writer). Taking it again in the same transaction is free and reads the row afresh."""
    found = (await conn.execute(_LOCK_EVENT, {"event_id": event_id})).first()
    if found is None:
        raise NotFound(f"event {event_id} not found")
    return Seats(found.capacity, found.going_count, found.status, found.ends_at)


async def standing(conn: AsyncConnection, event_id: int, user_id: int) -> Standing:
    """Call after `lock_event`: a new statement, so it sees every committed change."""
    row = (await conn.execute(_STANDING, {"event_id": event_id, "user_id": user_id})).one()
    status = RsvpStatus(row.status) if row.status else None
    position = row.position if status is RsvpStatus.waitlisted else None
    return Standing(status, position, bool(row.visible))


async def claim_participant(conn: AsyncConnection, event_id: int, actor: Actor) -> None:
    """Before taking a seat: hold my own account row (a deletion or ban in flight waits
    for us, or we see it) and my membership row (a leave likewise); refuse if I may not
    see the event right now."""
    account = (await conn.execute(_ACCOUNT, {"user_id": actor.id})).first()
    if account is None or account.deleted_at is not None:
        raise Unauthorized("this account no longer exists")
    if is_banned(account.banned_at, account.ban_expires_at):
        raise Forbidden(N_("this account is banned"))
    found = (await conn.execute(_CLAIM, {"event_id": event_id, "user_id": actor.id})).first()
    if found is None or (found.visibility != "public" and found.role is None):
        raise NotFound(f"event {event_id} not found")


async def lock_upcoming_events_of_group(conn: AsyncConnection, group_id: int) -> list[int]:
    """A group is turning private: lock its events still ahead (in id order, as every
    path does) and bump their audience version, so a first RSVP that read "public"
    before this commits cannot slip in after it (see first_rsvp.py)."""
    ahead = (
        (
            await conn.execute(
                select(events.c.id)
                .where(events.c.group_id == group_id, events.c.ends_at > clock.now())
                .order_by(events.c.id)
                .with_for_update(key_share=True)
            )
        )
        .scalars()
        .all()
    )
    if ahead:
        await conn.execute(
            update(events)
            .where(events.c.id.in_(ahead))
            .values(audience_version=events.c.audience_version + 1)
        )
    return list(ahead)
