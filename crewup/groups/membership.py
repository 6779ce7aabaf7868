"""Joining, leaving, requests, invites, roles. Capacity and counters change under the
group's row lock with SQL increments, so concurrent joins can never overfill a group."""

from __future__ import annotations

import enum

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.dispatch import announce
from crewup.core.errors import Conflict, Forbidden, Invalid, NotFound
from crewup.core.identity import Actor, Role, viewer_params
from crewup.core.marks import N_
from crewup.core.ratelimit import PersonalLimit
from crewup.groups.access import (
    GROUP_COLUMNS,
    GROUPS_WITH_VIEWER,
    VIEWER_COLUMNS,
    Group,
    MemberRole,
    Visibility,
    can_see,
    fetch_group,
    group_from_row,
    load_group,
    load_group_for_managers,
    lock_group,
)
from crewup.groups.domain_events import (
    InviteCreated,
    JoinDecided,
    JoinRequested,
    MemberDemoted,
    MemberJoined,
    MemberLeft,
)
from crewup.groups.rosters import Member, get_member
from crewup.groups.tables import group_invites, group_join_requests, group_members, groups
from crewup.users.tables import users


class JoinOutcome(enum.StrEnum):
    member = "member"
    pending = "pending"


def _full_error(group: Group) -> Conflict:
    return Conflict(N_("the group is full (%(limit)s members)", limit=group.max_members))


async def _add_member(
    conn: AsyncConnection, group_id: int, user_id: int, role: MemberRole = MemberRole.member
) -> None:
    """Caller holds the group lock. Seat taken by a conditional increment, then the row."""
    taken = await conn.execute(
        update(groups)
        .where(
            groups.c.id == group_id,
            (groups.c.max_members.is_(None)) | (groups.c.member_count < groups.c.max_members),
        )
        .values(member_count=groups.c.member_count + 1)
    )
    if taken.rowcount != 1:
        raise Conflict(N_("the group is full"))
    await conn.execute(
        insert(group_members).values(
            group_id=group_id, user_id=user_id, role=role.value, joined_at=clock.now()
        )
    )
    await conn.execute(
        delete(group_join_requests).where(
            group_join_requests.c.group_id == group_id, group_join_requests.c.user_id == user_id
        )
    )
    await conn.execute(
        delete(group_invites).where(
            group_invites.c.group_id == group_id, group_invites.c.user_id == user_id
        )
    )
    await announce(conn, MemberJoined(group_id, user_id))


async def join_group(
    conn: AsyncConnection, requests: PersonalLimit, group_id: int, actor: Actor
) -> JoinOutcome:
    """Public or invited: a member at once. Private: a join request for the admins.

    A private group's id may be shared by word of mouth: asking to join it is allowed,
    though everything about it stays hidden until the request is approved. So that the
    answer tells nothing either, asking to join a group that does not exist is answered
    as for a private one (pending), and changes nothing. Every answer "pending" is
    counted against `requests`: asking and withdrawing over and over notified the
    group's admins each time (a black-box trial)."""
    try:
        await lock_group(conn, group_id)
        group = await fetch_group(conn, group_id, actor)
    except NotFound:
        await requests.spend(actor.id)
        return JoinOutcome.pending
    if group.is_member:
        return JoinOutcome.member
    if group.visibility is Visibility.private and not group.invited:
        await requests.spend(actor.id)
        if group.my_role != "pending":
            await conn.execute(
                insert(group_join_requests).values(
                    group_id=group_id, user_id=actor.id, created_at=clock.now()
                )
            )
            await announce(conn, JoinRequested(group_id, actor.id))
        return JoinOutcome.pending
    if group.is_full:
        raise _full_error(group)
    await _add_member(conn, group_id, actor.id)
    return JoinOutcome.member


async def leave_group(conn: AsyncConnection, group_id: int, actor: Actor) -> None:
    """Leave, or withdraw a request to join. Someone who asked to join a private group
    cannot see it, yet may withdraw; and for anyone who cannot see a group, leaving it
    answers alike whether it is private or there is no such group (a request, if any,
    is withdrawn), or "asking then leaving" would tell the two apart (a review)."""
    try:
        await lock_group(conn, group_id)
        group = await fetch_group(conn, group_id, actor)
    except NotFound:
        return
    if group.my_role == "pending" or not can_see(group):
        await conn.execute(
            delete(group_join_requests).where(
                group_join_requests.c.group_id == group_id,
                group_join_requests.c.user_id == actor.id,
            )
        )
        return
    if not group.is_member:
        raise Conflict(N_("you are not a member of this group"))
    if group.my_role == MemberRole.owner:
        raise Conflict(N_("the owner cannot leave: hand ownership to another member first"))
    await _remove(conn, group, actor.id)


