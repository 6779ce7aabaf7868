"""The rules of safety alerts: raise one (rate limited, to exactly the right people),
acknowledge it, resolve it, read one, list mine, and what the banner shows.

Everything an alert causes (its recipients, the messages that notify them, the live
frames) is announced on the raising connection, so it commits or rolls back with it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, insert, select, union, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.dispatch import announce
from crewup.core.errors import Conflict, Forbidden, Invalid, RateLimited
from crewup.core.geo import Point
from crewup.core.identity import Actor, viewer_params
from crewup.core.marks import N_, W_
from crewup.core.paging import IdCursor, Page, cut_page, decode_cursor
from crewup.core.ratelimit import RateLimiter
from crewup.groups.access import load_group_for_members
from crewup.groups.tables import group_members
from crewup.safety.access import (
    ALERT_COLUMNS,
    ALERTS_WITH_VIEWER,
    Alert,
    AlertStatus,
    Answer,
    Severity,
    alert_from_row,
    load_alert,
    lock_alert,
    with_groups_shown,
)
from crewup.safety.domain_events import AlertBroadcast, AlertRaised, AlertResolved
from crewup.safety.recipients import store_recipients
from crewup.safety.tables import safety_alert_recipients, safety_alerts
from crewup.users.tables import users

log = logging.getLogger("crewup.safety")

MAX_MESSAGE_CHARS = 1000
MAX_NOTE_CHARS = 1000
# Named groups per alert: more than a person could mean to pick by hand.
MAX_GROUPS = 50


@dataclass(frozen=True)
class AlertLimit:
    """Alerts per person, so nobody can page a whole neighbourhood over and over.
    Operator tools write without one: `limiter` None."""

    limiter: RateLimiter | None
    rule: str = ""

    async def spend(self, actor: Actor) -> None:
        if self.limiter is None:
            return
        try:
            await self.limiter.hit(self.rule, "safety-alert", str(actor.id), what=N_("alerts"))
        except RateLimited:
            raise
        except Exception as exc:
            # Redis is away: an emergency still goes out (as chat keeps working) rather
            # than nobody hearing of it; the limit applies again when Redis returns.
            log.warning("safety alert rate limit not checked, its store is unreachable: %s", exc)


UNLIMITED = AlertLimit(None)


@dataclass(frozen=True)
class Acknowledgement:
    user_id: int
    display_name: str
    answer: Answer
    acknowledged_at: datetime


@dataclass(frozen=True)
class AlertDetail:
    alert: Alert
    # Who answered, for the author and moderators only (None for everyone else).
    acknowledgements: list[Acknowledgement] | None


def _clean(text: str, what: str, max_chars: int) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise Invalid(N_("%(what)s needs some text", what=W_(what)))
    if len(cleaned) > max_chars:
        raise Invalid(N_("%(what)s is at most %(max)s characters", what=W_(what), max=max_chars))
    return cleaned


async def _scope(conn: AsyncConnection, actor: Actor, group_ids: list[int] | None) -> list[int]:
    """The groups the alert goes to. Named groups must be the author's own: a hidden one
    is NotFound, a visible one they are not in is Forbidden (load_group_for_members)."""
    if group_ids is not None:
        if not group_ids:
            raise Invalid(N_("name at least one group, or leave group_ids out for all of yours"))
        if len(set(group_ids)) > MAX_GROUPS:
            raise Invalid(N_("at most %(max)s groups", max=MAX_GROUPS))
        for group_id in sorted(set(group_ids)):
            await load_group_for_members(conn, group_id, actor)
        return sorted(set(group_ids))
    mine = await conn.execute(
        select(group_members.c.group_id)
        .where(group_members.c.user_id == actor.id)
        .order_by(group_members.c.group_id)
    )
    found = [int(g) for g in mine.scalars()]
    if not found:
        raise Forbidden(N_("alerts go to your groups: join a group first"))
    return found


async def may_raise(conn: AsyncConnection, actor: Actor) -> bool:
    """Alerts go to the author's groups (_scope): someone in none has nobody to alert."""
    found = await conn.execute(
        select(group_members.c.group_id).where(group_members.c.user_id == actor.id).limit(1)
    )
    return found.first() is not None


