"""Taking a picture down: a person's avatar, a group's or an event's cover.

A moderator's action like a removal of content, audited the same way; the person keeps
their account and may upload another picture (a ban stops that). The files go right after
the commit, through the bus (`pictures.discarded`), unless the same picture is back by
then; other replaced pictures wait for the next prune (crewup.core.media_prune)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.dispatch import announce
from crewup.core.errors import Conflict, Invalid
from crewup.core.images import ImageKind
from crewup.core.picture_events import discarded
from crewup.events import service as events
from crewup.groups import service as groups
from crewup.moderation.audit import Doer, record, require_moderator
from crewup.moderation.targets import TargetType
from crewup.users import service as users

# What has a picture, and what the picture is called in messages.
PICTURED = {TargetType.user: "avatar", TargetType.group: "cover", TargetType.event: "cover"}


async def _clear(conn: AsyncConnection, kind: TargetType, target_id: int) -> str | None:
    match kind:
        case TargetType.user:
            await users.lock_account(conn, target_id)  # the key read is the key cleared
            account = await users.get_account(conn, target_id)
            await users.set_avatar(conn, target_id, None)
            return account.avatar
        case TargetType.group:
            return await groups.clear_cover(conn, target_id)
        case TargetType.event:
            return await events.clear_cover(conn, target_id)
    raise Invalid(f"a {kind} has no picture to remove")


async def remove_picture(
    conn: AsyncConnection,
    doer: Doer,
    kind: TargetType,
    target_id: int,
    reason: str | None,
    *,
    report_id: int | None = None,
) -> None:
    """Moderators only; 404 for no such target, 409 when it has no picture."""
    require_moderator(doer)
    key = await _clear(conn, kind, target_id)
    if key is None:
        raise Conflict(f"{kind} {target_id} has no {PICTURED[kind]} to remove")
    detail: dict[str, object] = {"picture": PICTURED[kind], "key": key}
    if report_id is not None:
        detail["report_id"] = report_id
    await record(conn, doer, "picture.remove", kind.value, target_id, reason, detail)
    image = ImageKind.avatar if kind is TargetType.user else ImageKind.cover
    gone = discarded(image, [key])
    if gone is not None:
        await announce(conn, gone)
