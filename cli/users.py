"""crewup-admin users: look people up, create accounts, change roles."""

from __future__ import annotations

from typing import Any

import typer
from pydantic import ValidationError
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from cli.common import (
    EXIT_USAGE,
    ID_MAX,
    console,
    fail,
    out_of_range,
    parse_id,
    run,
    settings,
    transaction,
)
from crewup.auth.passwords import PasswordHasher
from crewup.auth.schemas import RegisterIn
from crewup.core import clock
from crewup.core.errors import Invalid, NotFound
from crewup.core.identity import Role
from crewup.moderation import accounts
from crewup.moderation.audit import OPERATOR
from crewup.users import service
from crewup.users.service import Account
from crewup.web.requests import invalid_from

app = typer.Typer(help="Accounts and roles.", no_args_is_help=True)


def account_table(accounts: list[Account], title: str) -> Table:
    table = Table(title=title)
    for column in ("id", "email", "display name", "role", "banned", "created"):
        table.add_column(column)
    for a in accounts:
        table.add_row(
            str(a.id),
            a.email or "",
            a.display_name,
            a.role.value,
            "yes" if a.banned else "",
            clock.isoformat(a.created_at),
        )
    return table


def _checked_who(who: str) -> str:
    # Digits are an id: one no row can have is a usage error, as `events show` says it.
    if who.isascii() and who.isdigit() and parse_id(who) is None:
        raise typer.BadParameter(out_of_range(who))  # Typer names the argument
    return who


def who_argument() -> Any:
    """The WHO argument of every command that names an account."""
    return typer.Argument(..., help="User id or email", callback=_checked_who)


async def resolve_account(conn: AsyncConnection, who: str) -> Account:
    """A user by id or by email."""
    if who.isascii() and who.isdigit():
        user_id = parse_id(who)
        if user_id is None:  # who_argument() refuses it first; the whole text, never cut
            raise Invalid(f"Invalid value for 'who': {out_of_range(who)}")
        return await service.get_account(conn, user_id)
    found = await service.find_account_by_email(conn, who)
    if found is None or found.deleted_at is not None:
        raise NotFound(f"no user with email {who}")
    return found


@app.command("list")
def list_users(
    role: Role | None = typer.Option(None, help="Only this role"),
    limit: int = typer.Option(50, min=1, max=1000),
    after: int = typer.Option(0, min=0, max=ID_MAX, help="Start after this id (pagination)"),
) -> None:
    """List accounts, oldest first."""
    cfg = settings()

    async def work() -> list[Account]:
        async with transaction(cfg) as conn:
            return await service.list_accounts(conn, limit=limit, after_id=after, role=role)

    accounts = run(work)
    console.print(account_table(accounts, f"{len(accounts)} users"))


@app.command()
def show(who: str = who_argument()) -> None:
    """Everything about one account."""
    cfg = settings()

    async def work() -> Account:
        async with transaction(cfg) as conn:
            return await resolve_account(conn, who)

    a = run(work)
    table = Table(show_header=False, title=f"user {a.id}")
    rows = {
        "email": a.email,
        "display name": a.display_name,
        "role": a.role.value,
        "interests": ", ".join(a.interests),
        "home": f"{a.home_lat}, {a.home_lon}" if a.home_lat is not None else "",
        "reputation": f"{a.reputation_score} ({a.rating_count} ratings)",
        "banned": f"yes: {a.ban_reason}" if a.banned else "no",
        "created": clock.isoformat(a.created_at),
    }
    for key, value in rows.items():
        table.add_row(key, str(value or ""))
    console.print(table)


@app.command()
def create(
    email: str = typer.Option(...),
    display_name: str = typer.Option(...),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, envvar="CREWUP_NEW_PASSWORD"
    ),
    role: Role = typer.Option(Role.user),
) -> None:
    """Create an account (the password is prompted for unless given)."""
    cfg = settings()
    try:
        checked = RegisterIn(email=email, password=password, display_name=display_name)
    except ValidationError as exc:
        fail(invalid_from(exc).detail, EXIT_USAGE)

    async def work() -> Account:
        hasher = PasswordHasher(cfg.argon2_time_cost, cfg.argon2_memory_kib)
        password_hash = await hasher.hash(checked.password)
        async with transaction(cfg) as conn:
            account = await service.create_account(
                conn,
                email=checked.email,
                password_hash=password_hash,
                display_name=checked.display_name,
                role=role,
            )
            await accounts.record_created(conn, OPERATOR, account)
            return account

    account = run(work)
    console.print(f"created user [bold]{account.id}[/] {account.email} ({account.role.value})")


def _set_role(who: str, role: Role) -> Account:
    cfg = settings()

    async def work() -> Account:
        async with transaction(cfg) as conn:
            account = await resolve_account(conn, who)
            return await accounts.set_role(conn, OPERATOR, account.id, role)

    return run(work)


@app.command()
def promote(
    who: str = who_argument(),
    role: Role = typer.Option(..., help="moderator or admin"),
) -> None:
    """Give someone the moderator or admin role; it applies on their next request."""
    if role is Role.user:
        fail("use `demote` to return someone to the user role", EXIT_USAGE)
    account = _set_role(who, role)
    console.print(f"user {account.id} is now [bold]{account.role.value}[/]")


@app.command()
def demote(who: str = who_argument()) -> None:
    """Return someone to the plain user role."""
    account = _set_role(who, Role.user)
    console.print(f"user {account.id} is now [bold]{account.role.value}[/]")
