"""Removing stored images that no row points at any more.

Requests never delete files: a cover removed in one request may be uploaded again (same
bytes, same name) by another at the same moment, and a deletion racing that upload would
leave the row pointing at nothing. Instead this runs on a schedule (and from
`crewup-admin media prune`): a file goes only when no row references its key AND it was
last written before the grace period, so an upload whose row is not yet committed keeps
its files. The order closes the remaining gap: files are listed first, references read
after, and each file is checked for a fresh write once more right before it goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.media import MediaStore, key_of


@dataclass(frozen=True)
class PruneOutcome:
    removed: int
    kept: int  # in use, or written within the grace period

    def __str__(self) -> str:
        return f"{self.removed} files removed, {self.kept} kept"


async def referenced_keys(conn: AsyncConnection, references: Sequence[Column[str]]) -> set[str]:
    """Every image key some row points at. One pass over each column, a few times a day:
    cheaper than an index on each that every write would maintain."""
    keys: set[str] = set()
    for column in references:
        # Not streamed: a server-side cursor needs a transaction, and the prune runs outside
        # one (it must not hold SQLite's write lock); the keys end up in memory anyway.
        rows = await conn.execute(select(column).where(column.is_not(None)).distinct())
        keys.update(rows.scalars())
    return keys


async def prune_unreferenced(
    conn: AsyncConnection,
    store: MediaStore,
    references: Sequence[Column[str]],
    grace: timedelta,
) -> PruneOutcome:
    # File times are the real wall clock (the filesystem's or the bucket's), never a
    # test's moved clock.
    cutoff = datetime.now(UTC) - grace
    files = await store.listing()
    old = [f for f in files if f.modified < cutoff]
    if not old:
        return PruneOutcome(0, len(files))
    in_use = await referenced_keys(conn, references)
    removed = 0
    for stored in old:
        if key_of(stored.name) not in in_use and await store.delete_if_older(stored.name, cutoff):
            removed += 1
    return PruneOutcome(removed, len(files) - removed)


async def still_referenced(
    conn: AsyncConnection, references: Sequence[Column[str]], keys: Sequence[str]
) -> set[str]:
    """Which of `keys` some row points at again: one statement per column for a whole
    batch of discarded pictures (the columns have no index; each is scanned once)."""
    found: set[str] = set()
    wanted = sorted(set(keys))
    if not wanted:
        return found
    for column in references:
        rows = await conn.execute(select(column).where(column.in_(wanted)).distinct())
        found.update(rows.scalars())
    return found


async def discard_files(store: MediaStore, names: Sequence[str], written_before: datetime) -> int:
    """A discarded picture's files (crewup.core.picture_events) go now, not after the
    grace period, unless one was written since (its owner uploaded the same bytes)."""
    removed = 0
    for name in names:
        if await store.delete_if_older(name, written_before):
            removed += 1
    return removed
