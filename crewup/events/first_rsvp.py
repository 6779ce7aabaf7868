"""First RSVPs to one event, decided inside PostgreSQL by one statement for many people.

The general path (rsvp.py) takes locks and makes several round trips; when 2,000 people
press "going" at once, the queue on the event's lock sets the pace. Every seat decision
holds the event's row lock until its commit is on disk (a WAL flush, ~4 ms on a VM), so
one decision per commit caps a storm at a few hundred RSVPs a second whatever the cores.
A first RSVP needs nothing read beforehand, so on PostgreSQL the first RSVPs waiting for
one event are decided together (first_rsvp_queue.py gathers them): one statement, one
commit, for everyone who pressed while the previous one was on its way.

The statement decides exactly what the general path would, person by person in the order
they pressed (seats.py explains the locks):
- every person's account is share-locked (a deletion or ban in flight finishes first and
  the person is left out, or waits for this statement and then gives the seat back), then
  their membership row (what lets them see a private group's event; a leave cannot pass
  unnoticed); all accounts, then all memberships, then the event row: the order every
  path takes;
- seats: the event row is locked by a `SELECT ... FOR NO KEY UPDATE` in the statement.
  When it waits for the lock, PostgreSQL re-checks that row against its newest version
  (READ COMMITTED) and hands the newest counters on to the UPDATE, so `going` never passes
  capacity (a CHECK constraint stands behind that); the first free seats go to the first
  who pressed, the rest join the waitlist's tail in that order;
- "the group is public" is read with the statement's snapshot, which a lock wait does
  not renew; a group turning private bumps the event's `audience_version`, so a
  statement that began before that commit finds the version changed and decides nothing;
- two presses by the same person collide on the participant's primary key, and the
  whole statement decides nothing.

Whoever it leaves out (an RSVP already there, a closed or hidden event, a changed
audience, a banned or departed person) gets None and the general path decides for them,
explaining itself with the right error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.events.access import EventStatus, RsvpStatus
from crewup.events.tables import event_participants, events
from crewup.groups.tables import group_members, groups
from crewup.users.tables import users

_EVENT = bindparam("event_id", type_=Integer)
_USERS = bindparam("user_ids", type_=ARRAY(Integer))
_NOW = bindparam("now", type_=events.c.created_at.type)

_asked = func.unnest(_USERS).table_valued("user_id", with_ordinality="ord").render_derived("asked")
_events_then = events.alias("events_then")
_GROUP_THEN = select(_events_then.c.group_id).where(_events_then.c.id == _EVENT).scalar_subquery()
_AUDIENCE_THEN = (
    select(_events_then.c.audience_version).where(_events_then.c.id == _EVENT).scalar_subquery()
)

# The people asked who have no RSVP to the event yet and a live account, whose rows are
# share-locked; only they go on (one locked account of someone already answered must not
# hold up the others).
_live = (
    select(users.c.id)
    .where(
        users.c.id == func.any(_USERS),
        users.c.deleted_at.is_(None),
        or_(users.c.banned_at.is_(None), users.c.ban_expires_at <= _NOW),
        ~select(event_participants.c.user_id)
        .where(
            event_participants.c.event_id == _EVENT,
            event_participants.c.user_id == users.c.id,
        )
        .exists(),
    )
    .with_for_update(read=True)
    .cte("live")
)
# Memberships are share-locked after every account: the array is an InitPlan that reads
# all of `live` first. (Taken as `user_id = ANY($users)`, a hashed subplan locked them
# all after the first account only, and an account erasure, which locks the account and
# then deletes the membership, could deadlock with us.)
# (A cast, so that PostgreSQL reads `ANY(array)`, not `ANY(subquery)`.)
_LIVE_IDS = cast(select(func.array_agg(_live.c.id)).scalar_subquery(), ARRAY(Integer))
_members = (
    select(group_members.c.user_id)
    .where(group_members.c.group_id == _GROUP_THEN, group_members.c.user_id == func.any(_LIVE_IDS))
    .with_for_update(read=True)
    .cte("members")
)
_PUBLIC = (
    select(groups.c.id).where(groups.c.id == _GROUP_THEN, groups.c.visibility == "public").exists()
)
_eligible = (
    select(
        _asked.c.user_id,
        func.row_number().over(order_by=_asked.c.ord).label("turn"),
    )
    .join(_live, _live.c.id == _asked.c.user_id)
    .where(or_(_PUBLIC, _asked.c.user_id.in_(select(_members.c.user_id))))
    .cte("eligible")
)
_HOW_MANY = select(func.count()).select_from(_eligible).scalar_subquery()

# Counting the eligible in the WHERE makes it an InitPlan: the accounts and memberships
# are locked before the event row, as on every other path. The row is found by its id
# alone: with the status and end in this WHERE, the planner looked the id up in the
# partial nearest-first index (milliseconds at 10k events, more with more); they are
# checked on the row the lock returns (the newest version), in `_OPEN` below.
_locked = (
    select(events.c.id, events.c.capacity, events.c.going_count, events.c.waitlist_seq)
    .add_columns(
        events.c.waitlist_count, events.c.status, events.c.ends_at, events.c.audience_version
    )
    .where(events.c.id == _EVENT, _HOW_MANY > 0)
    .with_for_update(key_share=True)
    .cte("locked")
)
_OPEN = and_(
    _locked.c.status == EventStatus.scheduled.value,
    _locked.c.ends_at > _NOW,
    _locked.c.audience_version == _AUDIENCE_THEN,
)


def _decide(wanted: RsvpStatus) -> Any:
    """The statement for `wanted` (going or interested). It answers one row per person it
    decided: (user_id, status, waitlist position)."""
    free: Any
    if wanted is RsvpStatus.going:
        free = case(
            (_locked.c.capacity.is_(None), _HOW_MANY),
            else_=func.least(_HOW_MANY, _locked.c.capacity - _locked.c.going_count),
        )
    else:
        free = literal(0)
    plan: Any = select(
        _locked.c.id,
        _locked.c.waitlist_seq.label("seq_before"),
        _locked.c.waitlist_count.label("count_before"),
        free.label("seated"),
        _HOW_MANY.label("asked"),
    )
    plan = plan.where(_OPEN).subquery("plan")
    queued = plan.c.asked - plan.c.seated
    counters: dict[str, Any] = (
        {
            "going_count": events.c.going_count + plan.c.seated,
            "waitlist_count": events.c.waitlist_count + queued,
            "waitlist_seq": events.c.waitlist_seq + queued,
        }
        if wanted is RsvpStatus.going
        else {"interested_count": events.c.interested_count + plan.c.asked}
    )
    decided = (
        update(events)
        .where(events.c.id == plan.c.id)
        .values(counters)
        .returning(plan.c.seq_before, plan.c.count_before, plan.c.seated)
        .cte("decided")
    )
    seated = _eligible.c.turn <= decided.c.seated
    if wanted is RsvpStatus.going:
        status: Any = case((seated, literal("going")), else_=literal("waitlisted"))
        seq: Any = case(
            (seated, null()), else_=decided.c.seq_before + _eligible.c.turn - decided.c.seated
        )
    else:
        status, seq = literal(RsvpStatus.interested.value), null()
    joined = (
        insert(event_participants)
        .from_select(
            ["event_id", "user_id", "status", "waitlist_seq", "created_at", "updated_at"],
            select(_EVENT, _eligible.c.user_id, status, seq, _NOW, _NOW).select_from(
                _eligible.join(decided, literal(True))
            ),
        )
        .returning(
            event_participants.c.user_id,
            event_participants.c.status,
            event_participants.c.waitlist_seq,
        )
        .cte("joined")
    )
    # Joining the waitlist means joining its tail: the count before plus my place in it.
    position = case(
        (
            joined.c.status == RsvpStatus.waitlisted.value,
            decided.c.count_before + joined.c.waitlist_seq - decided.c.seq_before,
        ),
        else_=null(),
    )
    return select(joined.c.user_id, joined.c.status, position.label("position")).select_from(
        joined.join(decided, literal(True))
    )


# Built once: the same statements for every storm, only the parameters differ.
STATEMENTS = {wanted: _decide(wanted) for wanted in (RsvpStatus.going, RsvpStatus.interested)}

Decision = tuple[RsvpStatus, int | None]


async def first_rsvps(
    conn: AsyncConnection, event_id: int, user_ids: Sequence[int], wanted: RsvpStatus
) -> dict[int, Decision]:
    """What the statement decided, by person (those left out are absent); `conn` commits
    the statement on its own. `user_ids` in the order they pressed, each at most once."""
    params = {"event_id": event_id, "user_ids": list(user_ids), "now": clock.now()}
    rows = (await conn.execute(STATEMENTS[wanted], params)).all()
    return {row.user_id: (RsvpStatus(row.status), row.position) for row in rows}
