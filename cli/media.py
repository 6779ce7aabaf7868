"""crewup-admin media: pruning image files no row points at any more."""

from __future__ import annotations

from datetime import timedelta

import typer
from sqlalchemy.ext.asyncio import AsyncConnection

from cli.common import console, database, run, settings
from crewup.bus.scheduler import Job, run_now
from crewup.core.media_prune import PruneOutcome
from crewup.wiring import PRUNE_MEDIA, PRUNE_MEDIA_EVERY, media_pruner

app = typer.Typer(help="Stored images (avatars, covers).", no_args_is_help=True)


@app.command()
def prune(
    grace: int | None = typer.Option(
        None,
        "--grace",
        min=0,
        help="Keep unreferenced files written less than this many seconds ago "
        "(default: the media_prune_grace_seconds setting). 0 removes every "
        "unreferenced file at once, even one an upload in progress just wrote.",
    ),
) -> None:
    """Delete image files that no account, group or event points at (replaced or removed
    pictures, deleted groups' and events' covers); the worker does this every hour."""
    cfg = settings()
    keep = None if grace is None else timedelta(seconds=grace)
    outcome: list[PruneOutcome] = []
    pruner = media_pruner(cfg, keep)

    async def record(conn: AsyncConnection) -> PruneOutcome:
        outcome.append(await pruner(conn))
        return outcome[-1]

    async def work() -> bool:
        async with database(cfg) as db:
            # Recorded as the job's run (the worker's next one is an hour away), and like
            # it outside any transaction: the store's walk never holds SQLite's write lock.
            job = Job(PRUNE_MEDIA, PRUNE_MEDIA_EVERY, record, outside_transaction=True)
            return await run_now(db, job)

    # The job runs outside the transaction, so this waits out a worker's claim of it and
    # always runs (crewup.bus.scheduler.run_now).
    run(work)
    console.print(str(outcome[0]), markup=False)
