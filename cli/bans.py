"""crewup-admin bans: ban and unban accounts."""

from __future__ import annotations

from datetime import datetime, timedelta

import typer

from cli.common import checked_text, console, run, settings, transaction
from cli.users import account_table, resolve_account, who_argument
from crewup.core import clock
from crewup.moderation import accounts
from crewup.moderation.audit import OPERATOR
from crewup.moderation.schemas import Note, Reason
from crewup.users import service
from crewup.users.service import Account

app = typer.Typer(
    help="Bans: a banned account cannot sign in or use its tokens.", no_args_is_help=True
)


@app.command()
def add(
    who: str = who_argument(),
    reason: str = typer.Option(..., help="Why; shown in the audit trail"),
    days: int | None = typer.Option(None, min=1, max=36500, help="Lift it after this many days"),
) -> None:
    """Ban someone now; their refresh tokens are revoked and access tokens stop working."""
    why = checked_text(Reason, reason, "--reason")  # the API's rule for a ban's reason
    cfg = settings()

    async def work() -> accounts.Banned:
        async with transaction(cfg) as conn:
            account = await resolve_account(conn, who)
            expires = clock.now() + timedelta(days=days) if days else None
            return await accounts.ban(conn, OPERATOR, account.id, why, expires)

    banned = run(work)
    account, earlier = banned.account, banned.replaced
    console.print(f"user {account.id} banned {_until(account.ban_expires_at)}")
    if earlier is not None:
        console.print(
            f"(this replaces the ban in force {_until(earlier.expires_at)}: "
            f"{earlier.reason or 'no reason given'})",
            markup=False,
        )


def _until(expires_at: datetime | None) -> str:
    return f"until {clock.isoformat(expires_at)}" if expires_at else "for good"


@app.command()
def remove(
    who: str = who_argument(),
    reason: str | None = typer.Option(None, help="Why; shown in the audit trail"),
) -> None:
    """Lift a ban."""
    why = checked_text(Note, reason, "--reason") or None  # as the API's optional reasons
    cfg = settings()

    async def work() -> Account:
        async with transaction(cfg) as conn:
            account = await resolve_account(conn, who)
            return await accounts.unban(conn, OPERATOR, account.id, why)

    account = run(work)
    console.print(f"user {account.id} is no longer banned")


@app.command("list")
def list_bans(limit: int = typer.Option(100, min=1, max=1000)) -> None:
    """Accounts with a ban on record."""
    cfg = settings()

    async def work() -> list[Account]:
        async with transaction(cfg) as conn:
            return await service.list_accounts(conn, limit=limit, banned_only=True)

    accounts = run(work)
    console.print(account_table(accounts, f"{len(accounts)} banned"))
