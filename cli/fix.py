"""crewup-admin fix: repair derived data and say what changed."""

from __future__ import annotations

import typer
from rich.table import Table

from cli.common import console, run, settings, transaction
from crewup.core import counters as stored_counters
from crewup.events import service as event_service
from crewup.events.tables import COUNTERS as EVENT_COUNTERS
from crewup.groups.tables import COUNTERS as GROUP_COUNTERS
from crewup.posts.tables import COUNTERS as POST_COUNTERS

app = typer.Typer(help="Repair derived data: counters, waitlists.", no_args_is_help=True)


@app.command()
def counters() -> None:
    """Recompute member, comment and RSVP counts from the rows; print each change."""
    cfg = settings()

    async def work() -> list[stored_counters.CounterFix]:
        async with transaction(cfg) as conn:
            with console.status("recounting..."):
                return await stored_counters.recount(
                    conn, (*GROUP_COUNTERS, *POST_COUNTERS, *EVENT_COUNTERS)
                )

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


@app.command()
def waitlists() -> None:
    """Promote waitlisted people wherever seats are free (e.g. after a manual data fix)."""
    cfg = settings()

    async def work() -> dict[int, list[int]]:
        async with transaction(cfg) as conn:
            with console.status("checking events..."):
                return await event_service.refill_waitlists(conn)

    changed = run(work)
    if not changed:
        console.print("no free seats with people waiting; nothing changed")
        return
    table = Table(title=f"{sum(map(len, changed.values()))} people promoted")
    table.add_column("event")
    table.add_column("promoted user ids, in waitlist order")
    for event_id, user_ids in changed.items():
        table.add_row(str(event_id), ", ".join(map(str, user_ids)))
    console.print(table)