async def raise_alert(
    conn: AsyncConnection,
    limit: AlertLimit,
    actor: Actor,
    *,
    message: str,
    severity: Severity,
    point: Point,
    group_ids: list[int] | None,
    radius_km: float,
) -> Alert:
    text = _clean(message, N_("an alert"), MAX_MESSAGE_CHARS)
    scope = await _scope(conn, actor, group_ids)
    await limit.spend(actor)
    now = clock.now()
    alert_id = (
        await conn.execute(
            insert(safety_alerts)
            .values(
                author_id=actor.id,
                message=text,
                severity=severity.value,
                lat=point.lat,
                lon=point.lon,
                radius_km=radius_km,
                group_ids=scope,
                recipient_count=0,
                status=AlertStatus.open.value,
                created_at=now,
            )
            .returning(safety_alerts.c.id)
        )
    ).scalar_one()
    reached = await store_recipients(conn, alert_id, actor.id, scope, point, radius_km, now)
    await conn.execute(
        update(safety_alerts)
        .where(safety_alerts.c.id == alert_id)
        .values(recipient_count=len(reached))
    )
    await announce(conn, AlertRaised(alert_id, actor.id, severity.value, text))
    await announce(
        conn,
        AlertBroadcast(
            alert_id,
            AlertStatus.open.value,
            severity.value,
            text,
            point.lat,
            point.lon,
            actor.id,
            actor.display_name,
            now,
            None,
            reached,
        ),
    )
    return await load_alert(conn, alert_id, actor)


async def acknowledge(conn: AsyncConnection, alert_id: int, actor: Actor, answer: Answer) -> Alert:
    """Only the people it reached answer; anyone else is told it does not exist. Saying
    it again is harmless (the time of that answer stays), and "on my way" may become
    "ok" (or back)."""
    same = safety_alert_recipients.c.acknowledgement == answer.value
    done = await conn.execute(
        update(safety_alert_recipients)
        .where(
            safety_alert_recipients.c.alert_id == alert_id,
            safety_alert_recipients.c.user_id == actor.id,
        )
        .values(
            acknowledgement=answer.value,
            acknowledged_at=case(
                (same, safety_alert_recipients.c.acknowledged_at), else_=clock.now()
            ),
        )
    )
    if not done.rowcount:
        alert = await load_alert(conn, alert_id, actor)  # NotFound for anyone it is hidden to
        if alert.author_id == actor.id:
            raise Conflict(N_("you raised this alert; only the people it reached acknowledge it"))
        raise Forbidden(
            N_("this alert did not reach you; only the people it reached acknowledge it")
        )
    return await load_alert(conn, alert_id, actor)


async def resolve(conn: AsyncConnection, alert_id: int, actor: Actor, note: str) -> Alert:
    """By its author or a moderator; the recipients hear of it live and as a notification."""
    text = _clean(note, N_("a resolution note"), MAX_NOTE_CHARS) if note.strip() else ""
    await lock_alert(conn, alert_id)
    alert = await load_alert(conn, alert_id, actor)
    if not alert.may_manage(actor):
        raise Forbidden(N_("only the alert's author or a moderator may resolve it"))
    if alert.status is AlertStatus.resolved:
        raise Conflict(N_("the alert is already resolved"))
    now = clock.now()
    await conn.execute(
        update(safety_alerts)
        .where(safety_alerts.c.id == alert_id)
        .values(
            status=AlertStatus.resolved.value,
            resolved_by=actor.id,
            resolved_at=now,
            resolution_note=text,
        )
    )
    reached = set(
        (
            await conn.execute(
                select(safety_alert_recipients.c.user_id).where(
                    safety_alert_recipients.c.alert_id == alert_id
                )
            )
        ).scalars()
    )
    if alert.author_id != actor.id:  # a moderator resolved it: the author hears too
        reached.add(alert.author_id)
    await announce(conn, AlertResolved(alert_id, alert.author_id, actor.id, text))
    await announce(
        conn,
        AlertBroadcast(
            alert_id,
            AlertStatus.resolved.value,
            alert.severity.value,
            alert.message,
            alert.lat,
            alert.lon,
            alert.author_id,
            alert.author_name,
            alert.created_at,
            text,
            tuple(sorted(reached)),
        ),
    )
    return await load_alert(conn, alert_id, actor)


