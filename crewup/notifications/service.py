"""Notifications: made for the right people (respecting each one's preferences), listed,
marked read, counted; and the preferences themselves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import (
    Select,
    and_,
    case,
    delete,
    false,
    func,
    insert,
    literal,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.db import upsert
from crewup.core.dispatch import announce
from crewup.core.errors import Invalid
from crewup.core.identity import Actor
from crewup.core.netguard import may_be_public_host
from crewup.core.paging import IdCursor, Page, cut_page, decode_cursor
from crewup.notifications.domain_events import DeliveryRequested, NotificationsCreated
from crewup.notifications.fanout import Members, MembersNotice, notify_members
from crewup.notifications.kinds import DEFAULTS, Channels, Kind, wording
from crewup.notifications.tables import notification_settings, notifications, push_subscriptions
from crewup.users.service import DELETED_NAME
from crewup.users.tables import users


@dataclass(frozen=True)
class Notification:
    id: int
    kind: str
    text: str
    url: str
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


def _channel(kind: Kind, name: str) -> Any:
    """This person's choice for `kind` on a channel, or the default (an outer join)."""
    default = getattr(DEFAULTS[kind], name)
    column = notification_settings.c[name]
    return case((column.is_(None), true() if default else false()), else_=column)


def _prefs_join(kind: Kind, user_id: Any) -> Any:
    return and_(notification_settings.c.user_id == user_id, notification_settings.c.kind == kind)


# What to notify: the kind, the recipients (a query selecting their user ids, one column,
# or a group's members but one), the data the wording needs, and where it links to.
Planned = tuple[Kind, Select[Any] | Members, dict[str, Any], str]
# Notices per INSERT: SQLite allows 500 terms in a compound SELECT.
_NOTICES_PER_STATEMENT = 128


def _chunks(count: int) -> list[tuple[int, int]]:
    """(start, end) of each INSERT: powers of two, largest first. SQLAlchemy compiles a
    statement once per shape, and compiling a union of a hundred selects costs more than
    running it; a batch of any size is then a few statements of at most 8 shapes."""
    spans = []
    start = 0
    while start < count:
        size = _NOTICES_PER_STATEMENT
        while size > count - start:
            size //= 2
        spans.append((start, start + size))
        start += size
    return spans


async def notify(
    conn: AsyncConnection,
    kind: Kind,
    recipients: Select[Any],
    data: dict[str, Any],
    url: str,
) -> int:
    return await notify_many(conn, [(kind, recipients, data, url)])


def _rows_for(
    kind: Kind, recipients: Select[Any], data: dict[str, Any], url: str, now: datetime
) -> Select[Any]:
    # Each person once, however many ways the query finds them: a semi-join (IN) rather
    # than DISTINCT over a subquery, which is cheaper to plan and, with hundreds of
    # notices in a batch, much cheaper for SQLAlchemy to build.
    return (
        select(
            users.c.id.label("user_id"),
            literal(kind.value).label("kind"),
            literal(data, notifications.c.data.type).label("data"),
            literal(url).label("url"),
            literal(now, notifications.c.created_at.type).label("created_at"),
        )
        .select_from(users.outerjoin(notification_settings, _prefs_join(kind, users.c.id)))
        .where(
            users.c.id.in_(recipients.correlate(None)),
            _channel(kind, "in_app"),
            users.c.deleted_at.is_(None),
        )
    )


