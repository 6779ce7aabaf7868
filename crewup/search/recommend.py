"""Recommendations that explain themselves: groups to join and events to go to.

Candidates come from one indexed statement per list (my interests as categories, my home
area by bounding box, the groups of people I share groups with), at most CANDIDATES of
them; the score and the human reason are computed here from what that statement read.
Reasons are written in the running language (crewup.core.i18n): the page's reader, the
API caller's `Accept-Language`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock, geo
from crewup.core.i18n import gettext, ngettext
from crewup.core.identity import Actor, viewer_params
from crewup.events.access import (
    VISIBLE,
    Event,
    EventStatus,
    event_from_row,
    event_query,
    viewer_rsvp,
)
from crewup.events.tables import events
from crewup.groups.access import (
    GROUP_COLUMNS,
    GROUPS_WITH_VIEWER,
    VIEWER_COLUMNS,
    VIEWER_ROLE,
    Group,
    Visibility,
    group_from_row,
)
from crewup.groups.tables import group_members, groups
from crewup.posts.tables import posts
from crewup.users.service import get_account

RADIUS_KM = 50.0
CANDIDATES = 200
ACTIVE_DAYS = 30
UPCOMING_DAYS = 60


T = TypeVar("T")


@dataclass(frozen=True)
class Recommended(Generic[T]):
    item: T
    reason: str
    score: float


@dataclass(frozen=True)
class Profile:
    interests: frozenset[str]
    home: geo.Point | None
    my_groups: dict[int, str]  # id -> name


async def _profile(conn: AsyncConnection, actor: Actor) -> Profile:
    me = await get_account(conn, actor.id)
    home = None
    if me.home_lat is not None and me.home_lon is not None:
        home = geo.Point(me.home_lat, me.home_lon)
    rows = await conn.execute(
        select(groups.c.id, groups.c.name)
        .join(group_members, group_members.c.group_id == groups.c.id)
        .where(group_members.c.user_id == actor.id)
    )
    return Profile(frozenset(i.lower() for i in me.interests), home, {r.id: r.name for r in rows})


def _peers_by_group(profile: Profile, actor: Actor) -> Any:
    """(group_id, via_group_id, people): members of other groups who share one of mine."""
    peer = group_members.alias("peer")
    mine = group_members.alias("mine")
    other = group_members.alias("other")
    return (
        select(
            other.c.group_id,
            mine.c.group_id.label("via"),
            func.count(func.distinct(other.c.user_id)).label("people"),
        )
        .select_from(
            mine.join(peer, peer.c.group_id == mine.c.group_id).join(
                other, other.c.user_id == peer.c.user_id
            )
        )
        .where(mine.c.user_id == actor.id, peer.c.user_id != actor.id)
        .group_by(other.c.group_id, mine.c.group_id)
    )


async def _shared_people(
    conn: AsyncConnection, profile: Profile, actor: Actor
) -> dict[int, tuple[int, str]]:
    """For each group: how many people I know from my groups are in it, and via which."""
    if not profile.my_groups:
        return {}
    best: dict[int, tuple[int, str]] = {}
    for row in await conn.execute(_peers_by_group(profile, actor)):
        if row.group_id in profile.my_groups:
            continue
        if row.people > best.get(row.group_id, (0, ""))[0]:
            best[row.group_id] = (row.people, profile.my_groups[row.via])
    return best


def _near(lat: Any, lon: Any, home: geo.Point | None) -> ColumnElement[bool]:
    if home is None:
        return false()
    return geo.within_box(lat, lon, home, RADIUS_KM)


def _km(distance: float | None) -> str:
    if distance is None or distance < 1:
        return gettext("nearby")
    return gettext("%(km)s km away") % {"km": f"{distance:.0f}"}


def _score(
    interest: str | None, distance: float | None, people: int, activity: int
) -> tuple[float, list[str]]:
    score, reasons = 0.0, []
    if interest:
        score += 3
        reasons.append(gettext("matches %(interest)s") % {"interest": gettext(interest)})
    if distance is not None and distance <= RADIUS_KM:
        score += 2 * (1 - distance / RADIUS_KM)
        reasons.append(_km(distance))
    if people:
        score += min(3.0, 1 + math.log2(people))
    if activity:
        score += min(1.0, activity / 10)
    return score, reasons


def _reason(parts: list[str], people: int, via: str, activity: str) -> str:
    if people:
        known = ngettext(
            "%(num)s person from %(group)s is a member",
            "%(num)s people from %(group)s are members",
            people,
        )
        parts = [known % {"num": people, "group": via}, *parts]
    if not parts and activity:
        parts = [activity]
    return ", ".join(parts[:2]) or gettext("popular right now")


async def recommend_groups(
    conn: AsyncConnection, actor: Actor, *, limit: int
) -> list[Recommended[Group]]:
    """Public groups I have not joined, for my interests, my area and the people I know."""
    profile = await _profile(conn, actor)
    shared = await _shared_people(conn, profile, actor)
    wanted = groups.c.category.in_(sorted(profile.interests)) if profile.interests else false()
    since = clock.now() - timedelta(days=ACTIVE_DAYS)
    recent_posts = (
        select(func.count())
        .where(
            posts.c.group_id == groups.c.id,
            posts.c.created_at >= since,
            posts.c.removed_at.is_(None),
        )
        .correlate(groups)
        .scalar_subquery()
    )
    query = (
        select(*GROUP_COLUMNS, *VIEWER_COLUMNS, recent_posts.label("recent_posts"))
        .select_from(GROUPS_WITH_VIEWER)
        .where(
            groups.c.visibility == Visibility.public.value,
            VIEWER_ROLE.is_(None),
            or_(
                wanted,
                _near(groups.c.lat, groups.c.lon, profile.home),
                groups.c.id.in_(list(shared)) if shared else false(),
            ),
        )
        .order_by(groups.c.id.desc())
        .limit(CANDIDATES)
    )
    if profile.home is not None:
        query = query.add_columns(
            geo.distance_expr(groups.c.lat, groups.c.lon, profile.home).label("distance_km")
        )
    found = []
    for row in await conn.execute(query, viewer_params(actor)):
        data = dict(row._mapping)
        active = data.pop("recent_posts")
        group = group_from_row(_Row(data))
        people, via = shared.get(group.id, (0, ""))
        interest = group.category if group.category in profile.interests else None
        score, parts = _score(interest, group.distance_km, people, active)
        activity = (
            ngettext("%(num)s post this month", "%(num)s posts this month", active)
            % {"num": active}
            if active
            else ""
        )
        found.append(Recommended(group, _reason(parts, people, via, activity), score))
    found.sort(key=lambda r: (-r.score, -r.item.id))
    return found[:limit]


@dataclass(frozen=True)
class _Row:
    """A row without our extra columns, for the domains' own row readers."""

    values: dict[str, Any]

    def _asdict(self) -> dict[str, Any]:
        return dict(self.values)