async def get_alert(conn: AsyncConnection, alert_id: int, actor: Actor) -> AlertDetail:
    alert = await load_alert(conn, alert_id, actor)
    if not alert.may_manage(actor):
        return AlertDetail(alert, None)
    rows = await conn.execute(
        select(
            safety_alert_recipients.c.user_id,
            users.c.display_name,
            safety_alert_recipients.c.acknowledgement,
            safety_alert_recipients.c.acknowledged_at,
        )
        .join(users, users.c.id == safety_alert_recipients.c.user_id)
        .where(
            safety_alert_recipients.c.alert_id == alert_id,
            safety_alert_recipients.c.acknowledged_at.is_not(None),
        )
        .order_by(safety_alert_recipients.c.acknowledged_at, safety_alert_recipients.c.user_id)
    )
    answered = [
        Acknowledgement(r.user_id, r.display_name, Answer(r.acknowledgement), r.acknowledged_at)
        for r in rows
    ]
    return AlertDetail(alert, answered)


def _newest_ids(actor: Actor, active: bool, before: int | None, limit: int) -> Any:
    """The alerts I raised and the ones I received, each walked down its own index and
    cut to the page, then merged: never a scan of every alert."""
    raised = select(safety_alerts.c.id.label("id")).where(safety_alerts.c.author_id == actor.id)
    received = select(safety_alert_recipients.c.alert_id.label("id")).where(
        safety_alert_recipients.c.user_id == actor.id
    )
    if active:
        raised = raised.where(safety_alerts.c.status == AlertStatus.open.value)
        received = received.join(
            safety_alerts, safety_alerts.c.id == safety_alert_recipients.c.alert_id
        ).where(safety_alerts.c.status == AlertStatus.open.value)
    if before is not None:
        raised = raised.where(safety_alerts.c.id < before)
        received = received.where(safety_alert_recipients.c.alert_id < before)
    raised = raised.order_by(safety_alerts.c.id.desc()).limit(limit + 1)
    received = received.order_by(safety_alert_recipients.c.alert_id.desc()).limit(limit + 1)
    both = union(raised.subquery().select(), received.subquery().select()).subquery()
    return select(both.c.id).order_by(both.c.id.desc()).limit(limit + 1)


async def list_alerts(
    conn: AsyncConnection,
    actor: Actor,
    *,
    active: bool,
    limit: int,
    cursor: str | None = None,
) -> Page[Alert]:
    """The alerts I raised or received, newest first; one statement per page."""
    position = decode_cursor(cursor, IdCursor)
    ids = _newest_ids(actor, active, position.id if position else None, limit).subquery()
    query = (
        select(*ALERT_COLUMNS)
        .select_from(ALERTS_WITH_VIEWER.join(ids, ids.c.id == safety_alerts.c.id))
        .order_by(safety_alerts.c.id.desc())
    )
    found = [alert_from_row(row) for row in await conn.execute(query, viewer_params(actor))]
    return cut_page(await with_groups_shown(conn, found, actor), limit, lambda a: IdCursor(id=a.id))


BANNER_LIMIT = 3


async def unanswered(conn: AsyncConnection, actor: Actor) -> list[Alert]:
    """Open alerts I received and have not answered: the banner on every page. An index
    range over my unanswered rows (partial index), a few at most."""
    mine = (
        select(safety_alert_recipients.c.alert_id)
        .where(
            safety_alert_recipients.c.user_id == actor.id,
            safety_alert_recipients.c.acknowledged_at.is_(None),
        )
        .subquery()
    )
    query = (
        select(*ALERT_COLUMNS)
        .select_from(ALERTS_WITH_VIEWER.join(mine, mine.c.alert_id == safety_alerts.c.id))
        .where(safety_alerts.c.status == AlertStatus.open.value)
        # Down my unanswered rows (the partial index), newest first, until a few open ones.
        .order_by(mine.c.alert_id.desc())
        .limit(BANNER_LIMIT)
    )
    return [alert_from_row(row) for row in await conn.execute(query, viewer_params(actor))]