async def _remove(
    conn: AsyncConnection, group: Group, user_id: int, removed_by: int | None = None
) -> None:
    """Under the group's lock. Subscribers of `member.left` take event locks after it (as
    everywhere: group before event), e.g. to give back seats at a private group's events."""
    gone = await conn.execute(
        delete(group_members).where(
            group_members.c.group_id == group.id, group_members.c.user_id == user_id
        )
    )
    if gone.rowcount:
        await conn.execute(
            update(groups)
            .where(groups.c.id == group.id)
            .values(member_count=groups.c.member_count - 1)
        )
        private = group.visibility is Visibility.private
        await announce(conn, MemberLeft(group.id, user_id, private, removed_by))


async def _role_of(conn: AsyncConnection, group_id: int, user_id: int) -> MemberRole | None:
    role = (
        await conn.execute(
            select(group_members.c.role).where(
                group_members.c.group_id == group_id, group_members.c.user_id == user_id
            )
        )
    ).scalar_one_or_none()
    return MemberRole(role) if role else None


async def remove_member(conn: AsyncConnection, group_id: int, actor: Actor, user_id: int) -> None:
    await lock_group(conn, group_id)
    group = await load_group_for_managers(conn, group_id, actor)
    target = await _role_of(conn, group_id, user_id)
    if target is None:
        raise NotFound(f"user {user_id} is not a member of this group")
    if target is MemberRole.owner:
        raise Conflict(N_("nobody can remove the owner"))
    if target is MemberRole.admin and group.my_role != MemberRole.owner:
        raise Forbidden(N_("only the owner may remove an admin"))
    await _remove(conn, group, user_id, removed_by=actor.id)


async def change_role(
    conn: AsyncConnection, group_id: int, actor: Actor, user_id: int, role: MemberRole
) -> Member:
    await lock_group(conn, group_id)
    group = await load_group_for_managers(conn, group_id, actor)
    if role is MemberRole.owner:
        raise Invalid(N_("ownership is handed over with the transfer action, not a role change"))
    target = await _role_of(conn, group_id, user_id)
    if target is None:
        raise NotFound(f"user {user_id} is not a member of this group")
    if target is MemberRole.owner:
        raise Conflict(N_("the owner's role cannot be changed; transfer ownership instead"))
    if target is MemberRole.admin and group.my_role != MemberRole.owner:
        raise Forbidden(N_("only the owner may change an admin's role"))
    await conn.execute(
        update(group_members)
        .where(group_members.c.group_id == group_id, group_members.c.user_id == user_id)
        .values(role=role.value)
    )
    if target is MemberRole.admin and role is MemberRole.member:
        await announce(conn, MemberDemoted(group_id, user_id))
    return await get_member(conn, group_id, user_id)


async def transfer_ownership(
    conn: AsyncConnection, group_id: int, new_owner_id: int, actor: Actor | None
) -> Group:
    """The owner hands over to a member (actor None: the operator's CLI)."""
    await lock_group(conn, group_id)
    if actor is not None:
        group = await load_group(conn, group_id, actor)
        if group.my_role != MemberRole.owner:
            raise Forbidden(N_("only the owner may hand ownership over"))
    if await _role_of(conn, group_id, new_owner_id) is None:
        raise Conflict(N_("user %(id)s must be a member before becoming owner", id=new_owner_id))
    owner_id = (
        await conn.execute(select(groups.c.owner_id).where(groups.c.id == group_id))
    ).scalar_one()
    await conn.execute(
        update(group_members)
        .where(group_members.c.group_id == group_id, group_members.c.user_id == owner_id)
        .values(role=MemberRole.admin.value)
    )
    await conn.execute(
        update(group_members)
        .where(group_members.c.group_id == group_id, group_members.c.user_id == new_owner_id)
        .values(role=MemberRole.owner.value)
    )
    await conn.execute(
        update(groups)
        .where(groups.c.id == group_id)
        .values(owner_id=new_owner_id, updated_at=clock.now())
    )
    viewer = actor or Actor(new_owner_id, role=Role.user, banned=False)
    return await load_group(conn, group_id, viewer)


