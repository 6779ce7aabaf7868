"""Accounts: profiles, roles, bans and erasure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.dispatch import announce
from crewup.core.errors import Conflict, FieldError, NotFound
from crewup.core.i18n import current_locale
from crewup.core.identity import Actor, Role
from crewup.core.images import ImageKind
from crewup.core.marks import N_
from crewup.core.picture_events import discarded
from crewup.core.quick_reads import Prepared, Reads
from crewup.users.domain_events import (
    UserBanned,
    UserDeleted,
    UserRegistered,
    UserRoleChanged,
    UserUnbanned,
)
from crewup.users.tables import users

DELETED_NAME = "deleted user"


@dataclass(frozen=True)
class Account:
    id: int
    email: str | None
    email_verified_at: datetime | None
    password_hash: str | None
    display_name: str
    bio: str
    interests: list[str]
    home_lat: float | None
    home_lon: float | None
    role: Role
    banned_at: datetime | None
    ban_expires_at: datetime | None
    ban_reason: str | None
    rating_count: int
    rating_sum: int
    locale: str | None
    created_at: datetime
    deleted_at: datetime | None
    avatar: str | None = None

    @property
    def banned(self) -> bool:
        return is_banned(self.banned_at, self.ban_expires_at)

    @property
    def shown_avatar(self) -> str | None:
        """The avatar other people see: none while a ban lasts."""
        return None if self.banned else self.avatar

    @property
    def reputation_score(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None


def is_banned(banned_at: datetime | None, expires_at: datetime | None) -> bool:
    return banned_at is not None and (expires_at is None or expires_at > clock.now())


def shown_account(now: ColumnElement[Any] | None = None) -> ColumnElement[bool]:
    """`is_banned` for many rows at once, plus deletion: whom people lists may show.
    `now` may be a bind parameter, for statements built once and run many times."""
    moment = now if now is not None else clock.now()
    return and_(
        users.c.deleted_at.is_(None),
        or_(
            users.c.banned_at.is_(None),
            and_(users.c.ban_expires_at.is_not(None), users.c.ban_expires_at <= moment),
        ),
    )


_ACCOUNT_COLUMNS = [users.c[name] for name in Account.__dataclass_fields__]


def _account(row: Any) -> Account:
    return _account_of(row._asdict())


def _account_of(data: dict[str, Any]) -> Account:
    data["role"] = Role(data["role"])
    data["interests"] = list(data["interests"] or [])
    return Account(**data)


def normalise_email(email: str) -> str:
    return email.strip().lower()


_LOAD_ACTOR = Prepared(
    select(
        users.c.role,
        users.c.banned_at,
        users.c.ban_expires_at,
        users.c.display_name,
        users.c.email_verified_at,
        users.c.locale,
        users.c.tokens_valid_from,
    ).where(users.c.id == bindparam("user_id"), users.c.deleted_at.is_(None))
)


def _actor(user_id: int, row: Any) -> Actor:
    """The Actor of a row with the columns of `_LOAD_ACTOR`."""
    return Actor(
        id=user_id,
        role=Role(row.role),
        banned=is_banned(row.banned_at, row.ban_expires_at),
        display_name=row.display_name,
        verified=row.email_verified_at is not None,
        locale=row.locale,
        tokens_valid_from=row.tokens_valid_from,
    )


async def load_actor(conn: Reads, user_id: int) -> Actor | None:
    """The `ActorLoader` the web layer resolves callers with: one primary-key read."""
    row = await _LOAD_ACTOR.first(conn, {"user_id": user_id})
    return None if row is None else _actor(user_id, row)


_LIVE_ACCOUNT = Prepared(
    select(*_ACCOUNT_COLUMNS).where(
        users.c.id == bindparam("user_id"), users.c.deleted_at.is_(None)
    )
)


_CALLER_ACCOUNT = Prepared(
    select(*_ACCOUNT_COLUMNS, users.c.tokens_valid_from).where(
        users.c.id == bindparam("user_id"), users.c.deleted_at.is_(None)
    )
)


async def find_caller_account(conn: Reads, user_id: int) -> tuple[Account, Actor] | None:
    """The caller's own live account and the Actor it makes (None: deleted), in one read:
    `load_actor` and `get_account` together, for the caller's own profile."""
    row = await _CALLER_ACCOUNT.first(conn, {"user_id": user_id})
    if row is None:
        return None
    data = row._asdict()
    del data["tokens_valid_from"]
    return _account_of(data), _actor(user_id, row)


async def get_account(conn: Reads, user_id: int) -> Account:
    row = await _LIVE_ACCOUNT.first(conn, {"user_id": user_id})
    if row is None:
        raise NotFound(f"user {user_id} not found")
    return _account(row)


