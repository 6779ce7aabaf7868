"""Inviting people in: by the email address of an account, or by a shareable link that
also works for someone who has no account yet.

A link is a random token (only its digest is stored) that lets one person in before it
expires. Redeeming it turns it into an ordinary invite for that person and joins through
`membership.join_group`, so capacity, roles and announcements follow the same rules as
every other join. The link speaks for whoever made it: once they may no longer invite,
their links stop working."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.errors import Conflict, FieldError, Forbidden, Gone, Invalid, NotFound
from crewup.core.identity import Actor
from crewup.core.ids import new_token, token_digest
from crewup.core.marks import N_
from crewup.core.ratelimit import UNLIMITED, PersonalLimit
from crewup.groups import membership
from crewup.groups.access import (
    Group,
    fetch_group,
    load_group_for_managers,
    lock_group,
)
from crewup.groups.tables import group_invite_links, group_invites
from crewup.users.service import find_account_by_email, load_actor
from crewup.users.tables import users

# What the invite form offers; a link is a bearer secret, so it never lives long.
LINK_LIFETIMES = {"1": timedelta(days=1), "7": timedelta(days=7), "30": timedelta(days=30)}
DEFAULT_LIFETIME = "7"


@dataclass(frozen=True)
class NewLink:
    token: str  # shown once, to the person who made it
    expires_at: datetime


@dataclass(frozen=True)
class LinkInfo:
    id: int
    created_by: int
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class LinkView:
    """What the holder of a live link may see: the group's face, not its content."""

    group: Group
    expires_at: datetime


async def invite_by_email(
    conn: AsyncConnection, limit: PersonalLimit, group_id: int, actor: Actor, email: str
) -> str:
    """Invite the account with this address; answers its display name. Managers learn
    whether an address has an account, as they would by trying to register it, and no
    faster: every try is counted (`limit`)."""
    await load_group_for_managers(conn, group_id, actor)
    await limit.spend(actor.id)
    account = await find_account_by_email(conn, email)
    if account is None or account.deleted_at is not None:
        raise Invalid(
            N_("no account uses this address"),
            [
                FieldError(
                    "email", N_("No account uses this address. Share an invite link instead.")
                )
            ],
        )
    if account.id == actor.id:
        raise Invalid(N_("that is you"), [FieldError("email", N_("That is your own address."))])
    try:
        # Counted above, once per try, hit or miss.
        await membership.invite(conn, UNLIMITED, group_id, actor, account.id)
    except Conflict:  # the only conflict: a member already; said by name, not by id
        raise Invalid(
            N_("already a member"),
            [FieldError("email", N_("%(name)s is already a member.", name=account.display_name))],
        ) from None
    return account.display_name


@dataclass(frozen=True)
class PendingInvite:
    user_id: int
    display_name: str
    invited_at: datetime


async def pending_invites(
    conn: AsyncConnection, group_id: int, actor: Actor
) -> list[PendingInvite]:
    """People invited and not yet answered, for the managers (who may take one back)."""
    await load_group_for_managers(conn, group_id, actor)
    rows = await conn.execute(
        select(
            group_invites.c.user_id,
            users.c.display_name,
            group_invites.c.created_at.label("invited_at"),
        )
        .join(users, users.c.id == group_invites.c.user_id)
        .where(group_invites.c.group_id == group_id)
        .order_by(group_invites.c.created_at.desc())
        .limit(100)
    )
    return [PendingInvite(**row._mapping) for row in rows]


async def count_my_invites(conn: AsyncConnection, actor: Actor) -> int:
    """How many invitations wait for my answer: the nav's badge (one indexed count)."""
    found = await conn.scalar(
        select(func.count()).select_from(group_invites).where(group_invites.c.user_id == actor.id)
    )
    return int(found or 0)


