"""crewup-admin groups: look at groups, hand them over, remove them."""

from __future__ import annotations

import typer
from rich.table import Table

from cli.common import ID_MAX, console, fail, run, settings, transaction
from crewup.core import clock
from crewup.groups import membership, service
from crewup.groups.access import Group
from crewup.moderation import audit
from crewup.moderation.audit import OPERATOR

app = typer.Typer(help="Groups.", no_args_is_help=True)


def _table(found: list[Group], title: str) -> Table:
    table = Table(title=title)
    for column in ("id", "name", "category", "visibility", "members", "owner", "created"):
        table.add_column(column)
    for g in found:
        cap = f"/{g.max_members}" if g.max_members else ""
        table.add_row(
            str(g.id),
            g.name,
            g.category,
            g.visibility.value,
            f"{g.member_count}{cap}",
            str(g.owner_id),
            clock.isoformat(g.created_at),
        )
    return table


@app.command("list")
def list_groups(
    limit: int = typer.Option(50, min=1, max=1000),
    after: int = typer.Option(0, min=0, max=ID_MAX, help="Start after this id (pagination)"),
) -> None:
    """Every group, private ones included, oldest first."""
    cfg = settings()

    async def work() -> list[Group]:
        async with transaction(cfg) as conn:
            return await service.list_all_groups(conn, limit=limit, after_id=after)

    found = run(work)
    console.print(_table(found, f"{len(found)} groups"))


@app.command()
def show(group_id: int = typer.Argument(..., min=1, max=ID_MAX)) -> None:
    """One group with its counts."""
    cfg = settings()

    async def work() -> Group:
        async with transaction(cfg) as conn:
            return await service.get_group_for_operator(conn, group_id)

    group = run(work)
    console.print(_table([group], f"group {group.id}"))
    if group.description:
        console.print(group.description, markup=False)


@app.command("transfer-ownership")
def transfer_ownership(
    group_id: int = typer.Argument(..., min=1, max=ID_MAX),
    to: int = typer.Option(..., "--to", min=1, max=ID_MAX, help="User id of a member"),
) -> None:
    """Make a member the owner (the old owner becomes an admin)."""
    cfg = settings()

    async def work() -> Group:
        async with transaction(cfg) as conn:
            before = await service.get_group_for_operator(conn, group_id)
            group = await membership.transfer_ownership(conn, group_id, to, actor=None)
            await audit.record(
                conn,
                OPERATOR,
                "group.transfer",
                "group",
                group_id,
                None,
                {"from": before.owner_id, "to": group.owner_id},
            )
            return group

    group = run(work)
    console.print(f"group {group.id} is now owned by user {group.owner_id}")


@app.command()
def delete(
    group_id: int = typer.Argument(..., min=1, max=ID_MAX),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation"),
) -> None:
    """Delete a group with its posts, comments, events and memberships (refused while
    people are going to one of its upcoming events: `events cancel` tells them first)."""
    cfg = settings()
    if not yes and not typer.confirm(f"Delete group {group_id} and everything in it?"):
        fail("nothing deleted", 1)

    async def work() -> Group:
        async with transaction(cfg) as conn:
            group = await service.remove_group_for_operator(conn, group_id)
            await audit.record(
                conn, OPERATOR, "group.delete", "group", group_id, None, {"name": group.name}
            )
            return group

    # Its cover's files and its events' go with the next `media prune`.
    group = run(work)
    console.print(f"deleted group {group.id} ({group.name})")
