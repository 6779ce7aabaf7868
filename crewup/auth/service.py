"""The rules of signing up, signing in, refresh-token rotation, sign-out and password reset.

Functions that touch the database take a connection; the slow, database-free steps
(argon2 hashing and verifying, rate limits) are separate, so handlers never hold a
transaction or a pooled connection while a password is hashed (see auth/web_flows.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.auth import refresh
from crewup.auth.domain_events import PasswordResetRequested, VerificationRequested
from crewup.auth.kit import AuthKit
from crewup.auth.tables import page_sessions, password_reset_tokens, refresh_tokens
from crewup.core import clock, ids
from crewup.core.dispatch import announce
from crewup.core.errors import BadRequest, DomainError, Forbidden, RateLimited, Unauthorized
from crewup.core.i18n import current_locale
from crewup.core.marks import N_
from crewup.core.signing import Signer
from crewup.users import service as users
from crewup.users.service import Account


@dataclass(frozen=True)
class IssuedTokens:
    account: Account
    access_token: str
    refresh_token: str
    expires_in: int


@dataclass(frozen=True)
class Rotation:
    """A refresh either issues a new pair or is refused. A refusal may still have changed
    something (reuse revokes the whole family), so it is raised after the commit."""

    issued: IssuedTokens | None = None
    refusal: DomainError | None = None

    def unwrap(self) -> IssuedTokens:
        if self.issued is None:
            raise self.refusal or Unauthorized("refresh token is invalid or expired")
        return self.issued


def ban_message(account: Account) -> str:
    said = (
        N_("this account is banned until %(until)s", until=clock.isoformat(account.ban_expires_at))
        if account.ban_expires_at
        else N_("this account is banned")
    )
    if account.ban_reason:
        return N_("%(ban)s: %(reason)s", ban=said, reason=account.ban_reason)
    return said


async def limit_registrations(kit: AuthKit, client: str) -> None:
    await kit.limiter.hit(
        kit.settings.rate_limit_register,
        "register",
        client,
        what=N_("registrations from this address"),
    )


async def create_account(
    conn: AsyncConnection, *, email: str, password_hash: str, display_name: str
) -> Account:
    return await users.create_account(
        conn, email=email, password_hash=password_hash, display_name=display_name
    )


async def issue_tokens(
    conn: AsyncConnection, kit: AuthKit, account: Account, family_id: str | None = None
) -> IssuedTokens:
    refresh_token = await refresh.store_refresh_token(conn, account.id, kit.refresh_ttl, family_id)
    return IssuedTokens(
        account=account,
        access_token=kit.issuer.issue(account.id, account.role.value),
        refresh_token=refresh_token,
        expires_in=int(kit.issuer.ttl.total_seconds()),
    )


async def limit_logins(kit: AuthKit, client: str, email: str) -> None:
    rule = kit.settings.rate_limit_login
    await kit.limiter.hit(rule, "login-ip", client, what=N_("login attempts"))
    await kit.limiter.hit(
        rule,
        "login-email",
        users.normalise_email(email),
        what=N_("login attempts for this account"),
    )


async def find_login(conn: AsyncConnection, email: str) -> Account | None:
    return await users.find_account_by_email(conn, email)


async def check_password(kit: AuthKit, account: Account | None, password: str) -> Account:
    """Unknown emails cost a decoy verification too, so timing reveals no accounts."""
    valid = await kit.hasher.verify(account.password_hash if account else None, password)
    if account is None or not valid:
        raise Unauthorized(N_("email or password is wrong"))
    if account.banned:
        raise Forbidden(ban_message(account))
    return account


async def check_current_password(kit: AuthKit, account: Account, password: str) -> None:
    """Changing a password or deleting an account asks for the current password, so a
    browser left signed in is not enough; each try counts against the login limits."""
    await kit.limiter.hit(
        kit.settings.rate_limit_login,
        "login-email",
        users.normalise_email(account.email or str(account.id)),
        what=N_("password attempts for this account"),
    )
    if not await kit.hasher.verify(account.password_hash, password):
        raise Forbidden(N_("that is not your current password"))


async def change_password(conn: AsyncConnection, user_id: int, password_hash: str) -> None:
    """The new password, and every login ends (other browsers, apps and open sockets): a
    person changing a password after a leak expects the leaked sessions gone too."""
    await users.set_password(conn, user_id, password_hash)
    await refresh.revoke_all_sessions(conn, user_id)


async def rotate(conn: AsyncConnection, kit: AuthKit, refresh_token: str) -> Rotation:
    """Spend a refresh token for a new pair; reuse of a spent one revokes the whole family."""
    spent = await refresh.spend_refresh_token(conn, refresh_token)
    if spent.reused and spent.family_id:
        await refresh.revoke_family(conn, spent.family_id)
        return Rotation(
            refusal=Unauthorized(
                "refresh token was already used; every session of this login has been signed out"
            )
        )
    if spent.user_id is None:
        return Rotation(refusal=Unauthorized("refresh token is invalid or expired"))
    account = await users.get_account(conn, spent.user_id)
    if account.banned:
        return Rotation(refusal=Forbidden(ban_message(account)))
    return Rotation(issued=await issue_tokens(conn, kit, account, spent.family_id))


async def logout(conn: AsyncConnection, refresh_token: str) -> None:
    family = await refresh.family_of(conn, refresh_token)
    if family is not None:
        await refresh.revoke_family(conn, family)


async def limit_password_resets(kit: AuthKit, client: str, email: str) -> bool:
    """False when this address has asked too often: the caller then answers exactly as
    usual but sends nothing (a 429 would reveal that the address is being targeted)."""
    rule = kit.settings.rate_limit_password_reset
    await kit.limiter.hit(rule, "reset-ip", client, what=N_("password reset requests"))
    try:
        await kit.limiter.hit(rule, "reset-email", users.normalise_email(email))
    except RateLimited:
        return False
    return True


async def start_password_reset(conn: AsyncConnection, kit: AuthKit, email: str) -> None:
    """Store a single-use token (as its digest) and ask for the mail; nothing happens for
    an address without an account (the caller answers the same either way)."""
    account = await users.find_account_by_email(conn, email)
    if account is None or account.deleted_at is not None or account.email is None:
        return
    token = ids.new_token()
    now = clock.now()
    await conn.execute(
        password_reset_tokens.insert().values(
            user_id=account.id,
            token_hash=ids.token_digest(token),
            created_at=now,
            expires_at=now + timedelta(minutes=kit.settings.password_reset_ttl_minutes),
        )
    )
    await announce(
        conn,
        PasswordResetRequested(account.id, kit.sealer.seal(token), locale=current_locale()),
    )


async def confirm_password_reset(conn: AsyncConnection, token: str, password_hash: str) -> None:
    """Spend the token, set the password, and end every login of the account."""
    invalid = BadRequest(N_("this reset link is invalid, used or expired; ask for a new one"))
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
    account = await users.get_account(conn, row.user_id)
    if account.email:  # the link reached this address: it is the person's
        await users.mark_email_verified(conn, row.user_id, account.email)


VERIFY_DAYS = 7


def verification_link(kit_signer: Signer, public_url: str, user_id: int, email: str) -> str:
    token = kit_signer.sign("verify-email", {"u": user_id, "e": email})
    return f"{public_url}/verify-email?token={token}"


async def verify_email(conn: AsyncConnection, signer: Signer, token: str) -> bool:
    """Confirm the address a link was sent to, if it is still the account's."""
    data = signer.read("verify-email", token, VERIFY_DAYS * 24 * 3600)
    if data is None or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        raise BadRequest(N_("this confirmation link is invalid or too old; ask for a new one"))
    return await users.mark_email_verified(conn, data["u"], data["e"])


async def request_verification(conn: AsyncConnection, actor_id: int) -> None:
    account = await users.get_account(conn, actor_id)
    if account.email_verified_at is None:
        await announce(conn, VerificationRequested(actor_id, locale=current_locale()))


async def prune_expired(conn: AsyncConnection) -> int:
    """Spent or expired refresh tokens, reset tokens and browser sessions."""
    now = clock.now()
    gone = 0
    for statement in (
        delete(refresh_tokens).where(refresh_tokens.c.expires_at < now),
        delete(password_reset_tokens).where(password_reset_tokens.c.expires_at < now),
        delete(page_sessions).where(page_sessions.c.expires_at < now),
    ):
        gone += int((await conn.execute(statement)).rowcount or 0)
    return gone
