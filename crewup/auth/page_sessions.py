"""Browser sign-ins, registered in the database so they can be ended from the server.

The cookie (or its Redis entry) holds a random token; the table holds its digest. Loading
the signed-in person joins the two, so a signed-out, reset, banned or deleted account's
cookie stops working at its next request, whichever session store carries it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Integer, String, bindparam, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.auth.tables import page_sessions
from crewup.core import clock, ids
from crewup.core.identity import Actor, Role
from crewup.core.quick_reads import Prepared, Reads
from crewup.users.service import is_banned
from crewup.users.tables import users

PAGE_SESSION_DAYS = 14

_ACTOR_OF_SESSION = Prepared(
    select(
        users.c.id,
        users.c.role,
        users.c.banned_at,
        users.c.ban_expires_at,
        users.c.display_name,
        users.c.email_verified_at,
        users.c.locale,
    )
    .select_from(page_sessions.join(users, users.c.id == page_sessions.c.user_id))
    .where(
        page_sessions.c.token_hash == bindparam("token_hash", type_=String),
        page_sessions.c.expires_at > bindparam("now", type_=page_sessions.c.expires_at.type),
        users.c.deleted_at.is_(None),
    )
)


async def open_page_session(conn: AsyncConnection, user_id: int) -> str:
    token = ids.new_token()
    now = clock.now()
    await conn.execute(
        insert(page_sessions).values(
            token_hash=ids.token_digest(token),
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(days=PAGE_SESSION_DAYS),
        )
    )
    return token


async def close_page_session(conn: AsyncConnection, token: str) -> None:
    await conn.execute(
        delete(page_sessions).where(page_sessions.c.token_hash == ids.token_digest(token))
    )


async def close_all_page_sessions(conn: AsyncConnection, user_id: int) -> None:
    await conn.execute(
        delete(page_sessions).where(
            page_sessions.c.user_id == bindparam("user_id", user_id, type_=Integer)
        )
    )


async def actor_of_page_session(conn: Reads, token: str) -> Actor | None:
    """The person this browser is signed in as; None when the session has ended."""
    row = await _ACTOR_OF_SESSION.first(
        conn, {"token_hash": ids.token_digest(token), "now": clock.now()}
    )
    if row is None:
        return None
    return Actor(
        id=row.id,
        role=Role(row.role),
        banned=is_banned(row.banned_at, row.ban_expires_at),
        display_name=row.display_name,
        verified=row.email_verified_at is not None,
        locale=row.locale,
    )
