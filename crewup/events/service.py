"""Events: plan, edit, cancel, delete; find them nearby, by date and in my calendar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock, geo
from crewup.core.dispatch import announce
from crewup.core.errors import (
    Conflict,
    FieldError,
    Forbidden,
    Invalid,
    NotFound,
    Unauthorized,
)
from crewup.core.identity import NOBODY, Actor, ensure_may_create, viewer_params
from crewup.core.images import ImageKind
from crewup.core.marks import N_, W_
from crewup.core.paging import Cursor, NearCursor, Page, TimeCursor, cut_page, decode_cursor
from crewup.core.picture_columns import clear_picture
from crewup.core.picture_events import discarded
from crewup.core.quick_reads import Reads
from crewup.core.text import matches_words
from crewup.events.access import (
    VISIBLE,
    Event,
    EventStatus,
    event_from_row,
    event_query,
    load_event,
    viewer_rsvp,
    visible_events_query,
)
from crewup.events.domain_events import EventCancelled, EventChanged
from crewup.events.ended import NOT_ENDED, mark_for_new_end
from crewup.events.nearby import nearest_events
from crewup.events.rsvp import promote_waitlisted
from crewup.events.seats import lock_event
from crewup.events.tables import EVENT_TEXT, events
from crewup.groups.access import load_group_for_managers

EDITABLE = (
    "title",
    "description",
    "location_name",
    "lat",
    "lon",
    "starts_at",
    "ends_at",
    "capacity",
)


@dataclass(frozen=True)
class EventFilter:
    near: geo.Point | None = None
    radius_km: float = 25.0
    starts_from: datetime | None = None
    starts_to: datetime | None = None
    q: str | None = None
    group_id: int | None = None
    mine: bool = False  # only events I am going to, waitlisted for or interested in
    # With `near`: keep the radius but list soonest first (pages that group by day).
    soonest_first: bool = False


def _check_times(starts_at: datetime, ends_at: datetime, *, new: bool) -> None:
    if ends_at <= starts_at:
        raise Invalid(
            N_("the event must end after it starts"),
            [FieldError("ends_at", N_("must be after the start"))],
        )
    if new and starts_at <= clock.now():
        raise Invalid(
            N_("an event must start in the future"),
            [FieldError("starts_at", N_("must be in the future"))],
        )


async def create_event(
    conn: AsyncConnection,
    actor: Actor,
    group_id: int,
    values: dict[str, Any],
    *,
    verified_required: bool,
) -> Event:
    ensure_may_create(actor, verified_required=verified_required)
    await load_group_for_managers(conn, group_id, actor)
    _check_times(values["starts_at"], values["ends_at"], new=True)
    now = clock.now()
    event_id = (
        await conn.execute(
            insert(events)
            .values(
                **{k: values.get(k) for k in EDITABLE},
                group_id=group_id,
                creator_id=actor.id,
                created_at=now,
                updated_at=now,
            )
            .returning(events.c.id)
        )
    ).scalar_one()
    return await load_event(conn, event_id, actor)


async def _load_for_managers(conn: AsyncConnection, event_id: int, actor: Actor) -> Event:
    event = await load_event(conn, event_id, actor)
    if not event.may_manage:
        raise Forbidden(N_("only the group's owner and admins manage its events"))
    return event


async def load_event_for_managers(conn: AsyncConnection, event_id: int, actor: Actor) -> Event:
    """The event, if this person manages it (the pages ask before cancelling)."""
    return await _load_for_managers(conn, event_id, actor)


async def _revised_at(conn: AsyncConnection, event_id: int) -> datetime:
    """When a change to the (locked) event is stamped: now, but always at least one whole
    second after the last change. A calendar entry's SEQUENCE and LAST-MODIFIED come from
    it (crewup/events/ics.py) in whole seconds, and must grow with every change: a cancel
    in the same second as an edit kept both, and calendars kept the event as it was (a
    black-box trial)."""
    last: datetime = (
        await conn.execute(select(events.c.updated_at).where(events.c.id == event_id))
    ).scalar_one()
    return max(clock.now(), last.replace(microsecond=0) + timedelta(seconds=1))


async def update_event(
    conn: AsyncConnection, event_id: int, actor: Actor, changes: dict[str, Any]
) -> Event:
    await lock_event(conn, event_id)
    event = await _load_for_managers(conn, event_id, actor)
    if event.status is not EventStatus.scheduled:
        raise Conflict(N_("a %(status)s event cannot be edited", status=W_(event.status.value)))
    values = {k: v for k, v in changes.items() if k in EDITABLE}
    if "starts_at" in values or "ends_at" in values:
        _check_times(
            values.get("starts_at", event.starts_at),
            values.get("ends_at", event.ends_at),
            new="starts_at" in values,
        )
    if (
        "capacity" in values
        and values["capacity"] is not None
        and values["capacity"] < event.going_count
    ):
        raise Conflict(
            N_("%(count)s people are going; capacity cannot be lower", count=event.going_count),
            [FieldError("capacity", N_("must be at least %(count)s", count=event.going_count))],
        )
    changed = tuple(k for k, v in values.items() if v != getattr(event, k))
    if values:
        marks = {"ended": mark_for_new_end(values["ends_at"])} if "ends_at" in values else {}
        await conn.execute(
            update(events)
            .where(events.c.id == event_id)
            .values(
                **values,
                **marks,
                # Only a real change is a new revision: repeated no-op saves would push
                # updated_at ahead of the clock (a review).
                updated_at=await _revised_at(conn, event_id) if changed else event.updated_at,
            )
        )
    if changed:
        await announce(conn, EventChanged(event_id, changed))
    if "capacity" in values:
        await promote_waitlisted(conn, event_id)  # a larger room seats the waitlist
    return await load_event(conn, event_id, actor)


async def cancel_event(
    conn: AsyncConnection, event_id: int, actor: Actor | None, reason: str
) -> Event:
    """Managers cancel (actor None: the operator's CLI). `event.cancelled` tells people."""
    await lock_event(conn, event_id)
    if actor is not None:
        event = await _load_for_managers(conn, event_id, actor)
        if event.status is not EventStatus.scheduled:
            raise Conflict(N_("the event is already %(status)s", status=W_(event.status.value)))
    await conn.execute(
        update(events)
        .where(events.c.id == event_id)
        .values(
            status=EventStatus.cancelled.value,
            cancel_reason=reason,
            updated_at=await _revised_at(conn, event_id),
        )
    )
    await announce(conn, EventCancelled(event_id, reason))
    return (
        await load_event(conn, event_id, actor) if actor else await operator_event(conn, event_id)
    )


async def set_cover(conn: AsyncConnection, event_id: int, actor: Actor, key: str | None) -> Event:
    """Whoever manages the event sets (or, with None, removes) its cover. The replaced
    image's files are pruned later (crewup.core.media_prune)."""
    await lock_event(conn, event_id)
    await _load_for_managers(conn, event_id, actor)
    await conn.execute(
        update(events)
        .where(events.c.id == event_id)
        .values(cover=key, updated_at=await _revised_at(conn, event_id))
    )
    return await load_event(conn, event_id, actor)


async def clear_cover(conn: AsyncConnection, event_id: int) -> str | None:
    """A moderator takes the cover down, whoever manages the event; answers the key it
    had (None: it had no cover)."""
    await lock_event(conn, event_id)
    return await clear_picture(conn, events.c.cover, event_id, "event")


async def delete_event(conn: AsyncConnection, event_id: int, actor: Actor) -> None:
    event = await _load_for_managers(conn, event_id, actor)
    gone = discarded(ImageKind.cover, [event.cover])
    if gone is not None:
        await announce(conn, gone)
    await conn.execute(delete(events).where(events.c.id == event_id))


async def list_events(
    conn: Reads,
    actor: Actor | None,
    filters: EventFilter,
    *,
    limit: int,
    cursor: str | None = None,
) -> Page[Event]:
    """Upcoming visible events: nearest first with `near` (unless `soonest_first`),
    otherwise soonest first."""
    if filters.mine and actor is None:
        raise Unauthorized("sign in to list your own events")
    if is_plain_nearby(filters) and filters.near is not None and conn.dialect.name == "postgresql":
        found = await nearest_events(
            conn, actor, filters.near, filters.radius_km, decode_cursor(cursor, NearCursor), limit
        )
        return cut_page([event_from_row(row) for row in found], limit, _near_position)
    if not isinstance(conn, AsyncConnection):
        raise TypeError("only a plain nearby search runs on a quick connection")
    # The status is written into the SQL, not bound: then even a generic plan can use
    # the nearest-first index, which holds scheduled events only (migration 0020).
    scheduled = literal(EventStatus.scheduled.value, literal_execute=True)
    query = visible_events_query(actor is not None).where(
        events.c.status == scheduled, NOT_ENDED, events.c.ends_at > clock.now()
    )
    if filters.starts_from is not None:
        query = query.where(events.c.starts_at >= filters.starts_from)
    if filters.starts_to is not None:
        query = query.where(events.c.starts_at < filters.starts_to)
    if filters.group_id is not None:
        query = query.where(events.c.group_id == filters.group_id)
    if filters.q:
        query = query.where(matches_words(conn.dialect.name, filters.q, EVENT_TEXT))
    if filters.mine:
        query = query.where(viewer_rsvp.c.user_id.is_not(None))
    nearest = filters.near is not None and not filters.soonest_first
    position_of: Callable[[Event], Cursor]
    if filters.near is not None and nearest:
        query = geo.nearest_first(
            query,
            events.c.lat,
            events.c.lon,
            events.c.id,
            filters.near,
            filters.radius_km,
            decode_cursor(cursor, NearCursor),
            conn.dialect.name,
            geo.rtree_of(conn, "events"),
        )
        position_of = _near_position
    else:
        if filters.near is not None:
            query = geo.within_radius(
                query, events.c.lat, events.c.lon, filters.near, filters.radius_km
            )
        query = query.order_by(events.c.starts_at, events.c.id)
        position = decode_cursor(cursor, TimeCursor)
        if position is not None:
            query = query.where(
                or_(
                    events.c.starts_at > position.t,
                    and_(events.c.starts_at == position.t, events.c.id > position.id),
                )
            )
        position_of = _time_position
    # Other filters beside `near` may keep few of the nearest events, so these queries
    # stay inside the radius's box, whose plan needs `geo.index_order` in a small world
    # (bench/README.md, "Nearby at scale"); a plain nearby search is `nearest_events`.
    async with geo.index_order(conn, nearest=nearest):
        rows = (await conn.execute(query.limit(limit + 1), viewer_params(actor))).all()
    return cut_page([event_from_row(row) for row in rows], limit, position_of)


def is_plain_nearby(filters: EventFilter) -> bool:
    """Nearest first with no other filter: the one list the quick path answers alone
    (`nearby.nearest_events`, crewup/core/quick_reads.py)."""
    return filters.near is not None and not filters.soonest_first and _only_near(filters)


def _only_near(filters: EventFilter) -> bool:
    return not (
        filters.starts_from
        or filters.starts_to
        or filters.group_id is not None
        or filters.q
        or filters.mine
    )


def _near_position(event: Event) -> Cursor:
    return NearCursor(d=event.near_key or 0.0, id=event.id)


def _time_position(event: Event) -> Cursor:
    return TimeCursor(t=event.starts_at, id=event.id)


async def my_calendar(
    conn: AsyncConnection,
    actor: Actor,
    starts_from: datetime,
    starts_to: datetime,
    *,
    limit: int = 500,
) -> list[Event]:
    """Events I am going to, waitlisted for or interested in, cancelled ones included."""
    query = (
        event_query()
        .where(
            viewer_rsvp.c.user_id.is_not(None),
            VISIBLE,
            events.c.starts_at >= starts_from,
            events.c.starts_at < starts_to,
        )
        .order_by(events.c.starts_at, events.c.id)
        .limit(limit)
    )
    return [event_from_row(row) for row in await conn.execute(query, viewer_params(actor))]


async def operator_event(conn: AsyncConnection, event_id: int) -> Event:
    """Any event, visibility aside: for the operator's CLI."""
    row = (
        await conn.execute(event_query().where(events.c.id == event_id), {"viewer_id": NOBODY})
    ).first()
    if row is None:
        raise NotFound(f"event {event_id} not found")
    return event_from_row(row)


async def operator_events(conn: AsyncConnection, *, limit: int, after_id: int = 0) -> list[Event]:
    rows = await conn.execute(
        event_query().where(events.c.id > after_id).order_by(events.c.id).limit(limit),
        {"viewer_id": NOBODY},
    )
    return [event_from_row(row) for row in rows]
