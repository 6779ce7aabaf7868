"""Register, log in, rotate refresh tokens, log out, reset a password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.auth import refresh
from crewup.auth.passwords import PasswordHasher
from crewup.auth.tables import password_reset_tokens
from crewup.auth.tokens import TokenIssuer
from crewup.core import clock, ids
from crewup.core.db import Database
from crewup.core.errors import BadRequest, Forbidden, RateLimited, Unauthorized
from crewup.core.mail import FolderMailer
from crewup.core.ratelimit import RateLimiter
from crewup.core.settings import Settings
from crewup.users import service as users
from crewup.users.service import Account


@dataclass(frozen=True)
class AuthDeps:
    """What the auth rules need from the app; built once in create_app."""

    db: Database
    hasher: PasswordHasher
    issuer: TokenIssuer
    limiter: RateLimiter
    mailer: FolderMailer
    settings: Settings

    @property
    def refresh_ttl(self) -> timedelta:
        return timedelta(days=self.settings.refresh_token_ttl_days)


@dataclass(frozen=True)
class IssuedTokens:
    account: Account
    access_token: str
    refresh_token: str
    expires_in: int


def _ban_message(account: Account) -> str:
    until = f" until {clock.isoformat(account.ban_expires_at)}" if account.ban_expires_at else ""
    return f"this account is banned{until}"


async def _issue(
    deps: AuthDeps, account: Account, conn: AsyncConnection, family_id: str | None = None
) -> IssuedTokens:
    refresh_token = await refresh.store_refresh_token(conn, account.id, deps.refresh_ttl, family_id)
    return IssuedTokens(
        account=account,
        access_token=deps.issuer.issue(account.id, account.role.value),
        refresh_token=refresh_token,
        expires_in=int(deps.issuer.ttl.total_seconds()),
    )


async def enroll(
    deps: AuthDeps, *, email: str, password: str, display_name: str, client: str
) -> Account:
    """Create an account (the pages then sign in with a cookie session)."""
    await deps.limiter.hit(
        deps.settings.rate_limit_register,
        "register",
        client,
        what="registrations from this address",
    )
    password_hash = await deps.hasher.hash(password)
    async with deps.db.transaction() as conn:
        return await users.create_account(
            conn, email=email, password_hash=password_hash, display_name=display_name
        )


async def register(
    deps: AuthDeps, *, email: str, password: str, display_name: str, client: str
) -> IssuedTokens:
    account = await enroll(
        deps, email=email, password=password, display_name=display_name, client=client
    )
    async with deps.db.transaction() as conn:
        return await _issue(deps, account, conn)


async def authenticate(deps: AuthDeps, *, email: str, password: str, client: str) -> Account:
    email = users.normalise_email(email)
    rule = deps.settings.rate_limit_login
    await deps.limiter.hit(rule, "login-ip", client, what="login attempts")
    await deps.limiter.hit(rule, "login-email", email, what="login attempts for this account")
    async with deps.db.reading() as conn:
        account = await users.find_account_by_email(conn, email)
    valid = await deps.hasher.verify(account.password_hash if account else None, password)
    if account is None or not valid:
        raise Unauthorized("email or password is wrong")
    if account.banned:
        raise Forbidden(_ban_message(account))
    return account


async def login(deps: AuthDeps, *, email: str, password: str, client: str) -> IssuedTokens:
    account = await authenticate(deps, email=email, password=password, client=client)
    async with deps.db.transaction() as conn:
        return await _issue(deps, account, conn)


async def rotate(deps: AuthDeps, refresh_token: str) -> IssuedTokens:
    """Spend a refresh token for a new pair; reuse of a spent one revokes the whole family."""
    async with deps.db.transaction() as conn:
        spent = await refresh.spend_refresh_token(conn, refresh_token)
        if spent.reused and spent.family_id:
            await refresh.revoke_family(conn, spent.family_id)
        elif spent.user_id is not None:
            account = await users.get_account(conn, spent.user_id)
            if not account.banned:
                return await _issue(deps, account, conn, spent.family_id)
    # Outside the transaction, so the revocation above is committed before we answer.
    if spent.reused:
        raise Unauthorized(
            "refresh token was already used; every session of this login has been signed out"
        )
    if spent.user_id is not None:
        raise Forbidden("this account is banned")
    raise Unauthorized("refresh token is invalid or expired")


async def logout(deps: AuthDeps, refresh_token: str) -> None:
    async with deps.db.transaction() as conn:
        family = await refresh.family_of(conn, refresh_token)
        if family is not None:
            await refresh.revoke_family(conn, family)


async def request_password_reset(deps: AuthDeps, *, email: str, client: str) -> None:
    """Always looks the same to the caller, whether or not the account exists."""
    await deps.limiter.hit(
        deps.settings.rate_limit_password_reset, "reset-ip", client, what="password reset requests"
    )
    email = users.normalise_email(email)
    try:
        await deps.limiter.hit(deps.settings.rate_limit_password_reset, "reset-email", email)
    except RateLimited:
        return  # silently: a 429 here would reveal that the address is being targeted
    token = ids.new_token()
    async with deps.db.transaction() as conn:
        account = await users.find_account_by_email(conn, email)
        if account is None or account.deleted_at is not None:
            return
        now = clock.now()
        await conn.execute(
            password_reset_tokens.insert().values(
                user_id=account.id,
                token_hash=ids.token_digest(token),
                created_at=now,
                expires_at=now + timedelta(minutes=deps.settings.password_reset_ttl_minutes),
            )
        )
    link = f"{deps.settings.effective_public_url}/password-reset/confirm?token={token}"
    await deps.mailer.send(
        account.email or email,
        "Reset your CrewUp password",
        f"Hello {account.display_name},\n\nSomeone asked to reset the password of this "
        f"CrewUp account. If it was you, open this link within "
        f"{deps.settings.password_reset_ttl_minutes} minutes:\n\n{link}\n\n"
        "If it was not you, ignore this message; your password stays as it is.\n",
    )


async def confirm_password_reset(deps: AuthDeps, *, token: str, new_password: str) -> None:
    password_hash = await deps.hasher.hash(new_password)
    invalid = BadRequest("this reset link is invalid, used or expired; ask for a new one")
    async with deps.db.transaction() as conn:
        row = (
            await conn.execute(
                select(password_reset_tokens).where(
                    password_reset_tokens.c.token_hash == ids.token_digest(token)
                )
            )
        ).first()
        now = clock.now()
        if row is None or row.used_at is not None or row.expires_at <= now:
            raise invalid
        claimed = await conn.execute(
            update(password_reset_tokens)
            .where(
                password_reset_tokens.c.user_id == row.user_id,
                password_reset_tokens.c.used_at.is_(None),
            )
            .values(used_at=now)
        )
        if claimed.rowcount == 0:
            raise invalid
        await users.set_password(conn, row.user_id, password_hash)
        await refresh.revoke_all_sessions(conn, row.user_id)
