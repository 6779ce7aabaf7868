"""crewup-admin jobs: the scheduled jobs the workers run, and running one now."""

from __future__ import annotations

import typer
from rich.table import Table

from cli.common import EXIT_USAGE, console, database, fail, run, settings
from crewup.bus.scheduler import JobState, job_states, run_now
from crewup.core import clock
from crewup.wiring import build_jobs

app = typer.Typer(help="Scheduled jobs: reminders, pruning, ban expiry.", no_args_is_help=True)


def _when(moment: object) -> str:
    return clock.isoformat(moment) if moment is not None else "never"  # type: ignore[arg-type]


@app.command("list")
def list_jobs() -> None:
    """Every job, how often it runs, and when it last and next runs."""
    cfg = settings()

    async def work() -> list[JobState]:
        async with database(cfg) as db, db.reading() as conn:
            return await job_states(conn, build_jobs(cfg))

    states = run(work)
    # Whole names and instants at 80 columns: errors go below the table, not in it.
    table = Table()
    for heading in ("job", "every", "last run", "next run"):
        table.add_column(heading, no_wrap=True)
    for state in states:
        table.add_row(
            state.name, str(state.every), _when(state.last_run_at), _when(state.next_run_at)
        )
    console.print(table)
    for state in states:
        if state.last_error:
            console.print(f"{state.name} last failed: {state.last_error}", markup=False)


@app.command("run")
def run_job(
    name: str = typer.Argument(..., help="The job's name, as `jobs list` shows it"),
) -> None:
    """Run a job now (it then runs again after its interval)."""
    cfg = settings()
    jobs = {job.name: job for job in build_jobs(cfg)}
    if name not in jobs:
        fail(f"no job named {name!r}; jobs: {', '.join(sorted(jobs))}", EXIT_USAGE)

    async def work() -> bool:
        async with database(cfg) as db:
            return await run_now(db, jobs[name])

    if run(work):
        console.print(f"{name} ran", markup=False)
    else:
        fail(f"{name} is running in a worker right now; try again in a moment")
