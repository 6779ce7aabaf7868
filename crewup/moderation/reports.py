"""Reports and the moderation queue: people report, moderators claim and resolve.

Every decision writes its audit row in the same transaction (crewup.moderation.audit)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.errors import Conflict, Forbidden, NotFound
from crewup.core.identity import Actor
from crewup.core.marks import N_, W_
from crewup.core.paging import IdCursor, Page, cut_page, decode_cursor
from crewup.core.ratelimit import RateLimiter
from crewup.moderation import accounts, pictures, targets
from crewup.moderation.audit import Doer, record, require_moderator
from crewup.moderation.tables import reports
from crewup.moderation.targets import Target, TargetType
from crewup.notifications.kinds import Kind
from crewup.notifications.service import notify
from crewup.posts import comments
from crewup.posts import service as posts


class Status(enum.StrEnum):
    open = "open"
    claimed = "claimed"
    resolved = "resolved"


class Action(enum.StrEnum):
    dismiss = "dismiss"
    remove_content = "remove_content"
    remove_picture = "remove_picture"  # a reported person's avatar, a group's or event's cover
    warn = "warn"
    ban_user = "ban_user"


UNRESOLVED = (Status.open.value, Status.claimed.value)


@dataclass(frozen=True)
class ReportLimit:
    """Reports per person, so nobody can bury the queue (or harass someone) by reporting
    thousands of targets. Only reports that are made count: a refused one (a duplicate,
    a target out of sight) costs nothing. Operator tools pass `limiter` None."""

    limiter: RateLimiter | None
    rule: str = ""

    async def spend(self, actor: Actor) -> None:
        if self.limiter is not None:
            await self.limiter.hit(self.rule, "report", str(actor.id), what=N_("reports"))


UNLIMITED = ReportLimit(None)


@dataclass(frozen=True)
class Report:
    id: int
    reporter_id: int
    target_type: TargetType
    target_id: int
    reason: str
    status: Status
    claimed_by: int | None
    resolved_by: int | None
    resolution: str | None
    note: str | None
    created_at: datetime
    resolved_at: datetime | None
    target: Target | None = None  # the moderators' view, filled in for the queue


def _report(row: Any, target: Target | None = None) -> Report:
    data = dict(row._mapping)
    data["target_type"] = TargetType(data["target_type"])
    data["status"] = Status(data["status"])
    return Report(**data, target=target)


async def create_report(
    conn: AsyncConnection,
    limit: ReportLimit,
    actor: Actor,
    kind: TargetType,
    target_id: int,
    reason: str,
) -> Report:
    """One open report per reporter and target; a target the reporter cannot see is 404.
    Past the reporter's rate limit: RateLimited (429 with Retry-After)."""
    target = await targets.seen_by(conn, kind, target_id, actor)
    duplicate = Conflict(
        N_("you already reported this %(kind)s; a moderator will look at it", kind=W_(kind))
    )
    already = (
        await conn.execute(
            select(reports.c.id).where(
                reports.c.reporter_id == actor.id,
                reports.c.target_type == kind.value,
                reports.c.target_id == target_id,
                reports.c.resolved_at.is_(None),
            )
        )
    ).first()
    if already is not None:
        raise duplicate
    await limit.spend(actor)
    try:
        # A savepoint, so a concurrent twin's unique violation leaves the transaction usable.
        async with conn.begin_nested():
            report_id = (
                await conn.execute(
                    insert(reports)
                    .values(
                        reporter_id=actor.id,
                        target_type=kind.value,
                        target_id=target_id,
                        reason=reason,
                        status=Status.open.value,
                        created_at=clock.now(),
                    )
                    .returning(reports.c.id)
                )
            ).scalar_one()
    except IntegrityError:
        raise duplicate from None
    return _with_target(await _load(conn, report_id), target)


async def _load(conn: AsyncConnection, report_id: int, *, lock: bool = False) -> Report:
    query = select(reports).where(reports.c.id == report_id)
    if lock:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    if row is None:
        raise NotFound(f"report {report_id} not found")
    return _report(row)