async def decide_request(
    conn: AsyncConnection, group_id: int, actor: Actor, user_id: int, approve: bool
) -> None:
    await lock_group(conn, group_id)
    group = await load_group_for_managers(conn, group_id, actor)
    found = await conn.execute(
        delete(group_join_requests).where(
            group_join_requests.c.group_id == group_id, group_join_requests.c.user_id == user_id
        )
    )
    if found.rowcount == 0:
        raise NotFound(f"no pending request from user {user_id}")
    if approve:
        if group.is_full:
            raise _full_error(group)
        await _add_member(conn, group_id, user_id)
    await announce(conn, JoinDecided(group_id, user_id, approve, actor.id))


async def invite(
    conn: AsyncConnection, limit: PersonalLimit, group_id: int, actor: Actor, user_id: int
) -> None:
    """Under the group's lock, like every membership change: two invitations of the same
    person at once become one, not a duplicate key. Each new invitation notifies its
    invitee, so each is counted against the inviter's `limit` (a new account inviting
    every user id to a group named after its spam was a black-box trial's find)."""
    await lock_group(conn, group_id)
    await load_group_for_managers(conn, group_id, actor)
    exists = (
        await conn.execute(
            select(users.c.id).where(users.c.id == user_id, users.c.deleted_at.is_(None))
        )
    ).first()
    if exists is None:
        raise NotFound(f"user {user_id} not found")
    if await _role_of(conn, group_id, user_id) is not None:
        raise Conflict(N_("user %(id)s is already a member", id=user_id))
    already = (
        await conn.execute(
            select(group_invites.c.user_id).where(
                group_invites.c.group_id == group_id, group_invites.c.user_id == user_id
            )
        )
    ).first()
    if already is None:
        await limit.spend(actor.id)
        await conn.execute(
            insert(group_invites).values(
                group_id=group_id, user_id=user_id, invited_by=actor.id, created_at=clock.now()
            )
        )
        await announce(conn, InviteCreated(group_id, user_id, actor.id))


async def withdraw_invite(conn: AsyncConnection, group_id: int, actor: Actor, user_id: int) -> None:
    """The invitee declines, or a manager takes the invite back."""
    if user_id != actor.id:
        await load_group_for_managers(conn, group_id, actor)
    gone = await conn.execute(
        delete(group_invites).where(
            group_invites.c.group_id == group_id, group_invites.c.user_id == user_id
        )
    )
    if gone.rowcount == 0:
        raise NotFound("no such invite")


async def my_invites(conn: AsyncConnection, actor: Actor) -> list[Group]:
    rows = await conn.execute(
        select(*GROUP_COLUMNS, *VIEWER_COLUMNS)
        .select_from(
            GROUPS_WITH_VIEWER.join(
                group_invites,
                (group_invites.c.group_id == groups.c.id) & (group_invites.c.user_id == actor.id),
            )
        )
        .order_by(group_invites.c.created_at.desc())
        .limit(100),
        viewer_params(actor),
    )
    return [group_from_row(row) for row in rows]


async def release_all_memberships(conn: AsyncConnection, user_id: int) -> None:
    """An account is being erased: leave every group; an owner must hand groups over first."""
    owned = (
        await conn.execute(
            select(groups.c.id, groups.c.name).where(groups.c.owner_id == user_id).limit(3)
        )
    ).all()
    if owned:
        names = ", ".join(row.name for row in owned)
        raise Conflict(
            N_("you own %(groups)s: hand ownership to another member first", groups=names)
        )
    group_ids = (
        (
            await conn.execute(
                select(group_members.c.group_id)
                .where(group_members.c.user_id == user_id)
                .order_by(group_members.c.group_id)
            )
        )
        .scalars()
        .all()
    )
    for group_id in group_ids:  # in id order, so concurrent erasures lock groups alike
        await lock_group(conn, group_id)
        await _remove(conn, await fetch_group(conn, group_id, None), user_id)
    for table in (group_join_requests, group_invites):
        await conn.execute(delete(table).where(table.c.user_id == user_id))