async def lock_account(conn: AsyncConnection, user_id: int) -> None:
    """Hold a live account's row against other changes (not against foreign-key checks)."""
    found = (
        await conn.execute(
            select(users.c.id)
            .where(users.c.id == user_id, users.c.deleted_at.is_(None))
            .with_for_update(key_share=True)
        )
    ).first()
    if found is None:
        raise NotFound(f"user {user_id} not found")


async def find_account_by_email(conn: AsyncConnection, email: str) -> Account | None:
    row = (
        await conn.execute(select(*_ACCOUNT_COLUMNS).where(users.c.email == normalise_email(email)))
    ).first()
    return _account(row) if row else None


async def create_account(
    conn: AsyncConnection,
    *,
    email: str,
    password_hash: str,
    display_name: str,
    role: Role = Role.user,
) -> Account:
    email = normalise_email(email)
    taken = Conflict(
        N_("an account with this email already exists"),
        [FieldError("email", N_("already registered"))],
    )
    if await find_account_by_email(conn, email) is not None:
        raise taken
    now = clock.now()
    try:
        user_id = (
            await conn.execute(
                users.insert()
                .values(
                    email=email,
                    password_hash=password_hash,
                    display_name=display_name.strip(),
                    interests=[],
                    role=role.value,
                    created_at=now,
                    updated_at=now,
                )
                .returning(users.c.id)
            )
        ).scalar_one()
    except IntegrityError:
        raise taken from None
    await announce(conn, UserRegistered(user_id, locale=current_locale()))
    return await get_account(conn, user_id)


PROFILE_FIELDS = ("display_name", "bio", "interests", "home_lat", "home_lon", "locale")


async def update_profile(conn: AsyncConnection, user_id: int, changes: dict[str, Any]) -> Account:
    values = {k: v for k, v in changes.items() if k in PROFILE_FIELDS}
    if values:
        await conn.execute(
            update(users).where(users.c.id == user_id).values(**values, updated_at=clock.now())
        )
    return await get_account(conn, user_id)


async def set_password(conn: AsyncConnection, user_id: int, password_hash: str) -> None:
    """A new password also voids every access token issued before it (a leaked token must
    not outlive the change meant to stop it)."""
    await void_access_tokens(conn, user_id, password_hash=password_hash)


async def void_access_tokens(
    conn: AsyncConnection, user_id: int, *, password_hash: str | None = None
) -> None:
    """Access tokens issued until now stop working: on a new password, and on a ban (a
    ban lifted within a token's lifetime gave the person's old tokens back, while the
    ban had ended their refresh tokens and browser sessions: a black-box trial). The row
    is locked before the instant is taken, so a token rotation holding it
    (auth/refresh.py) finishes first and what it issued is voided too."""
    await lock_account(conn, user_id)
    now = clock.now()
    values: dict[str, Any] = {"tokens_valid_from": now, "updated_at": now}
    if password_hash is not None:
        values["password_hash"] = password_hash
    await conn.execute(update(users).where(users.c.id == user_id).values(**values))


async def set_avatar(conn: AsyncConnection, user_id: int, key: str | None) -> Account:
    """Point the account at a stored image (None: no avatar). The replaced image's files
    are pruned later (crewup.core.media_prune)."""
    await lock_account(conn, user_id)
    await get_account(conn, user_id)  # NotFound for a deleted account
    await conn.execute(
        update(users).where(users.c.id == user_id).values(avatar=key, updated_at=clock.now())
    )
    return await get_account(conn, user_id)


async def erase_account(conn: AsyncConnection, user_id: int) -> None:
    """Personal data goes; the row stays so content keeps an author shown as 'deleted user'.
    Subscribers of `user.deleted` give back seats, memberships and sessions in the same
    transaction, or refuse (an owner must hand their groups over first). The avatar's
    files go right after the commit (`pictures.discarded`).

    Lock order: for an admin, every live admin's row first, by id, as a demotion or a ban
    of an admin takes them (`ensure_not_last_admin`; an admin deleting their account
    while another demoted them deadlocked: a black-box trial). Then the account row, FOR
    NO KEY UPDATE (the person's own RSVPs, which share-lock it, wait for us), then
    whatever the subscribers lock, and the erasure last. Clearing the e-mail changes a
    unique (key) column, which takes the strongest row lock; taken first, it would block
    every foreign-key check on this person (an invitation holding a group's lock) while
    we wait for that group's lock: a deadlock."""
    account = await get_account(conn, user_id)
    await ensure_not_last_admin(conn, account, "deleted")
    await lock_account(conn, user_id)
    # Read again under the lock: promoted to admin since the first read, the check runs
    # now (the admins it locks are the ones it did not hold yet).
    account = await get_account(conn, user_id)
    await ensure_not_last_admin(conn, account, "deleted")
    await announce(conn, UserDeleted(user_id))
    gone = discarded(ImageKind.avatar, [account.avatar])
    if gone is not None:
        await announce(conn, gone)
    now = clock.now()
    await conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(
            email=None,
            password_hash=None,
            display_name=DELETED_NAME,
            bio="",
            interests=[],
            home_lat=None,
            home_lon=None,
            avatar=None,
            deleted_at=now,
            updated_at=now,
        )
    )