async def notify_many(conn: AsyncConnection, batch: Sequence[Planned]) -> int:
    """One notification per recipient of each planned notice, except those who turned
    that kind off in the app; e-mail and push are requested for those who want them.
    Set-based: a batch of notices (and a post to a group of thousands) is one INSERT."""
    now = clock.now()
    queried: list[tuple[Kind, Select[Any], dict[str, Any], str]] = []
    to_members: list[MembersNotice] = []
    for kind, recipients, data, url in batch:
        if isinstance(recipients, Members):
            to_members.append(MembersNotice(kind, recipients, data, url))
        else:
            queried.append((kind, recipients, data, url))
    made: list[Any] = await notify_members(conn, to_members, now)
    for start, end in _chunks(len(queried)):
        part = [_rows_for(*planned, now) for planned in queried[start:end]]
        source = part[0] if len(part) == 1 else union_all(*part)
        made += (
            await conn.execute(
                insert(notifications)
                .from_select(["user_id", "kind", "data", "url", "created_at"], source)
                .returning(notifications.c.id, notifications.c.user_id, notifications.c.kind)
            )
        ).all()
    if not made:
        return 0
    await announce(conn, NotificationsCreated(tuple(sorted({row.user_id for row in made}))))
    by_kind: dict[Kind, list[tuple[int, int]]] = {}
    for row in made:
        by_kind.setdefault(Kind(row.kind), []).append((row.user_id, row.id))
    for kind, pairs in by_kind.items():
        await _request_deliveries(conn, kind, pairs)
    return len(made)


async def _request_deliveries(
    conn: AsyncConnection, kind: Kind, made: list[tuple[int, int]]
) -> None:
    """`made`: (user id, notification id) pairs of one kind."""
    defaults = DEFAULTS[kind]
    people = sorted({user for user, _ in made})
    chosen: dict[int, Channels] = {}
    for start in range(0, len(people), 500):  # bound the parameters per statement
        rows = await conn.execute(
            select(
                notification_settings.c.user_id,
                notification_settings.c.email,
                notification_settings.c.push,
            ).where(
                notification_settings.c.kind == kind.value,
                notification_settings.c.user_id.in_(people[start : start + 500]),
            )
        )
        chosen.update(
            {row.user_id: Channels(True, bool(row.email), bool(row.push)) for row in rows}
        )
    for user, notification_id in sorted(made, key=lambda pair: pair[1]):
        channels = chosen.get(user, defaults)
        if channels.email or channels.push:
            await announce(
                conn, DeliveryRequested(notification_id, user, channels.email, channels.push)
            )


async def _notifications(conn: AsyncConnection, rows: Sequence[Any]) -> list[Notification]:
    """Rows as notifications. Names are kept as they were, but not those of accounts
    erased since: an erasure promises "deleted user" wherever the person was named (a
    black-box trial still read the name in others' notifications). One query a page."""
    named = {
        row.data.get("actor_id")
        for row in rows
        if isinstance(row.data, dict) and isinstance(row.data.get("actor_id"), int)
    }
    erased: set[int] = set()
    if named:
        erased = set(
            (
                await conn.execute(
                    select(users.c.id).where(
                        users.c.id.in_(sorted(named)), users.c.deleted_at.is_not(None)
                    )
                )
            ).scalars()
        )
    return [_notification(row, erased) for row in rows]


def _notification(row: Any, erased: set[int]) -> Notification:
    data = dict(row.data or {})
    if data.get("actor_id") in erased:
        data["actor"] = DELETED_NAME
    return Notification(
        id=row.id,
        kind=row.kind,
        text=wording(row.kind, data),
        url=row.url,
        data=data,
        created_at=row.created_at,
        read_at=row.read_at,
    )


_COLUMNS = (
    notifications.c.id,
    notifications.c.kind,
    notifications.c.data,
    notifications.c.url,
    notifications.c.created_at,
    notifications.c.read_at,
)


async def get_notification(
    conn: AsyncConnection, notification_id: int
) -> tuple[int, Notification] | None:
    row = (
        await conn.execute(
            select(notifications.c.user_id, *_COLUMNS).where(notifications.c.id == notification_id)
        )
    ).first()
    if row is None:
        return None
    return row.user_id, (await _notifications(conn, [row]))[0]


