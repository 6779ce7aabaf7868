"""crewup-admin audit: read and export the audit log of moderation and admin actions."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import typer
from rich.table import Table

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
from crewup.core import clock
from crewup.core.paging import MAX_LIMIT, Page
from crewup.moderation import audit
from crewup.moderation.audit import OPERATOR, AuditEntry

app = typer.Typer(help="The audit log: who did what, when and why.", no_args_is_help=True)

CSV_COLUMNS = (
    "id",
    "created_at",
    "actor_id",
    "face",
    "action",
    "target_type",
    "target_id",
    "reason",
    "detail",
)


def _target(value: str | None) -> tuple[str | None, int | None]:
    """`user`, `user:12` or nothing."""
    if value is None:
        return None, None
    kind, _, number = value.partition(":")
    if not kind or (number and not (number.isascii() and number.isdigit())):
        fail(f"--target must look like TYPE or TYPE:ID (user:12), not {value!r}", EXIT_USAGE)
    if not number:
        return kind, None
    target_id = parse_id(number)
    if target_id is None:  # as --actor: a usage error, never a database error
        fail(f"Invalid value for '--target': {out_of_range(number)}", EXIT_USAGE)
    return kind, target_id


def _who(entry: AuditEntry) -> str:
    return str(entry.actor_id) if entry.actor_id is not None else "console"


def audit_table(entries: list[AuditEntry], title: str) -> Table:
    # Fits 80 columns: short fixed columns never wrap; the reason takes what is left.
    table = Table(title=title, expand=False)
    table.add_column("id", no_wrap=True, justify="right")
    table.add_column("when (UTC)", no_wrap=True)
    table.add_column("by", no_wrap=True)
    table.add_column("face", no_wrap=True)
    table.add_column("action", no_wrap=True)
    table.add_column("target", no_wrap=True)
    table.add_column("reason", overflow="fold", max_width=30)
    for e in entries:
        target = f"{e.target_type}:{e.target_id}" if e.target_id is not None else e.target_type
        table.add_row(
            str(e.id),
            e.created_at.strftime("%Y-%m-%d %H:%M"),
            _who(e),
            e.face,
            e.action,
            target,
            e.reason or "",
        )
    return table


@app.command("list")
def list_entries(
    action: str | None = typer.Option(None, help="Only this action (user.ban, content.remove)"),
    actor: int | None = typer.Option(None, min=1, max=ID_MAX, help="Only actions by this user id"),
    target: str | None = typer.Option(None, help="TYPE or TYPE:ID, e.g. user:12"),
    limit: int = typer.Option(50, min=1, max=MAX_LIMIT),
    cursor: str | None = typer.Option(None, help="next_cursor printed under a previous page"),
) -> None:
    """Newest first."""
    cfg = settings()
    target_type, target_id = _target(target)

    async def work() -> Page[AuditEntry]:
        async with transaction(cfg) as conn:
            return await audit.list_entries(
                conn,
                OPERATOR,
                action=action,
                actor_id=actor,
                target_type=target_type,
                target_id=target_id,
                limit=limit,
                cursor=cursor,
            )

    page = run(work)
    console.print(audit_table(page.items, f"{len(page.items)} audit entries"))
    if page.next_cursor:
        console.print(f"more: --cursor {page.next_cursor}")


@app.command()
def export(
    csv_file: Path = typer.Option(..., "--csv", help="Write every entry to this CSV file"),
    action: str | None = typer.Option(None, help="Only this action"),
    actor: int | None = typer.Option(None, min=1, max=ID_MAX, help="Only actions by this user id"),
) -> None:
    """The whole log (or one action's or actor's part), newest first, as CSV."""
    cfg = settings()

    async def work() -> int:
        written = 0
        cursor: str | None = None
        async with transaction(cfg) as conn:
            with csv_file.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(CSV_COLUMNS)
                while True:
                    page = await audit.list_entries(
                        conn, OPERATOR, action=action, actor_id=actor, limit=500, cursor=cursor
                    )
                    for e in page.items:
                        writer.writerow(
                            [
                                e.id,
                                clock.isoformat(e.created_at),
                                e.actor_id if e.actor_id is not None else "",
                                e.face,
                                e.action,
                                e.target_type,
                                e.target_id if e.target_id is not None else "",
                                e.reason or "",
                                json.dumps(e.detail, sort_keys=True),
                            ]
                        )
                    written += len(page.items)
                    if page.next_cursor is None:
                        return written
                    cursor = page.next_cursor

    count = run(work)
    console.print(f"wrote {count} entries to {csv_file}")
