"""Who an alert reaches, chosen by SQL in the transaction that raises it:

- every member of the groups it goes to (the author's groups, or the ones named);
- everyone `going` to an event that is on now or starts within the hour, within the
  radius of the point (cancelled events do not count);

never the author, a deleted account or a banned one. One INSERT ... SELECT stores them,
one row per person, however large the groups; a person found both ways counts once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, String, func, insert, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.geo import Point, distance_expr, within_box
from crewup.events.tables import event_participants, events
from crewup.groups.tables import group_members
from crewup.safety.tables import safety_alert_recipients
from crewup.users.service import shown_account
from crewup.users.tables import users

# "Starts within the hour": people on their way to an event nearby should hear too.
SOON = timedelta(hours=1)


def _members(group_ids: list[int]) -> Select[Any]:
    return select(
        group_members.c.user_id.label("user_id"), literal("group", String).label("reason")
    ).where(group_members.c.group_id.in_(group_ids))


def _going_nearby(point: Point, radius_km: float, now: datetime) -> Select[Any]:
    """Uses the events' lat/lon index for the box; the exact distance filters the box."""
    return (
        select(
            event_participants.c.user_id.label("user_id"),
            literal("nearby", String).label("reason"),
        )
        .select_from(events.join(event_participants, event_participants.c.event_id == events.c.id))
        .where(
            events.c.status == "scheduled",
            events.c.starts_at <= now + SOON,
            events.c.ends_at > now,
            within_box(events.c.lat, events.c.lon, point, radius_km),
            distance_expr(events.c.lat, events.c.lon, point) <= radius_km,
            event_participants.c.status == "going",
        )
    )


async def store_recipients(
    conn: AsyncConnection,
    alert_id: int,
    author_id: int,
    group_ids: list[int],
    point: Point,
    radius_km: float,
    now: datetime,
) -> tuple[int, ...]:
    """Insert the alert's recipients; answer their user ids."""
    found = union_all(_members(group_ids), _going_nearby(point, radius_km, now)).subquery()
    # "group" sorts before "nearby": a member who is also nearby is there as a member.
    chosen = (
        select(
            literal(alert_id).label("alert_id"),
            found.c.user_id,
            func.min(found.c.reason).label("reason"),
        )
        .select_from(found.join(users, users.c.id == found.c.user_id))
        .where(found.c.user_id != author_id, shown_account())
        .group_by(found.c.user_id)
    )
    rows = await conn.execute(
        insert(safety_alert_recipients)
        .from_select(["alert_id", "user_id", "reason"], chosen)
        .returning(safety_alert_recipients.c.user_id)
    )
    return tuple(sorted(rows.scalars().all()))
