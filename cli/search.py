"""crewup-admin search: keep the full-text indexes right."""

from __future__ import annotations

import typer
from rich.table import Table

from cli.common import console, run, settings, transaction
from crewup.search.reindex import Reindexed, reindex

app = typer.Typer(help="Full-text search indexes.", no_args_is_help=True)


@app.command("reindex")
def reindex_command() -> None:
    """Rebuild the search indexes from the rows (FTS5 tables on SQLite, GIN on PostgreSQL)."""
    cfg = settings()

    async def work() -> list[Reindexed]:
        async with transaction(cfg) as conn:
            with console.status("reindexing..."):
                return await reindex(conn)

    done = run(work)
    table = Table(title="search indexes rebuilt")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for item in done:
        table.add_row(item.table, str(item.rows))
    console.print(table)
    console.print(f"reindexed {sum(i.rows for i in done)} rows in {len(done)} tables")
