"""Who sees an alert: the people it reached, its author, moderators. Everyone else is
told it does not exist (NotFound), never that it is forbidden."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.errors import NotFound
from crewup.core.identity import VIEWER_ID, Actor, viewer_params
from crewup.groups.access import GROUPS_WITH_MEMBER, LISTED
from crewup.groups.tables import groups
from crewup.safety.tables import safety_alert_recipients, safety_alerts
from crewup.users.tables import users


class Severity(enum.StrEnum):
    info = "info"
    warning = "warning"
    emergency = "emergency"


class Answer(enum.StrEnum):
    """A recipient's acknowledgement."""

    ok = "ok"
    on_my_way = "on_my_way"


class AlertStatus(enum.StrEnum):
    open = "open"
    resolved = "resolved"


@dataclass(frozen=True)
class Alert:
    id: int
    author_id: int
    author_name: str
    message: str
    severity: Severity
    lat: float
    lon: float
    radius_km: float
    group_ids: list[int]
    recipient_count: int
    status: AlertStatus
    resolved_by: int | None
    resolved_at: datetime | None
    resolution_note: str | None
    created_at: datetime
    received: bool  # the viewer is one of its recipients
    my_answer: Answer | None

    def may_manage(self, actor: Actor) -> bool:
        """Resolve it and see who answered: its author and moderators."""
        return self.author_id == actor.id or actor.is_moderator

    def visible_to(self, actor: Actor) -> bool:
        return self.received or self.may_manage(actor)


_mine = safety_alert_recipients.alias("mine")
ALERT_COLUMNS = (
    safety_alerts.c.id,
    safety_alerts.c.author_id,
    users.c.display_name.label("author_name"),
    safety_alerts.c.message,
    safety_alerts.c.severity,
    safety_alerts.c.lat,
    safety_alerts.c.lon,
    safety_alerts.c.radius_km,
    safety_alerts.c.group_ids,
    safety_alerts.c.recipient_count,
    safety_alerts.c.status,
    safety_alerts.c.resolved_by,
    safety_alerts.c.resolved_at,
    safety_alerts.c.resolution_note,
    safety_alerts.c.created_at,
    _mine.c.user_id.is_not(None).label("received"),
    _mine.c.acknowledgement.label("my_answer"),
)
# The viewer's own recipient row comes from an outer join on one bound viewer id, so a
# list of any length is one statement.
ALERTS_WITH_VIEWER = safety_alerts.join(users, users.c.id == safety_alerts.c.author_id).outerjoin(
    _mine, and_(_mine.c.alert_id == safety_alerts.c.id, _mine.c.user_id == VIEWER_ID)
)


def alert_from_row(row: Any) -> Alert:
    data = dict(row._mapping)
    data["severity"] = Severity(data["severity"])
    data["status"] = AlertStatus(data["status"])
    data["received"] = bool(data["received"])
    data["my_answer"] = Answer(data["my_answer"]) if data["my_answer"] else None
    data["group_ids"] = [int(g) for g in data["group_ids"] or []]
    return Alert(**data)


async def load_alert(conn: AsyncConnection, alert_id: int, actor: Actor) -> Alert:
    """The alert as this viewer sees it; NotFound unless they may see it."""
    query = (
        select(*ALERT_COLUMNS).select_from(ALERTS_WITH_VIEWER).where(safety_alerts.c.id == alert_id)
    )
    row = (await conn.execute(query, viewer_params(actor))).first()
    if row is None:
        raise NotFound(f"alert {alert_id} not found")
    alert = alert_from_row(row)
    if not alert.visible_to(actor):
        raise NotFound(f"alert {alert_id} not found")
    return (await with_groups_shown(conn, [alert], actor))[0]


async def with_groups_shown(
    conn: AsyncConnection, alerts: list[Alert], actor: Actor
) -> list[Alert]:
    """An alert names the groups it went to. Someone it reached through a nearby event
    sees only the groups they may see: a private group's id led to the group (a
    black-box trial). Its author and moderators see them all. One query a page."""
    named = {g for alert in alerts if not alert.may_manage(actor) for g in alert.group_ids}
    if not named:
        return alerts
    shown = set(
        (
            await conn.execute(
                select(groups.c.id)
                .select_from(GROUPS_WITH_MEMBER)
                .where(groups.c.id.in_(sorted(named)), LISTED),
                viewer_params(actor),
            )
        ).scalars()
    )
    return [
        alert
        if alert.may_manage(actor)
        else replace(alert, group_ids=[g for g in alert.group_ids if g in shown])
        for alert in alerts
    ]


async def lock_alert(conn: AsyncConnection, alert_id: int) -> None:
    """Serialise resolutions of one alert: a row lock on PostgreSQL (SQLite has one
    writer). FOR NO KEY UPDATE: recipients' foreign-key checks need not wait on it."""
    if conn.dialect.name == "postgresql":
        await conn.execute(
            select(safety_alerts.c.id)
            .where(safety_alerts.c.id == alert_id)
            .with_for_update(key_share=True)
        )
