"""crewup-admin reports: the moderation queue from the console."""

from __future__ import annotations

import typer
from rich.table import Table

from cli.common import ID_MAX, checked_text, console, run, settings, transaction
from crewup.core import clock
from crewup.core.paging import MAX_LIMIT, Page
from crewup.moderation import reports
from crewup.moderation.audit import OPERATOR
from crewup.moderation.reports import Action, Report, Status
from crewup.moderation.schemas import Note
from crewup.moderation.targets import TargetType

app = typer.Typer(help="Reports: list, inspect and resolve them.", no_args_is_help=True)


def _excerpt(report: Report) -> str:
    if report.target is None:
        return "(gone)"
    removed = " (removed)" if report.target.removed else ""
    return report.target.excerpt + removed


def report_table(items: list[Report], title: str) -> Table:
    # Fits 80 columns: ids, status and date never wrap; reason and excerpt share the rest.
    table = Table(title=title)
    table.add_column("id", no_wrap=True, justify="right")
    table.add_column("opened", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("target", no_wrap=True)
    table.add_column("excerpt", overflow="fold", ratio=1)
    table.add_column("reason", overflow="fold", ratio=1)
    for r in items:
        table.add_row(
            str(r.id),
            r.created_at.strftime("%Y-%m-%d"),
            r.status.value,
            f"{r.target_type.value}:{r.target_id}",
            _excerpt(r),
            r.reason,
        )
    return table


@app.command("list")
def list_reports(
    status: Status | None = typer.Option(
        None, help="open, claimed or resolved (default: unresolved)"
    ),
    kind: TargetType | None = typer.Option(None, help="Only reports about this kind of target"),
    limit: int = typer.Option(50, min=1, max=MAX_LIMIT),
    cursor: str | None = typer.Option(None, help="next_cursor printed under a previous page"),
) -> None:
    """The queue, oldest first."""
    cfg = settings()

    async def work() -> Page[Report]:
        async with transaction(cfg) as conn:
            return await reports.list_reports(
                conn, OPERATOR, status=status, kind=kind, limit=limit, cursor=cursor
            )

    page = run(work)
    console.print(report_table(page.items, f"{len(page.items)} reports"))
    if page.next_cursor:
        console.print(f"more: --cursor {page.next_cursor}")


@app.command()
def show(report_id: int = typer.Argument(..., min=1, max=ID_MAX, help="Report id")) -> None:
    """Everything about one report."""
    cfg = settings()

    async def work() -> Report:
        async with transaction(cfg) as conn:
            return await reports.get_report(conn, OPERATOR, report_id)

    r = run(work)
    table = Table(show_header=False, title=f"report {r.id}")
    table.add_column("field", no_wrap=True)
    table.add_column("value", overflow="fold")
    rows = {
        "status": r.status.value,
        "target": f"{r.target_type.value}:{r.target_id}",
        "excerpt": _excerpt(r),
        "answerable": str(r.target.owner_id) if r.target and r.target.owner_id else "",
        "reporter": str(r.reporter_id),
        "reason": r.reason,
        "opened": clock.isoformat(r.created_at),
        "claimed by": str(r.claimed_by or ""),
        "resolution": r.resolution or "",
        "note": r.note or "",
        "resolved": clock.isoformat(r.resolved_at) if r.resolved_at else "",
    }
    for key, value in rows.items():
        table.add_row(key, value)
    console.print(table)


@app.command()
def resolve(
    report_id: int = typer.Argument(..., min=1, max=ID_MAX, help="Report id"),
    action: Action = typer.Option(
        ..., help="dismiss, remove_content, remove_picture, warn or ban_user"
    ),
    note: str | None = typer.Option(None, help="Why; kept in the audit log"),
) -> None:
    """Decide a report; the reporter is told the outcome."""
    why = checked_text(Note, note, "--note")  # the API's rule for a resolution's note
    cfg = settings()

    async def work() -> Report:
        async with transaction(cfg) as conn:
            return await reports.resolve(conn, OPERATOR, report_id, action, why)

    r = run(work)
    console.print(f"report {r.id} resolved: {r.resolution}")
