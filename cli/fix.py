"""crewup-admin fix: repair derived data and say what changed."""

from __future__ import annotations

import typer
from rich.table import Table

from cli.common import console, run, settings, transaction
from crewup.core import counters as stored_counters
from crewup.events import repair as seats
from crewup.events.tables import COUNTERS as EVENT_COUNTERS
from crewup.groups.tables import COUNTERS as GROUP_COUNTERS
from crewup.posts.tables import COUNTERS as POST_COUNTERS
from crewup.ratings import repair as ratings

app = typer.Typer(
    help="Repair derived data: counters, waitlists, reputation.", no_args_is_help=True
)


def _print_seats(repairs: list[seats.SeatRepair], title: str, column: str) -> None:
    table = Table(title=title)
    table.add_column("event")
    table.add_column(column, overflow="fold")
    for fix in repairs:
        moved = fix.demoted or fix.promoted
        table.add_row(str(fix.event_id), ", ".join(map(str, moved)))
    console.print(table)


def _print_overbooked(repairs: list[seats.SeatRepair]) -> None:
    if repairs:
        people = sum(len(r.demoted) for r in repairs)
        title = f"{len(repairs)} overbooked events: {people} people back at the head of the line"
        _print_seats(repairs, title, "user ids, the latest to get a seat last")


@app.command()
def counters() -> None:
    """Recompute member, comment and RSVP counts from the rows; print each change.
    Overbooked events are mended first (the latest to get a seat wait again)."""
    cfg = settings()

    async def work() -> tuple[list[seats.SeatRepair], list[stored_counters.CounterFix]]:
        async with transaction(cfg) as conn:
            with console.status("recounting..."):
                overbooked = await seats.mend_overbooked(conn)
                fixes = await stored_counters.recount(
                    conn, (*GROUP_COUNTERS, *POST_COUNTERS, *EVENT_COUNTERS)
                )
                return overbooked, fixes

    overbooked, fixes = run(work)
    _print_overbooked(overbooked)
    if not fixes and not overbooked:
        console.print("all counters are right; nothing changed")
        return
    if not fixes:
        console.print("every other counter was right")
        return
    table = Table(title=f"{len(fixes)} counters fixed")
    for column in ("table", "id", "column", "was", "now"):
        table.add_column(column)
    for fix in fixes:
        table.add_row(fix.table, str(fix.row_id), fix.column, str(fix.was), str(fix.now))
    console.print(table)


@app.command()
def waitlists() -> None:
    """Mend overbooked events, then promote waitlisted people wherever seats are free
    (decided from the RSVPs themselves, not the stored counters)."""
    cfg = settings()

    async def work() -> tuple[list[seats.SeatRepair], list[seats.SeatRepair]]:
        async with transaction(cfg) as conn:
            with console.status("checking events..."):
                return await seats.mend_overbooked(conn), await seats.refill_waitlists(conn)

    overbooked, promoted = run(work)
    _print_overbooked(overbooked)
    if promoted:
        people = sum(len(r.promoted) for r in promoted)
        _print_seats(promoted, f"{people} people promoted", "promoted user ids, in waitlist order")
    if not overbooked and not promoted:
        console.print("no free seats with people waiting; nothing changed")


@app.command()
def reputation() -> None:
    """Recompute everyone's rating count and sum from the ratings; print each change."""
    cfg = settings()

    async def work() -> list[ratings.ReputationFix]:
        async with transaction(cfg) as conn:
            with console.status("recounting ratings..."):
                return await ratings.recount_reputation(conn)

    fixes = run(work)
    if not fixes:
        console.print("every reputation matches its ratings; nothing to fix")
        return
    table = Table(title=f"{len(fixes)} reputations fixed")
    for column in ("user", "name", "count was", "count now", "sum was", "sum now"):
        table.add_column(column, overflow="fold")
    for fix in fixes:
        table.add_row(
            str(fix.user_id),
            fix.display_name,
            str(fix.count_was),
            str(fix.count_now),
            str(fix.sum_was),
            str(fix.sum_now),
        )
    console.print(table)
