"""Notices to everyone in a group but one person (a new post: its group's members but
the author), for a whole batch in one statement of fixed shape.

The batch's notices travel as one JSON parameter, joined in SQL to the members of their
groups and to those members' preferences, so a batch of two hundred posts costs one
INSERT whose text never changes: compiled once, prepared once, planned as one join.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Insert, Integer, String, and_, bindparam, func, insert, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import TypeEngine

from crewup.core import bound_rows
from crewup.core.db import UtcDateTime
from crewup.groups.tables import group_members
from crewup.notifications.kinds import DEFAULTS, Kind
from crewup.notifications.tables import notification_settings, notifications
from crewup.users.tables import users


@dataclass(frozen=True)
class Members:
    """The recipients: the members of `group_id`, except `but` (who caused the notice)."""

    group_id: int
    but: int


@dataclass(frozen=True)
class MembersNotice:
    kind: Kind
    members: Members
    data: dict[str, Any]
    url: str


_COLUMNS: dict[str, TypeEngine[Any]] = {
    "group_id": Integer(),
    "but": Integer(),
    "kind": String(),
    "in_app": Boolean(),  # the kind's default, for people who never changed it
    "data": JSON(),
    "url": String(),
}


@functools.cache
def _statement(dialect: str) -> Insert:
    notices, c = bound_rows.json_rows(dialect, "notices", _COLUMNS)
    prefs = notification_settings
    chosen = and_(prefs.c.user_id == group_members.c.user_id, prefs.c.kind == c["kind"])
    source = (
        select(
            group_members.c.user_id,
            c["kind"],
            c["data"],
            c["url"],
            bindparam("now", type_=UtcDateTime()),
        )
        .select_from(
            notices.join(group_members, group_members.c.group_id == c["group_id"])
            .join(users, users.c.id == group_members.c.user_id)
            .outerjoin(prefs, chosen)
        )
        .where(
            group_members.c.user_id != c["but"],
            users.c.deleted_at.is_(None),
            func.coalesce(prefs.c.in_app, c["in_app"]),
        )
    )
    return (
        insert(notifications)
        .from_select(["user_id", "kind", "data", "url", "created_at"], source)
        .returning(notifications.c.id, notifications.c.user_id, notifications.c.kind)
    )


async def notify_members(
    conn: AsyncConnection, batch: Sequence[MembersNotice], now: datetime
) -> list[Row[Any]]:
    """Insert the notifications of `batch`; answers (id, user_id, kind) of each made."""
    if not batch:
        return []
    rows = bound_rows.encode(
        {
            "group_id": notice.members.group_id,
            "but": notice.members.but,
            "kind": notice.kind.value,
            "in_app": DEFAULTS[notice.kind].in_app,
            "data": notice.data,
            "url": notice.url,
        }
        for notice in batch
    )
    statement = _statement(conn.dialect.name)
    return list((await conn.execute(statement, {"notices": rows, "now": now})).all())