async def get_report(conn: AsyncConnection, doer: Doer, report_id: int) -> Report:
    require_moderator(doer)
    report = await _load(conn, report_id)
    found = await targets.describe(conn, [(report.target_type, report.target_id)])
    return _with_target(report, found.get((report.target_type, report.target_id)))


def _with_target(report: Report, target: Target | None) -> Report:
    return Report(**{**report.__dict__, "target": target})


async def list_reports(
    conn: AsyncConnection,
    doer: Doer,
    *,
    status: Status | None = None,
    kind: TargetType | None = None,
    limit: int,
    cursor: str | None = None,
) -> Page[Report]:
    """The queue, oldest first (index on status, [target_type,] id). No status: every
    unresolved report."""
    require_moderator(doer)
    statuses = [status.value] if status is not None else list(UNRESOLVED)
    query = (
        select(reports)
        .where(reports.c.status.in_(statuses))
        .order_by(reports.c.id)
        .limit(limit + 1)
    )
    if kind is not None:
        query = query.where(reports.c.target_type == kind.value)
    position = decode_cursor(cursor, IdCursor)
    if position is not None:
        query = query.where(reports.c.id > position.id)
    found = [_report(row) for row in await conn.execute(query)]
    page = cut_page(found, limit, lambda report: IdCursor(id=report.id))
    described = await targets.describe(conn, [(r.target_type, r.target_id) for r in page.items])
    items = [_with_target(r, described.get((r.target_type, r.target_id))) for r in page.items]
    return Page(items, page.next_cursor)


async def claim(conn: AsyncConnection, doer: Doer, report_id: int) -> Report:
    """A moderator takes a report so two people do not work on it at once."""
    require_moderator(doer)
    report = await _load(conn, report_id, lock=True)
    if report.status is Status.resolved:
        raise Conflict(N_("report %(id)s is already resolved", id=report_id))
    if report.status is Status.claimed and report.claimed_by != doer.actor_id:
        raise Conflict(
            N_("report %(id)s is claimed by user %(user)s", id=report_id, user=report.claimed_by)
        )
    await conn.execute(
        update(reports)
        .where(reports.c.id == report_id)
        .values(status=Status.claimed.value, claimed_by=doer.actor_id)
    )
    await record(conn, doer, "report.claim", "report", report_id)
    return await get_report(conn, doer, report_id)


async def resolve(
    conn: AsyncConnection, doer: Doer, report_id: int, action: Action, note: str | None
) -> Report:
    require_moderator(doer)
    report = await _load(conn, report_id, lock=True)
    if report.status is Status.resolved:
        raise Conflict(N_("report %(id)s is already resolved", id=report_id))
    key = (report.target_type, report.target_id)
    target = (await targets.describe(conn, [key])).get(key)
    if target is None:
        # Deleted by its author or with its group: nothing left to act on but the report.
        if action is not Action.dismiss:
            raise Conflict(
                N_(
                    "%(kind)s %(id)s no longer exists; the report can only be dismissed",
                    kind=W_(report.target_type),
                    id=report.target_id,
                )
            )
        target = Target(report.target_type, report.target_id, "", None)
    reason = note or report.reason
    match action:
        case Action.remove_content if target.removed:
            pass  # already removed (by a group admin, or another report): nothing to undo
        case Action.remove_content:
            await targets.remove(conn, target, doer.actor_id)
            await record(
                conn,
                doer,
                "content.remove",
                target.type.value,
                target.id,
                reason,
                {"report_id": report_id, "excerpt": target.excerpt},
            )
        case Action.remove_picture:
            await pictures.remove_picture(
                conn, doer, target.type, target.id, reason, report_id=report_id
            )
        case Action.ban_user:
            if target.owner_id is None:
                raise NotFound(f"nobody answers for {target.type} {target.id}")
            await accounts.ban(conn, doer, target.owner_id, reason, None, report_id=report_id)
        case Action.warn:
            await record(
                conn,
                doer,
                "user.warn",
                "user",
                target.owner_id,
                reason,
                {"report_id": report_id, "target": f"{target.type}:{target.id}"},
            )
        case Action.dismiss:
            pass
    decided = {
        "status": Status.resolved.value,
        "resolved_by": doer.actor_id,
        "resolution": action.value,
        "resolved_at": clock.now(),
    }
    await conn.execute(
        update(reports).where(reports.c.id == report_id).values(**decided, note=note)
    )
    also: list[int] = []
    if action in (Action.remove_content, Action.remove_picture, Action.ban_user):
        # Other people's open reports of the same thing are settled by the same decision.
        also = sorted(
            (
                await conn.execute(
                    update(reports)
                    .where(
                        reports.c.target_type == report.target_type.value,
                        reports.c.target_id == report.target_id,
                        reports.c.resolved_at.is_(None),
                    )
                    .values(**decided, note=f"settled with report {report_id}")
                    .returning(reports.c.id)
                )
            )
            .scalars()
            .all()
        )
    detail: dict[str, Any] = {"action": action.value}
    if also:
        detail["also_resolved"] = also
    await record(conn, doer, "report.resolve", "report", report_id, note, detail)
    await _tell_reporters(conn, [report_id, *also], report.target_type, action)
    if action is Action.warn and target.owner_id is not None:
        await _warn(conn, target, note)
    return await get_report(conn, doer, report_id)


