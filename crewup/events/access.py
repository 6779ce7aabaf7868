"""Events as a viewer sees them: visibility follows the group; my RSVP comes along."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, func, or_, select, true

from crewup.core import clock
from crewup.core.errors import NotFound
from crewup.core.identity import VIEWER_ID, Actor
from crewup.core.quick_reads import Prepared, Reads
from crewup.events.tables import event_participants, events
from crewup.groups.tables import group_members, groups
from crewup.users.caller_row import CALLER_COLUMNS, CALLER_SOURCE, LIVE_CALLER, PREFIX, actor_of


class EventStatus(enum.StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"
    past = "past"


class RsvpStatus(enum.StrEnum):
    going = "going"
    waitlisted = "waitlisted"
    interested = "interested"


@dataclass(frozen=True)
class Event:
    id: int
    group_id: int
    creator_id: int
    title: str
    description: str
    location_name: str
    lat: float
    lon: float
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    stored_status: str
    cancel_reason: str | None
    going_count: int
    waitlist_count: int
    interested_count: int
    created_at: datetime
    updated_at: datetime
    group_name: str
    group_visibility: str
    cover: str | None = None
    viewer_group_role: str | None = None
    my_status: str | None = None
    my_position: int | None = None
    distance_km: float | None = None
    near_key: float | None = None  # what nearest-first pages are ordered by (see core/geo)

    @property
    def status(self) -> EventStatus:
        if self.stored_status == EventStatus.cancelled:
            return EventStatus.cancelled
        return EventStatus.past if self.ends_at <= clock.now() else EventStatus.scheduled

    @property
    def may_manage(self) -> bool:
        return self.viewer_group_role in ("owner", "admin")

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.going_count)


_member = group_members.alias("viewer_member")
_mine = event_participants.alias("viewer_rsvp")
_ahead = event_participants.alias("waitlist_ahead")

# Position = waitlisted people who arrived no later than me: always 1..n, no gaps.
_POSITION = (
    select(func.count())
    .select_from(_ahead)
    .where(
        _ahead.c.event_id == events.c.id,
        _ahead.c.status == RsvpStatus.waitlisted.value,
        _ahead.c.waitlist_seq <= _mine.c.waitlist_seq,
    )
    .correlate(events, _mine)
    .scalar_subquery()
)

EVENT_COLUMNS = (
    events.c.id,
    events.c.group_id,
    events.c.creator_id,
    events.c.title,
    events.c.description,
    events.c.location_name,
    events.c.lat,
    events.c.lon,
    events.c.starts_at,
    events.c.ends_at,
    events.c.capacity,
    events.c.status.label("stored_status"),
    events.c.cancel_reason,
    events.c.going_count,
    events.c.waitlist_count,
    events.c.interested_count,
    events.c.created_at,
    events.c.updated_at,
    events.c.cover,
    groups.c.name.label("group_name"),
    groups.c.visibility.label("group_visibility"),
    _member.c.role.label("viewer_group_role"),
    _mine.c.status.label("my_status"),
)
# Counted only for a waitlisted viewer: PostgreSQL runs a subplan under CASE only when
# its branch is taken, so a list of events no longer counts a waitlist per row.
MY_POSITION = case((_mine.c.status == RsvpStatus.waitlisted.value, _POSITION)).label("my_position")

EVENTS_WITH_VIEWER = (
    events.join(groups, groups.c.id == events.c.group_id)
    .outerjoin(
        _member, and_(_member.c.group_id == events.c.group_id, _member.c.user_id == VIEWER_ID)
    )
    .outerjoin(_mine, and_(_mine.c.event_id == events.c.id, _mine.c.user_id == VIEWER_ID))
)

viewer_rsvp = _mine  # for "my events" queries
VISIBLE = or_(groups.c.visibility == "public", _member.c.user_id.is_not(None))


def event_from_row(row: Any) -> Event:
    return _event_of(row._asdict())


def _event_of(data: dict[str, Any]) -> Event:
    if data.get("my_status") != RsvpStatus.waitlisted:
        data["my_position"] = None
    return Event(**data)


def event_query(*extra: Any) -> Any:
    return select(*EVENT_COLUMNS, MY_POSITION, *extra).select_from(EVENTS_WITH_VIEWER)


def visible_events_query(signed_in: bool) -> Any:
    """Events the viewer may see. Signed out, that is public groups' events, and the
    query joins no viewer tables (nobody's RSVP or membership to find)."""
    if signed_in:
        return event_query().where(VISIBLE)
    return (
        select(*EVENT_COLUMNS[:-2])
        .select_from(events.join(groups, groups.c.id == events.c.group_id))
        .where(groups.c.visibility == "public")
    )


# The hot single-event reads are built once, with the id as a bound parameter: building
# a select per request cost more CPU than PostgreSQL spends answering it. The anonymous
# forms join no viewer tables and count no waitlist: nobody's RSVP or membership to find.
_EVENT_ID = bindparam("event_id", type_=Integer)
_PUBLIC = groups.c.visibility == "public"
_EVENT_FOR_VIEWER = Prepared(event_query().where(events.c.id == _EVENT_ID, VISIBLE))
_EVENT_FOR_ANYONE = Prepared(
    select(*EVENT_COLUMNS[:-2])
    .select_from(events.join(groups, groups.c.id == events.c.group_id))
    .where(events.c.id == _EVENT_ID, _PUBLIC)
)
_STATE_FOR_VIEWER = Prepared(
    select(events.c.status, events.c.ends_at)
    .select_from(
        events.join(groups, groups.c.id == events.c.group_id).outerjoin(
            _member,
            and_(_member.c.group_id == events.c.group_id, _member.c.user_id == VIEWER_ID),
        )
    )
    .where(events.c.id == _EVENT_ID, VISIBLE)
)
_STATE_FOR_ANYONE = Prepared(
    select(events.c.status, events.c.ends_at)
    .select_from(events.join(groups, groups.c.id == events.c.group_id))
    .where(events.c.id == _EVENT_ID, _PUBLIC)
)


async def load_event(conn: Reads, event_id: int, actor: Actor | None) -> Event:
    """The event as this viewer sees it; NotFound when missing or in a hidden group."""
    if actor is None:
        row = await _EVENT_FOR_ANYONE.first(conn, {"event_id": event_id})
    else:
        row = await _EVENT_FOR_VIEWER.first(conn, {"event_id": event_id, "viewer_id": actor.id})
    if row is None:
        raise NotFound(f"event {event_id} not found")
    return event_from_row(row)


# The caller's account and the event as they see it, in one round trip (see
# users.caller_row): a bearer read of one event was two statements.
_SEEN_BY_VIEWER = event_query().where(events.c.id == _EVENT_ID, VISIBLE).subquery("seen")
_EVENT_WITH_CALLER = Prepared(
    select(*CALLER_COLUMNS, *_SEEN_BY_VIEWER.c)
    .select_from(CALLER_SOURCE.outerjoin(_SEEN_BY_VIEWER, true()))
    .where(LIVE_CALLER)
)


async def load_event_with_caller(
    conn: Reads, event_id: int, caller_id: int
) -> tuple[Actor | None, Event | None]:
    """The caller (None: no live account) and the event as they see it (None: missing
    or hidden). The caller must be checked before the event is used or its absence
    told (`web.caller.accept_caller`)."""
    row = await _EVENT_WITH_CALLER.first(conn, {"event_id": event_id, "viewer_id": caller_id})
    if row is None:
        return None, None
    actor = actor_of(caller_id, row)
    if row.id is None:
        return actor, None
    data = {key: value for key, value in row._asdict().items() if not key.startswith(PREFIX)}
    return actor, _event_of(data)


def visible_state_query(signed_in: bool) -> Any:
    """`visible_state`'s statement (one row: the event's status and end, if this viewer
    may see it), for statements that check visibility themselves in the same round trip;
    bound parameters `event_id` and, signed in, `viewer_id`."""
    return (_STATE_FOR_VIEWER if signed_in else _STATE_FOR_ANYONE).statement


async def visible_state(conn: Reads, event_id: int, actor: Actor | None) -> Any:
    """Just enough to know the viewer may see the event and whether it is still on
    (status, ends_at); cheaper than `load_event` on hot paths."""
    if actor is None:
        found = await _STATE_FOR_ANYONE.first(conn, {"event_id": event_id})
    else:
        found = await _STATE_FOR_VIEWER.first(conn, {"event_id": event_id, "viewer_id": actor.id})
    if found is None:
        raise NotFound(f"event {event_id} not found")
    return found
