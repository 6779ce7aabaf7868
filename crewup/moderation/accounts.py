"""Bans and roles as moderation actions: who may do them, and the audit row each writes.

The account changes themselves (and the last-admin rule, which holds for every face and
for account deletion too) are the users domain's (crewup.users.service)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.errors import Forbidden, Invalid
from crewup.core.identity import Role
from crewup.core.marks import N_
from crewup.moderation.audit import Doer, record, require_moderator
from crewup.users import service as users
from crewup.users.service import Account


@dataclass(frozen=True)
class EarlierBan:
    """The ban in force that a new one replaced (a moderator lengthening or shortening
    it): said in the answer and kept in the audit row, never silently overwritten."""

    banned_at: datetime | None
    expires_at: datetime | None
    reason: str | None

    def audit(self) -> dict[str, object]:
        return {
            "banned_at": clock.isoformat(self.banned_at) if self.banned_at else None,
            "expires_at": clock.isoformat(self.expires_at) if self.expires_at else None,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Banned:
    account: Account
    replaced: EarlierBan | None


async def ban(
    conn: AsyncConnection,
    doer: Doer,
    user_id: int,
    reason: str,
    expires_at: datetime | None,
    *,
    report_id: int | None = None,
) -> Banned:
    """Moderators ban people; only an admin bans an admin; the last admin never. A ban
    in force is replaced, and the answer and the audit say which."""
    require_moderator(doer)
    target = await users.get_account(conn, user_id)
    if doer.actor is not None and doer.actor.id == user_id:
        raise Forbidden(N_("you cannot ban yourself"))
    if target.role is Role.admin and not doer.is_admin:
        raise Forbidden(N_("only an admin may ban an admin"))
    if expires_at is not None and expires_at <= clock.now():
        raise Invalid(N_("expires_at must be in the future"))
    replaced = (
        EarlierBan(target.banned_at, target.ban_expires_at, target.ban_reason)
        if target.banned
        else None
    )
    account = await users.ban_account(conn, user_id, reason, expires_at)
    detail: dict[str, object] = {"expires_at": clock.isoformat(expires_at) if expires_at else None}
    if report_id is not None:
        detail["report_id"] = report_id
    if replaced is not None:
        detail["replaces"] = replaced.audit()
    await record(conn, doer, "user.ban", "user", user_id, reason, detail)
    return Banned(account, replaced)


async def unban(
    conn: AsyncConnection, doer: Doer, user_id: int, reason: str | None = None
) -> Account:
    require_moderator(doer)
    target = await users.get_account(conn, user_id)
    if target.role is Role.admin and not doer.is_admin:
        raise Forbidden(N_("only an admin may lift an admin's ban"))
    account = await users.unban_account(conn, user_id)
    await record(conn, doer, "user.unban", "user", user_id, reason)
    return account


async def set_role(
    conn: AsyncConnection, doer: Doer, user_id: int, role: Role, reason: str | None = None
) -> Account:
    """Only admins appoint and remove moderators and admins."""
    if not doer.is_admin:
        raise Forbidden(N_("only admins may change roles"))
    before = await users.get_account(conn, user_id)
    account = await users.set_role(conn, user_id, role)
    await record(
        conn,
        doer,
        "user.role",
        "user",
        user_id,
        reason,
        {"from": before.role.value, "to": role.value},
    )
    return account


async def record_created(conn: AsyncConnection, doer: Doer, account: Account) -> None:
    """An operator made an account (possibly a moderator or admin): that is audited too."""
    await record(conn, doer, "user.create", "user", account.id, None, {"role": account.role.value})