async def ensure_not_last_admin(conn: AsyncConnection, account: Account, doing: str) -> None:
    """An installation always keeps one admin who can act: the last one may not be
    demoted, banned or deleted. The live admins' rows are locked first, so two admins
    demoting each other at once cannot both succeed (SQLite has one writer anyway). FOR NO
    KEY UPDATE: exclusive among these checks, yet foreign-key checks on the admins' rows
    (an admin posting meanwhile) do not wait for it."""
    if account.role is not Role.admin:
        return
    admins = (
        await conn.execute(
            select(users.c.id, users.c.banned_at, users.c.ban_expires_at)
            .where(users.c.role == Role.admin.value, users.c.deleted_at.is_(None))
            .order_by(users.c.id)
            .with_for_update(key_share=True)
        )
    ).all()
    others = [
        a for a in admins if a.id != account.id and not is_banned(a.banned_at, a.ban_expires_at)
    ]
    if not others:
        raise Conflict(f"user {account.id} is the last admin and cannot be {doing}")


async def set_role(conn: AsyncConnection, user_id: int, role: Role) -> Account:
    account = await get_account(conn, user_id)
    if role is not Role.admin:
        await ensure_not_last_admin(conn, account, "demoted")
    await conn.execute(
        update(users).where(users.c.id == user_id).values(role=role.value, updated_at=clock.now())
    )
    await announce(conn, UserRoleChanged(user_id, role.value))
    return await get_account(conn, user_id)


async def ban_account(
    conn: AsyncConnection, user_id: int, reason: str, expires_at: datetime | None
) -> Account:
    await ensure_not_last_admin(conn, await get_account(conn, user_id), "banned")
    await conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(banned_at=clock.now(), ban_expires_at=expires_at, ban_reason=reason)
    )
    await announce(conn, UserBanned(user_id, reason, expires_at))
    return await get_account(conn, user_id)


async def unban_account(conn: AsyncConnection, user_id: int) -> Account:
    account = await get_account(conn, user_id)
    if account.banned_at is None:
        raise Conflict(f"user {user_id} is not banned")
    await conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(banned_at=None, ban_expires_at=None, ban_reason=None)
    )
    await announce(conn, UserUnbanned(user_id))
    return await get_account(conn, user_id)


async def list_accounts(
    conn: AsyncConnection,
    *,
    limit: int,
    after_id: int = 0,
    role: Role | None = None,
    banned_only: bool = False,
) -> list[Account]:
    query = (
        select(*_ACCOUNT_COLUMNS)
        .where(users.c.id > after_id, users.c.deleted_at.is_(None))
        .order_by(users.c.id)
        .limit(limit)
    )
    if role is not None:
        query = query.where(users.c.role == role.value)
    if banned_only:
        query = query.where(users.c.banned_at.is_not(None))
    return [_account(row) for row in await conn.execute(query)]


async def count_accounts(conn: AsyncConnection) -> int:
    return (
        await conn.execute(
            select(func.count()).select_from(users).where(users.c.deleted_at.is_(None))
        )
    ).scalar_one()


async def mark_email_verified(conn: AsyncConnection, user_id: int, email: str) -> bool:
    """Confirm `email` for the account, if it is still the account's address."""
    done = await conn.execute(
        update(users)
        .where(
            users.c.id == user_id,
            users.c.email == normalise_email(email),
            users.c.deleted_at.is_(None),
        )
        .values(email_verified_at=func.coalesce(users.c.email_verified_at, clock.now()))
    )
    return bool(done.rowcount)


async def lift_expired_bans(conn: AsyncConnection) -> int:
    """Bans end by themselves at their expiry (they already stop applying then); this
    clears them and announces each, so everything that reacts to a lifted ban does."""
    ended = (
        (
            await conn.execute(
                update(users)
                .where(users.c.banned_at.is_not(None), users.c.ban_expires_at <= clock.now())
                .values(banned_at=None, ban_expires_at=None, ban_reason=None)
                .returning(users.c.id)
            )
        )
        .scalars()
        .all()
    )
    for user_id in sorted(ended):
        await announce(conn, UserUnbanned(user_id))
    return len(ended)
