"""Jobs that run every so often (reminders, pruning, ban expiry), each at most once per
interval however many workers run: a worker runs a job only if it wins the job's row
(FOR UPDATE SKIP LOCKED; SQLite has one writer) and finds it due."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.bus.tables import scheduled_jobs
from crewup.core import clock
from crewup.core.db import Database, insert_new
from crewup.core.outages import outage_of
from crewup.core.tasks import being_cancelled

log = logging.getLogger("crewup.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    # Runs in the transaction that holds the job's row, so its writes and the record
    # that it ran commit together.
    run: Callable[[AsyncConnection], Awaitable[object]]
    # For long work that writes nothing to the database (walking the media store): the
    # run is claimed and recorded first, then the job reads outside any transaction, so
    # it never holds SQLite's write lock (or a PostgreSQL transaction) while it works.
    outside_transaction: bool = False


async def run_due(db: Database, job: Job) -> bool:
    """Run `job` if it is due and nobody else is running it; True if it ran."""
    async with db.reading() as conn:
        due_at = (
            await conn.execute(
                select(scheduled_jobs.c.next_run_at).where(scheduled_jobs.c.name == job.name)
            )
        ).scalar_one_or_none()
    if due_at is not None and due_at > clock.now():
        # Not due: looked at without a lock, so an operator's `jobs run` at this moment
        # is not told that a worker is running the job.
        return False
    return await _run_claimed(db, job, even_if_not_due=False)


async def run_now(db: Database, job: Job) -> bool:
    """Run `job` here whether or not it is due, unless a worker is running it right now
    (then False: it is being done; never so for a job run outside the transaction).
    One transaction claims it: making it due first and claiming it after would let a
    worker's scheduler take the run in between, with its own arguments (an operator's
    `media prune --grace 0` done with the default grace)."""
    return await _run_claimed(db, job, even_if_not_due=True)


async def _run_claimed(db: Database, job: Job, *, even_if_not_due: bool) -> bool:
    now = clock.now()
    async with db.transaction() as conn:
        await insert_new(
            conn, scheduled_jobs, [{"name": job.name, "next_run_at": now}], ["name"], "name"
        )
        # A worker holds the row while it claims a run, and for the whole run of a job
        # that runs inside the transaction. An operator's run of a job that runs outside
        # it waits out the claim (a moment) and then runs with the operator's arguments;
        # otherwise a held row means "being run right now".
        wait_for_claim = even_if_not_due and job.outside_transaction
        claimed = (
            await conn.execute(
                select(scheduled_jobs.c.next_run_at)
                .where(scheduled_jobs.c.name == job.name)
                .with_for_update(skip_locked=not wait_for_claim)
            )
        ).first()
        if claimed is None or (claimed.next_run_at > now and not even_if_not_due):
            return False
        if not job.outside_transaction:
            outcome = await job.run(conn)
        await conn.execute(
            update(scheduled_jobs)
            .where(scheduled_jobs.c.name == job.name)
            .values(next_run_at=now + job.every, last_run_at=now, last_error=None)
        )
    if job.outside_transaction:
        async with db.reading() as conn:
            outcome = await job.run(conn)
    log.info("job ran", extra={"job": job.name, "outcome": str(outcome)[:200]})
    return True


@dataclass(frozen=True)
class JobState:
    name: str
    every: timedelta
    last_run_at: datetime | None
    next_run_at: datetime | None
    last_error: str | None


async def job_states(conn: AsyncConnection, jobs: Sequence[Job]) -> list[JobState]:
    rows = {
        row.name: row
        for row in await conn.execute(
            select(
                scheduled_jobs.c.name,
                scheduled_jobs.c.last_run_at,
                scheduled_jobs.c.next_run_at,
                scheduled_jobs.c.last_error,
            )
        )
    }
    states = []
    for job in jobs:
        row = rows.get(job.name)
        states.append(
            JobState(
                job.name,
                job.every,
                row.last_run_at if row else None,
                row.next_run_at if row else None,
                row.last_error if row else None,
            )
        )
    return states


async def run_scheduler(db: Database, jobs: Sequence[Job], tick_seconds: float = 15.0) -> None:
    """Until cancelled: every tick, run whatever is due."""
    while True:
        for job in jobs:
            try:
                await run_due(db, job)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if being_cancelled():
                    raise
                if outage_of(exc) is None:
                    log.exception("job failed", extra={"job": job.name})
        await asyncio.sleep(tick_seconds)
