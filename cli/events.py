"""crewup-admin events: look at events and cancel one."""

from __future__ import annotations

import typer
from rich.table import Table

from cli.common import ID_MAX, checked_text, console, run, settings, transaction
from crewup.core import clock
from crewup.core.errors import Conflict
from crewup.events import service
from crewup.events.access import Event
from crewup.events.schemas import CancelReason
from crewup.moderation import audit
from crewup.moderation.audit import OPERATOR

app = typer.Typer(help="Events.", no_args_is_help=True)


def _table(found: list[Event], title: str) -> Table:
    table = Table(title=title)
    for column in ("id", "group", "title", "starts", "status", "going", "waitlist", "interested"):
        table.add_column(column)
    for e in found:
        cap = f"/{e.capacity}" if e.capacity else ""
        table.add_row(
            str(e.id),
            str(e.group_id),
            e.title,
            clock.isoformat(e.starts_at),
            e.status.value,
            f"{e.going_count}{cap}",
            str(e.waitlist_count),
            str(e.interested_count),
        )
    return table


@app.command("list")
def list_events(
    limit: int = typer.Option(50, min=1, max=1000),
    after: int = typer.Option(0, min=0, max=ID_MAX, help="Start after this id (pagination)"),
) -> None:
    """Every event, private groups' included, by id."""
    cfg = settings()

    async def work() -> list[Event]:
        async with transaction(cfg) as conn:
            return await service.operator_events(conn, limit=limit, after_id=after)

    found = run(work)
    console.print(_table(found, f"{len(found)} events"))


@app.command()
def show(event_id: int = typer.Argument(..., min=1, max=ID_MAX)) -> None:
    """One event with its counts."""
    cfg = settings()

    async def work() -> Event:
        async with transaction(cfg) as conn:
            return await service.operator_event(conn, event_id)

    event = run(work)
    console.print(_table([event], f"event {event.id}"))
    console.print(f"{event.location_name} ({event.lat}, {event.lon})", markup=False)


@app.command()
def cancel(
    event_id: int = typer.Argument(..., min=1, max=ID_MAX),
    reason: str = typer.Option(..., help="Shown to participants"),
) -> None:
    """Cancel an event (participants are told through the same path as in the app)."""
    why = checked_text(CancelReason, reason, "--reason")  # the API's rule
    cfg = settings()

    async def work() -> Event:
        async with transaction(cfg) as conn:
            event = await service.operator_event(conn, event_id)
            if event.status.value != "scheduled":
                raise Conflict(f"event {event_id} is already {event.status.value}")
            cancelled = await service.cancel_event(conn, event_id, None, why)
            await audit.record(conn, OPERATOR, "event.cancel", "event", event_id, why)
            return cancelled

    event = run(work)
    console.print(f"event {event.id} cancelled")