async def create_link(
    conn: AsyncConnection, group_id: int, actor: Actor, lifetime: timedelta
) -> NewLink:
    await load_group_for_managers(conn, group_id, actor)
    token = new_token(24)
    now = clock.now()
    await conn.execute(
        insert(group_invite_links).values(
            group_id=group_id,
            token_hash=token_digest(token),
            created_by=actor.id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return NewLink(token, now + lifetime)


async def live_links(conn: AsyncConnection, group_id: int, actor: Actor) -> list[LinkInfo]:
    """Unused, unexpired links of a group, for its managers to take back."""
    await load_group_for_managers(conn, group_id, actor)
    rows = await conn.execute(
        select(
            group_invite_links.c.id,
            group_invite_links.c.created_by,
            group_invite_links.c.created_at,
            group_invite_links.c.expires_at,
        )
        .where(
            group_invite_links.c.group_id == group_id,
            group_invite_links.c.used_at.is_(None),
            group_invite_links.c.expires_at > clock.now(),
        )
        .order_by(group_invite_links.c.id.desc())
        .limit(50)
    )
    return [LinkInfo(**row._mapping) for row in rows]


async def revoke_link(conn: AsyncConnection, group_id: int, actor: Actor, link_id: int) -> None:
    await load_group_for_managers(conn, group_id, actor)
    gone = await conn.execute(
        delete(group_invite_links).where(
            group_invite_links.c.group_id == group_id, group_invite_links.c.id == link_id
        )
    )
    if gone.rowcount == 0:
        raise NotFound("no such invite link")


async def _live_row(conn: AsyncConnection, token: str) -> Row[Any]:
    row = (
        await conn.execute(
            select(group_invite_links).where(group_invite_links.c.token_hash == token_digest(token))
        )
    ).first()
    if row is None:
        raise NotFound("this invite link does not exist; ask for a new one")
    if row.used_at is not None:
        raise Gone(N_("this invite link has already been used; ask for a new one"))
    if row.expires_at <= clock.now():
        raise Gone(N_("this invite link has expired; ask for a new one"))
    return row


async def _inviter_may_still_invite(conn: AsyncConnection, group_id: int, inviter: int) -> None:
    actor = await load_actor(conn, inviter)
    try:
        if actor is None or actor.banned:
            raise Forbidden("gone")
        await load_group_for_managers(conn, group_id, actor)
    except (Forbidden, NotFound):
        raise Gone(
            N_("whoever made this invite link can no longer invite; ask for a new one")
        ) from None


async def view_link(conn: AsyncConnection, token: str, actor: Actor | None) -> LinkView:
    """The group behind a live link, as its holder may see it (name and description)."""
    row = await _live_row(conn, token)
    await _inviter_may_still_invite(conn, row.group_id, row.created_by)
    return LinkView(await fetch_group(conn, row.group_id, actor), row.expires_at)


async def redeem_link(conn: AsyncConnection, token: str, actor: Actor) -> int:
    """Join the group behind the link; answers its id. A member already keeps the link
    unspent; a full group refuses and the link stays valid for later."""
    row = await _live_row(conn, token)
    await lock_group(conn, row.group_id)
    row = await _live_row(conn, token)  # again under the lock: two redeemers, one winner
    await _inviter_may_still_invite(conn, row.group_id, row.created_by)
    group = await fetch_group(conn, row.group_id, actor)
    if group.is_member:
        return group.id
    if not group.invited:
        # An invite row without `invite.created`: the person is about to join this very
        # transaction, so an "you are invited" notification would only be noise.
        await conn.execute(
            insert(group_invites).values(
                group_id=group.id,
                user_id=actor.id,
                invited_by=row.created_by,
                created_at=clock.now(),
            )
        )
    outcome = await membership.join_group(conn, UNLIMITED, group.id, actor)
    if outcome is not membership.JoinOutcome.member:  # pragma: no cover - invited joins at once
        raise Gone(N_("this invite link could not be used"))
    spent = await conn.execute(
        update(group_invite_links)
        .where(group_invite_links.c.id == row.id, group_invite_links.c.used_at.is_(None))
        .values(used_by=actor.id, used_at=clock.now())
    )
    if spent.rowcount != 1:
        raise Gone(N_("this invite link has already been used; ask for a new one"))
    return group.id


# Spent and expired links are kept a while, so "already used" and "expired" stay clear
# answers for a late click, then go.
LINK_RETENTION = timedelta(days=30)


async def prune_links(conn: AsyncConnection) -> int:
    """The scheduler's job: links expired more than `LINK_RETENTION` ago."""
    gone = await conn.execute(
        delete(group_invite_links).where(
            group_invite_links.c.expires_at < clock.now() - LINK_RETENTION
        )
    )
    return int(gone.rowcount or 0)