async def recommend_events(
    conn: AsyncConnection, actor: Actor, *, limit: int
) -> list[Recommended[Event]]:
    """Upcoming events I may see and have not answered: in my groups, for my interests, in
    my area, or where people I know are going."""
    profile = await _profile(conn, actor)
    shared = await _shared_people(conn, profile, actor)
    now = clock.now()
    wanted = groups.c.category.in_(sorted(profile.interests)) if profile.interests else false()
    related = [*profile.my_groups, *shared]
    query = event_query(groups.c.category.label("category")).where(
        VISIBLE,
        viewer_rsvp.c.user_id.is_(None),
        events.c.status == EventStatus.scheduled.value,
        events.c.starts_at > now,
        events.c.starts_at < now + timedelta(days=UPCOMING_DAYS),
        or_(
            wanted,
            _near(events.c.lat, events.c.lon, profile.home),
            events.c.group_id.in_(related) if related else false(),
        ),
    )
    if profile.home is not None:
        query = query.add_columns(
            geo.distance_expr(events.c.lat, events.c.lon, profile.home).label("distance_km")
        )
    query = query.order_by(events.c.starts_at, events.c.id).limit(CANDIDATES)
    found = []
    for row in await conn.execute(query, viewer_params(actor)):
        data = dict(row._mapping)
        category = data.pop("category")
        event = event_from_row(_Row(data))
        interest = category if category in profile.interests else None
        people, via = shared.get(event.group_id, (0, ""))
        score, parts = _score(interest, event.distance_km, 0, event.going_count)
        if event.group_id in profile.my_groups:
            score += 2
            parts.insert(0, gettext("in %(group)s") % {"group": event.group_name})
        elif people:
            score += min(2.0, math.log2(1 + people))
            parts.insert(
                0,
                gettext("%(num)s from %(via)s in %(group)s")
                % {"num": people, "via": via, "group": event.group_name},
            )
        going = (
            ngettext("%(num)s going", "%(num)s going", event.going_count)
            % {"num": event.going_count}
            if event.going_count
            else ""
        )
        found.append(Recommended(event, _reason(parts, 0, "", going), score))
    found.sort(key=lambda r: (-r.score, r.item.starts_at, r.item.id))
    return found[:limit]