async def list_mine(
    conn: AsyncConnection,
    actor: Actor,
    *,
    unread_only: bool,
    limit: int,
    cursor: str | None = None,
) -> Page[Notification]:
    """Newest first (index on user_id, id)."""
    query = (
        select(*_COLUMNS)
        .where(notifications.c.user_id == actor.id)
        .order_by(notifications.c.id.desc())
        .limit(limit + 1)
    )
    if unread_only:
        query = query.where(notifications.c.read_at.is_(None))
    position = decode_cursor(cursor, IdCursor)
    if position is not None:
        query = query.where(notifications.c.id < position.id)
    found = await _notifications(conn, list(await conn.execute(query)))
    return cut_page(found, limit, lambda n: IdCursor(id=n.id))


async def mark_read(conn: AsyncConnection, actor: Actor, ids: list[int] | None) -> int:
    """Mark some of mine (`ids`), or all of them (None), read; others' ids are ignored."""
    query = update(notifications).where(
        notifications.c.user_id == actor.id, notifications.c.read_at.is_(None)
    )
    if ids is not None:
        query = query.where(notifications.c.id.in_(ids))
    done = await conn.execute(query.values(read_at=clock.now()))
    return int(done.rowcount or 0)


UNREAD_CAP = 100


async def unread_count(conn: AsyncConnection, user_id: int) -> int:
    """Up to UNREAD_CAP: the badge shows "99+" beyond that, and counting stays an index
    range of bounded length on every page view however much piles up."""
    unread = (
        select(notifications.c.id)
        .where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
        .limit(UNREAD_CAP)
        .subquery()
    )
    count = (await conn.execute(select(func.count()).select_from(unread))).scalar_one()
    return int(count)


async def settings_of(conn: AsyncConnection, user_id: int) -> dict[Kind, Channels]:
    chosen = {
        Kind(row.kind): Channels(bool(row.in_app), bool(row.email), bool(row.push))
        for row in await conn.execute(
            select(notification_settings).where(notification_settings.c.user_id == user_id)
        )
        if row.kind in Kind.__members__
    }
    return {kind: chosen.get(kind, DEFAULTS[kind]) for kind in Kind}


async def change_settings(
    conn: AsyncConnection, user_id: int, changes: dict[Kind, Channels]
) -> dict[Kind, Channels]:
    for kind, channels in changes.items():
        await upsert(
            conn,
            notification_settings,
            {
                "user_id": user_id,
                "kind": kind.value,
                "in_app": channels.in_app,
                "email": channels.email,
                "push": channels.push,
            },
            keys=["user_id", "kind"],
        )
    return await settings_of(conn, user_id)


async def turn_off_email(conn: AsyncConnection, user_id: int, kind: Kind) -> None:
    """The one-click unsubscribe: this kind stops coming by e-mail, the rest stays."""
    current = (await settings_of(conn, user_id))[kind]
    await change_settings(conn, user_id, {kind: Channels(current.in_app, False, current.push)})


async def subscribe_push(
    conn: AsyncConnection,
    user_id: int,
    endpoint: str,
    p256dh: str,
    auth: str,
    *,
    allow_insecure: bool = False,
) -> None:
    """A browser's push subscription; the same endpoint again (a browser re-subscribing,
    or another account on that browser) moves it to this person. Push services answer on
    https; a plain-http endpoint (a push service on this machine, for tests) is taken only
    where the operator allowed it, or anyone could make the server post to local ports."""
    if not allow_insecure:
        if not endpoint.startswith("https://"):
            raise Invalid("endpoint must be an https URL from the browser's push service")
        # Never a host on the server's own network (the send re-checks what it resolves to).
        if not may_be_public_host(urlsplit(endpoint).hostname or ""):
            raise Invalid("endpoint must be on a public push service, not a local address")
    values = {
        "user_id": user_id,
        "endpoint": endpoint,
        "p256dh": p256dh,
        "auth": auth,
        "created_at": clock.now(),
    }
    await upsert(conn, push_subscriptions, values, keys=["endpoint"])


async def unsubscribe_push(conn: AsyncConnection, user_id: int, endpoint: str) -> None:
    await conn.execute(
        delete(push_subscriptions).where(
            push_subscriptions.c.user_id == user_id, push_subscriptions.c.endpoint == endpoint
        )
    )
