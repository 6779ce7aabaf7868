"""The audit log: who did what to whom, when, why and through which face.

`record` is the only writer. Every moderation and admin action calls it with the
connection of the action itself, so the row commits or rolls back with the change.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.errors import Forbidden
from crewup.core.identity import Actor
from crewup.core.marks import N_
from crewup.core.paging import IdCursor, Page, cut_page, decode_cursor
from crewup.moderation.tables import audit_log


class Face(enum.StrEnum):
    api = "api"
    page = "page"
    cli = "cli"


@dataclass(frozen=True)
class Doer:
    """Who acts and through which face. `actor` None is an operator at the console
    (crewup-admin): whoever can run it already holds the installation's keys."""

    actor: Actor | None
    face: Face

    @property
    def actor_id(self) -> int | None:
        return self.actor.id if self.actor is not None else None

    @property
    def is_moderator(self) -> bool:
        return self.actor is None or self.actor.is_moderator

    @property
    def is_admin(self) -> bool:
        return self.actor is None or self.actor.is_admin


OPERATOR = Doer(None, Face.cli)


def require_moderator(doer: Doer) -> None:
    if not doer.is_moderator:
        raise Forbidden(N_("only moderators and admins may do this"))


@dataclass(frozen=True)
class AuditEntry:
    id: int
    actor_id: int | None
    face: str
    action: str
    target_type: str
    target_id: int | None
    reason: str | None
    detail: dict[str, Any]
    created_at: datetime


async def record(
    conn: AsyncConnection,
    doer: Doer,
    action: str,
    target_type: str,
    target_id: int | None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    await record_as(conn, doer.actor_id, doer.face, action, target_type, target_id, reason, detail)


async def record_as(
    conn: AsyncConnection,
    actor_id: int | None,
    face: Face,
    action: str,
    target_type: str,
    target_id: int | None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """`record` for subscribers, which know the actor by id only (see subscribers.py)."""
    await conn.execute(
        insert(audit_log).values(
            actor_id=actor_id,
            face=face.value,
            action=action,
            target_type=target_type,
            target_id=target_id,
            reason=reason,
            detail=detail or {},
            created_at=clock.now(),
        )
    )


def _entry(row: Any) -> AuditEntry:
    data = dict(row._mapping)
    data["detail"] = dict(data["detail"] or {})
    return AuditEntry(**data)


async def list_entries(
    conn: AsyncConnection,
    doer: Doer,
    *,
    action: str | None = None,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: int | None = None,
    limit: int,
    cursor: str | None = None,
) -> Page[AuditEntry]:
    """Newest first. Each filter has an index that ends in id, so a page is an index range
    (action, actor, or target type and id)."""
    require_moderator(doer)
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit + 1)
    if action is not None:
        query = query.where(audit_log.c.action == action)
    if actor_id is not None:
        query = query.where(audit_log.c.actor_id == actor_id)
    if target_type is not None:
        query = query.where(audit_log.c.target_type == target_type)
    if target_id is not None:
        query = query.where(audit_log.c.target_id == target_id)
    position = decode_cursor(cursor, IdCursor)
    if position is not None:
        query = query.where(audit_log.c.id < position.id)
    rows = [_entry(row) for row in await conn.execute(query)]
    return cut_page(rows, limit, lambda entry: IdCursor(id=entry.id))
