"""Groups: create, edit, delete, and the directory with text, category and distance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock, geo
from crewup.core.dispatch import announce
from crewup.core.errors import Conflict, FieldError, Forbidden
from crewup.core.identity import Actor, ensure_may_create, viewer_params
from crewup.core.images import ImageKind
from crewup.core.marks import N_
from crewup.core.paging import Cursor, IdCursor, NearCursor, Page, cut_page, decode_cursor
from crewup.core.picture_columns import clear_picture
from crewup.core.picture_events import discarded
from crewup.core.text import matches_words
from crewup.groups.access import (
    GROUP_COLUMNS,
    GROUPS_WITH_VIEWER,
    LISTED,
    VIEWER_COLUMNS,
    Group,
    MemberRole,
    Visibility,
    fetch_group,
    group_from_row,
    load_group,
    load_group_for_managers,
    lock_group,
)
from crewup.groups.domain_events import GroupDeleted, GroupMadePrivate
from crewup.groups.tables import GROUP_TEXT, group_members, groups

# A fixed list, so the directory filters mean something; documented in API.md's changelog.
CATEGORIES = (
    "outdoors",
    "climbing",
    "sports",
    "arts",
    "music",
    "games",
    "food",
    "learning",
    "tech",
    "family",
    "wellbeing",
    "community",
    "social",
    "other",
)

EDITABLE = ("name", "description", "category", "visibility", "max_members", "lat", "lon")


@dataclass(frozen=True)
class GroupFilter:
    q: str | None = None
    category: str | None = None
    near: geo.Point | None = None
    radius_km: float = 25.0


async def create_group(
    conn: AsyncConnection, actor: Actor, values: dict[str, Any], *, verified_required: bool
) -> Group:
    ensure_may_create(actor, verified_required=verified_required)
    now = clock.now()
    group_id = (
        await conn.execute(
            groups.insert()
            .values(
                **{k: values.get(k) for k in EDITABLE},
                member_count=1,
                owner_id=actor.id,
                created_at=now,
                updated_at=now,
            )
            .returning(groups.c.id)
        )
    ).scalar_one()
    await conn.execute(
        group_members.insert().values(
            group_id=group_id, user_id=actor.id, role=MemberRole.owner.value, joined_at=now
        )
    )
    return await load_group(conn, group_id, actor)


async def update_group(
    conn: AsyncConnection, group_id: int, actor: Actor, changes: dict[str, Any]
) -> Group:
    await lock_group(conn, group_id)
    group = await load_group_for_managers(conn, group_id, actor)
    values = {k: v for k, v in changes.items() if k in EDITABLE}
    cap = values.get("max_members", group.max_members)
    if "max_members" in values and cap is not None and cap < group.member_count:
        raise Conflict(
            N_(
                "the group already has %(count)s members; max_members cannot be lower",
                count=group.member_count,
            ),
            [FieldError("max_members", N_("must be at least %(count)s", count=group.member_count))],
        )
    if values:
        await conn.execute(
            update(groups).where(groups.c.id == group_id).values(**values, updated_at=clock.now())
        )
    if values.get("visibility") == Visibility.private and group.visibility is Visibility.public:
        await announce(conn, GroupMadePrivate(group_id))
    return await load_group(conn, group_id, actor)


async def set_cover(conn: AsyncConnection, group_id: int, actor: Actor, key: str | None) -> Group:
    """Owners and admins set (or, with None, remove) the cover. The replaced image's
    files are pruned later (crewup.core.media_prune)."""
    await lock_group(conn, group_id)
    await load_group_for_managers(conn, group_id, actor)
    await conn.execute(
        update(groups).where(groups.c.id == group_id).values(cover=key, updated_at=clock.now())
    )
    return await load_group(conn, group_id, actor)


async def clear_cover(conn: AsyncConnection, group_id: int) -> str | None:
    """A moderator takes the cover down, whoever manages the group; answers the key it
    had (None: it had no cover)."""
    await lock_group(conn, group_id)
    return await clear_picture(conn, groups.c.cover, group_id, "group")


async def delete_group(conn: AsyncConnection, group_id: int, actor: Actor) -> None:
    await lock_group(conn, group_id)  # group before its events, as everywhere
    group = await load_group(conn, group_id, actor)
    if group.my_role != MemberRole.owner:
        raise Forbidden(N_("only the owner may delete the group"))
    await _delete(conn, group)


async def _delete(conn: AsyncConnection, group: Group) -> None:
    """Under the group's lock. Subscribers of `group.deleted` may refuse (people are
    expected at its events) or clean up (covers); its events and posts cascade."""
    await announce(conn, GroupDeleted(group.id))
    gone = discarded(ImageKind.cover, [group.cover])
    if gone is not None:
        await announce(conn, gone)
    await conn.execute(delete(groups).where(groups.c.id == group.id))


async def list_groups(
    conn: AsyncConnection,
    actor: Actor | None,
    filters: GroupFilter,
    *,
    limit: int,
    cursor: str | None = None,
) -> Page[Group]:
    """Public groups plus the private ones I belong to; newest first, or nearest first."""
    query = select(*GROUP_COLUMNS, *VIEWER_COLUMNS).select_from(GROUPS_WITH_VIEWER).where(LISTED)
    if filters.category:
        query = query.where(groups.c.category == filters.category)
    if filters.q:
        query = query.where(matches_words(conn.dialect.name, filters.q, GROUP_TEXT))
    position_of: Callable[[Group], Cursor]
    if filters.near is not None:
        query = geo.nearest_first(
            query,
            groups.c.lat,
            groups.c.lon,
            groups.c.id,
            filters.near,
            filters.radius_km,
            decode_cursor(cursor, NearCursor),
            conn.dialect.name,
            geo.rtree_of(conn, "groups"),
        )
        position_of = _near_position
    else:
        query = query.order_by(groups.c.id.desc())
        position = decode_cursor(cursor, IdCursor)
        if position is not None:
            query = query.where(groups.c.id < position.id)
        position_of = _id_position
    async with geo.index_order(conn, nearest=filters.near is not None):
        rows = (await conn.execute(query.limit(limit + 1), viewer_params(actor))).all()
    return cut_page([group_from_row(row) for row in rows], limit, position_of)


def _near_position(group: Group) -> Cursor:
    return NearCursor(d=group.near_key or 0.0, id=group.id)


def _id_position(group: Group) -> Cursor:
    return IdCursor(id=group.id)


async def get_group_for_operator(conn: AsyncConnection, group_id: int) -> Group:
    """Any group, visibility aside: for the operator's CLI only."""
    return await fetch_group(conn, group_id, None)


async def remove_group_for_operator(conn: AsyncConnection, group_id: int) -> Group:
    """As the owner's deletion, whoever owns it: refused while people are expected at
    its upcoming events (`events cancel` first tells them), and its cover goes too."""
    await lock_group(conn, group_id)
    group = await get_group_for_operator(conn, group_id)
    await _delete(conn, group)
    return group


async def list_all_groups(conn: AsyncConnection, *, limit: int, after_id: int = 0) -> list[Group]:
    """Every group regardless of visibility: for the operator's CLI only."""
    rows = await conn.execute(
        select(*GROUP_COLUMNS).where(groups.c.id > after_id).order_by(groups.c.id).limit(limit)
    )
    return [group_from_row(row) for row in rows]
