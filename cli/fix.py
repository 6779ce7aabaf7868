"""crewup-admin fix: repair derived data and say what changed."""

from __future__ import annotations

import typer
from rich.table import Table

from cli.common import console, run, settings, transaction
from crewup.groups import repair

app = typer.Typer(help="Repair derived data (counters, ...).", no_args_is_help=True)


@app.command()
def counters() -> None:
    """Recompute group member counts and post comment counts from the rows."""
    cfg = settings()

    async def work() -> list[repair.CounterFix]:
        async with transaction(cfg) as conn:
            with console.status("recounting..."):
                return await repair.recount(conn)

    fixes = run(work)
    if not fixes:
        console.print("all counters are right; nothing changed")
        return
    table = Table(title=f"{len(fixes)} counters fixed")
    for column in ("table", "id", "column", "was", "now"):
        table.add_column(column)
    for fix in fixes:
        table.add_row(fix.table, str(fix.row_id), fix.column, str(fix.was), str(fix.now))
    console.print(table)
