"""Refresh tokens: opaque, stored as digests, rotated on use, revoked by family on reuse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.auth.domain_events import SessionsEnded
from crewup.auth.page_sessions import close_all_page_sessions
from crewup.auth.tables import refresh_tokens
from crewup.core import clock, ids
from crewup.core.dispatch import announce
from crewup.users.tables import users


@dataclass(frozen=True)
class SpentToken:
    """The outcome of presenting a refresh token."""

    user_id: int | None
    family_id: str | None
    reused: bool = False


async def store_refresh_token(
    conn: AsyncConnection, user_id: int, ttl: timedelta, family_id: str | None = None
) -> str:
    token = ids.new_token()
    now = clock.now()
    await conn.execute(
        refresh_tokens.insert().values(
            user_id=user_id,
            family_id=family_id or ids.new_uuid(),
            token_hash=ids.token_digest(token),
            issued_at=now,
            expires_at=now + ttl,
        )
    )
    return token


async def spend_refresh_token(conn: AsyncConnection, token: str) -> SpentToken:
    """Mark the token used. A token already used (or raced) comes back as `reused`."""
    row = (
        await conn.execute(
            select(refresh_tokens).where(refresh_tokens.c.token_hash == ids.token_digest(token))
        )
    ).first()
    now = clock.now()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return SpentToken(None, None)
    if row.used_at is not None:
        return SpentToken(row.user_id, row.family_id, reused=True)
    # Hold the account against a new password meanwhile (`set_password` locks it before it
    # stamps `tokens_valid_from`): either the change waits for this rotation, and then
    # voids and revokes what it hands out, or this rotation waits for the change and then
    # finds its token revoked. Without it, a rotation racing the change kept a live pair.
    await conn.execute(
        select(users.c.id).where(users.c.id == row.user_id).with_for_update(read=True)
    )
    # Conditional update: of two concurrent refreshes with one token, exactly one wins.
    claimed = await conn.execute(
        update(refresh_tokens)
        .where(
            refresh_tokens.c.id == row.id,
            refresh_tokens.c.used_at.is_(None),
            refresh_tokens.c.revoked_at.is_(None),
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        revoked = (
            await conn.execute(
                select(refresh_tokens.c.revoked_at).where(refresh_tokens.c.id == row.id)
            )
        ).scalar_one_or_none()
        if revoked is not None:
            return SpentToken(None, None)
        return SpentToken(row.user_id, row.family_id, reused=True)
    return SpentToken(row.user_id, row.family_id)


async def revoke_family(conn: AsyncConnection, family_id: str) -> None:
    await conn.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )


async def family_of(conn: AsyncConnection, token: str) -> str | None:
    return (
        await conn.execute(
            select(refresh_tokens.c.family_id).where(
                refresh_tokens.c.token_hash == ids.token_digest(token)
            )
        )
    ).scalar_one_or_none()


async def revoke_all_sessions(conn: AsyncConnection, user_id: int) -> None:
    """Every login of the person ends: refresh tokens and browser sessions alike."""
    await close_all_page_sessions(conn, user_id)
    await conn.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    await announce(conn, SessionsEnded(user_id))