_OUTCOMES = {
    Action.dismiss: N_("reviewed; no action was needed"),
    Action.remove_content: N_("upheld; the content was removed"),
    Action.remove_picture: N_("upheld; the picture was removed"),
    Action.warn: N_("upheld; the person was warned"),
    Action.ban_user: N_("upheld; the account was banned"),
}


async def _tell_reporters(
    conn: AsyncConnection, report_ids: list[int], kind: TargetType, action: Action
) -> None:
    # The outcome only, never the moderator's note: it may name other people.
    recipients = select(reports.c.reporter_id.label("user_id")).where(reports.c.id.in_(report_ids))
    await notify(
        conn,
        Kind.report_outcome,
        recipients,
        {"target": kind.value, "outcome": _OUTCOMES[action]},
        "/notifications",
    )


async def _warn(conn: AsyncConnection, target: Target, note: str | None) -> None:
    """The warned person is told what about, with the moderator's note: it is written
    for them."""
    await notify(
        conn,
        Kind.warning,
        select(literal(target.owner_id).label("user_id")),
        {"target": target.type.value, "excerpt": target.excerpt, "note": note or ""},
        "/notifications",
    )


async def remove_in_group(
    conn: AsyncConnection, doer: Doer, kind: TargetType, target_id: int, reason: str | None
) -> None:
    """Moderators remove posts and comments anywhere; a group's owner and admins in their
    own group only. The same soft removal as a resolved report, audited the same way."""
    if doer.actor is None:
        target = await targets.describe_one(conn, kind, target_id)
    else:
        target = await targets.seen_by(conn, kind, target_id, doer.actor)
        group = await _group_of(conn, kind, target_id, doer.actor)
        if not (doer.is_moderator or group.is_manager):
            raise Forbidden(N_("only the group's owner and admins or a moderator may remove it"))
    if target.removed:
        raise Conflict(N_("%(kind)s %(id)s is already removed", kind=W_(kind), id=target_id))
    await targets.remove(conn, target, doer.actor_id)
    await record(
        conn,
        doer,
        "content.remove",
        kind.value,
        target_id,
        reason,
        {"excerpt": target.excerpt},
    )


async def _group_of(conn: AsyncConnection, kind: TargetType, target_id: int, actor: Actor) -> Any:
    if kind is TargetType.post:
        return (await posts.load_post(conn, target_id, actor))[1]
    if kind is TargetType.comment:
        return (await comments.load_comment(conn, target_id, actor))[2]
    raise NotFound(f"only posts and comments are removed this way, not a {kind}")
