"""The installation at a glance, for operators (`crewup-admin stats`).

Each figure is one aggregate statement over one table, chosen so the database answers
it from an index where one exists (groups by visibility, upcoming events, unresolved
reports, recent alerts) and otherwise in a single pass (people, posts, messages).
Moderation sits above every domain it counts, so it reads their tables directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.chat.tables import chat_messages
from crewup.core import clock
from crewup.events.tables import events
from crewup.groups.tables import groups
from crewup.moderation.audit import Doer, require_moderator
from crewup.moderation.reports import UNRESOLVED
from crewup.moderation.tables import reports
from crewup.posts.tables import posts
from crewup.safety.tables import safety_alerts
from crewup.users.tables import users

ALERT_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class SiteStats:
    at: datetime
    # Live accounts (not deleted): without a ban on record, and with one.
    people_active: int
    people_banned: int
    groups_public: int
    groups_private: int
    events_upcoming: int  # scheduled and not started yet
    chat_messages: int  # not removed
    posts: int  # not removed
    reports_open: int  # open or claimed
    # Bans in effect now; people_banned also counts bans past their expiry that the
    # scheduled job has not lifted yet.
    bans_active: int
    alerts_week: int  # raised in the last 7 days


async def _people(conn: AsyncConnection, now: datetime) -> tuple[int, int, int]:
    banned = users.c.banned_at.is_not(None)
    in_effect = and_(banned, or_(users.c.ban_expires_at.is_(None), users.c.ban_expires_at > now))
    row = (
        await conn.execute(
            select(
                func.count().filter(users.c.banned_at.is_(None)),
                func.count().filter(banned),
                func.count().filter(in_effect),
            ).where(users.c.deleted_at.is_(None))
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


async def _groups(conn: AsyncConnection) -> dict[str, int]:
    # ix_groups_visibility_id answers this without reading the rows.
    rows = await conn.execute(
        select(groups.c.visibility, func.count()).group_by(groups.c.visibility)
    )
    return {str(visibility): int(n) for visibility, n in rows}


async def _count(conn: AsyncConnection, query: Select[Any]) -> int:
    return int((await conn.execute(query)).scalar_one())


async def site_stats(conn: AsyncConnection, doer: Doer) -> SiteStats:
    require_moderator(doer)
    now = clock.now()
    active, banned, in_effect = await _people(conn, now)
    by_visibility = await _groups(conn)
    upcoming = await _count(
        conn,
        select(func.count())
        .select_from(events)
        .where(events.c.starts_at > now, events.c.status == "scheduled"),
    )
    messages = await _count(
        conn,
        select(func.count()).select_from(chat_messages).where(chat_messages.c.removed_at.is_(None)),
    )
    post_count = await _count(
        conn, select(func.count()).select_from(posts).where(posts.c.removed_at.is_(None))
    )
    open_reports = await _count(
        conn, select(func.count()).select_from(reports).where(reports.c.status.in_(UNRESOLVED))
    )
    alerts = await _count(
        conn,
        select(func.count())
        .select_from(safety_alerts)
        .where(safety_alerts.c.created_at >= now - ALERT_WINDOW),
    )
    return SiteStats(
        at=now,
        people_active=active,
        people_banned=banned,
        groups_public=by_visibility.get("public", 0),
        groups_private=by_visibility.get("private", 0),
        events_upcoming=upcoming,
        chat_messages=messages,
        posts=post_count,
        reports_open=open_reports,
        bans_active=in_effect,
        alerts_week=alerts,
    )
