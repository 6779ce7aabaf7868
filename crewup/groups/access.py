"""Who sees and manages a group. Hidden things are NotFound, never Forbidden."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.errors import Forbidden, NotFound
from crewup.core.identity import VIEWER_ID, Actor
from crewup.core.marks import N_
from crewup.core.quick_reads import Prepared, Reads
from crewup.groups.tables import group_invites, group_join_requests, group_members, groups


class Visibility(enum.StrEnum):
    public = "public"
    private = "private"


class MemberRole(enum.StrEnum):
    owner = "owner"
    admin = "admin"
    member = "member"


MANAGERS = (MemberRole.owner, MemberRole.admin)


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    description: str
    category: str
    visibility: Visibility
    max_members: int | None
    member_count: int
    owner_id: int
    lat: float | None
    lon: float | None
    created_at: datetime
    updated_at: datetime
    cover: str | None = None
    my_role: str | None = None  # owner|admin|member|pending|None for the viewer
    invited: bool = False
    distance_km: float | None = None
    near_key: float | None = None  # what nearest-first pages are ordered by (see core/geo)

    @property
    def is_member(self) -> bool:
        return self.my_role in ("owner", "admin", "member")

    @property
    def is_manager(self) -> bool:
        return self.my_role in ("owner", "admin")

    @property
    def is_full(self) -> bool:
        return self.max_members is not None and self.member_count >= self.max_members


GROUP_COLUMNS = [
    groups.c[name]
    for name in (
        "id",
        "name",
        "description",
        "category",
        "visibility",
        "max_members",
        "member_count",
        "owner_id",
        "lat",
        "lon",
        "cover",
        "created_at",
        "updated_at",
    )
]


# my_role and invited for one viewer, as outer joins, so a list of any length is one
# query. Built once: constructing these expressions per request cost more than the query.
_member = group_members.alias("viewer_member")
_request = group_join_requests.alias("viewer_request")
_invite = group_invites.alias("viewer_invite")
VIEWER_ROLE = case(
    (_member.c.role.is_not(None), _member.c.role),
    (_request.c.user_id.is_not(None), literal("pending")),
    else_=None,
).label("my_role")
VIEWER_COLUMNS = (VIEWER_ROLE, _invite.c.user_id.is_not(None).label("invited"))
GROUPS_WITH_VIEWER = (
    groups.outerjoin(
        _member, and_(_member.c.group_id == groups.c.id, _member.c.user_id == VIEWER_ID)
    )
    .outerjoin(_request, and_(_request.c.group_id == groups.c.id, _request.c.user_id == VIEWER_ID))
    .outerjoin(_invite, and_(_invite.c.group_id == groups.c.id, _invite.c.user_id == VIEWER_ID))
)

# Who sees a group in lists, and its content (posts, events, search results): public
# groups, and private ones the viewer belongs to (a request or an invite is not enough).
GROUPS_WITH_MEMBER = groups.outerjoin(
    _member, and_(_member.c.group_id == groups.c.id, _member.c.user_id == VIEWER_ID)
)
LISTED = or_(groups.c.visibility == Visibility.public.value, _member.c.user_id.is_not(None))
# LISTED for a signed-out visitor, who belongs to no group: no membership to join.
LISTED_TO_ANYONE = groups.c.visibility == Visibility.public.value


def group_from_row(row: Any) -> Group:
    data = row._asdict()
    data["visibility"] = Visibility(data["visibility"])
    data["invited"] = bool(data.get("invited"))
    return Group(**data)


def can_see(group: Group) -> bool:
    """A private group shows itself to its members and the people they invited. Asking
    to join is not enough: anyone may ask (a black-box trial read every private group's
    name, description and place by asking and withdrawing)."""
    return group.visibility is Visibility.public or group.is_member or group.invited


# One group by id, built once (see events.access); signed out, no viewer joins at all.
_GROUP_ID = bindparam("group_id", type_=Integer)
_GROUP_FOR_VIEWER = Prepared(
    select(*GROUP_COLUMNS, *VIEWER_COLUMNS)
    .select_from(GROUPS_WITH_VIEWER)
    .where(groups.c.id == _GROUP_ID)
)
_GROUP_FOR_ANYONE = Prepared(select(*GROUP_COLUMNS).where(groups.c.id == _GROUP_ID))


async def fetch_group(conn: Reads, group_id: int, actor: Actor | None) -> Group:
    """The group with this viewer's role, whether or not they may see it; NotFound only if
    it does not exist. Callers decide visibility (see `load_group`)."""
    if actor is None:
        row = await _GROUP_FOR_ANYONE.first(conn, {"group_id": group_id})
    else:
        row = await _GROUP_FOR_VIEWER.first(conn, {"group_id": group_id, "viewer_id": actor.id})
    if row is None:
        raise NotFound(f"group {group_id} not found")
    return group_from_row(row)


async def load_group(conn: Reads, group_id: int, actor: Actor | None) -> Group:
    """The group as this viewer sees it; NotFound if it does not exist or is hidden."""
    group = await fetch_group(conn, group_id, actor)
    if not can_see(group):
        raise NotFound(f"group {group_id} not found")
    return group


async def load_group_content(conn: Reads, group_id: int, actor: Actor | None) -> Group:
    """For members, posts and chat: private groups show them to members only."""
    group = await load_group(conn, group_id, actor)
    if group.visibility is Visibility.private and not group.is_member:
        raise NotFound(f"group {group_id} not found")
    return group


async def load_group_for_members(conn: AsyncConnection, group_id: int, actor: Actor) -> Group:
    """Writing inside a group (posting, commenting) takes membership."""
    group = await load_group_content(conn, group_id, actor)
    if not group.is_member:
        raise Forbidden(N_("join the group first"))
    return group


async def load_group_for_managers(conn: AsyncConnection, group_id: int, actor: Actor) -> Group:
    group = await load_group(conn, group_id, actor)
    if not group.is_manager:
        raise Forbidden(N_("only the group's owner and admins may do this"))
    return group


async def lock_group(conn: AsyncConnection, group_id: int) -> None:
    """Serialise changes to one group: a row lock on PostgreSQL (SQLite has one writer).

    FOR NO KEY UPDATE, not FOR UPDATE: the id never changes, and the stronger lock would
    also block the FOR KEY SHARE that foreign-key checks on events take, which deadlocked
    a seat change against a group changing its visibility."""
    found = (
        await conn.execute(
            select(groups.c.id).where(groups.c.id == group_id).with_for_update(key_share=True)
        )
    ).first()
    if found is None:
        raise NotFound(f"group {group_id} not found")
