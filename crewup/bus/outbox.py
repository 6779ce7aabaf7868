"""The transactional outbox: every domain event is written here in the transaction that
caused it (so the change and its message commit or roll back together), and the relay
publishes from here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.bus.messages import Handler, Message
from crewup.bus.tables import dead_letters, outbox, processed_messages
from crewup.core import clock
from crewup.core.dispatch import DomainEvent

NOTIFY_CHANNEL = "crewup_outbox"


async def record(conn: AsyncConnection, event: DomainEvent) -> None:
    """The outbox subscriber of every domain event that leaves the transaction."""
    if not event.leaves_transaction:
        return
    await conn.execute(
        insert(outbox).values(name=event.name, payload=event.payload(), created_at=clock.now())
    )
    if conn.dialect.name == "postgresql":
        # Delivered at commit, to every relay that LISTENs: they wake without polling.
        await conn.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))


async def claim_pending(conn: AsyncConnection, limit: int) -> list[Message]:
    """Oldest unpublished rows, locked for this transaction; rows another relay holds are
    skipped, so several relays never publish the same row at once."""
    rows = await conn.execute(
        select(outbox.c.id, outbox.c.name, outbox.c.payload, outbox.c.attempts)
        .where(outbox.c.published_at.is_(None))
        .order_by(outbox.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [Message(row.id, row.name, dict(row.payload), row.attempts + 1) for row in rows]


async def mark_published(conn: AsyncConnection, ids: list[int]) -> None:
    if ids:
        await conn.execute(
            update(outbox).where(outbox.c.id.in_(ids)).values(published_at=clock.now())
        )


async def mark_failed(conn: AsyncConnection, ids: list[int], error: str) -> None:
    if ids:
        await conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids))
            .values(attempts=outbox.c.attempts + 1, last_error=error[:1000])
        )


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    failing: int  # pending rows whose publishing has failed at least once
    oldest_pending: datetime | None
    dead_letters: int  # in the database (in-process broker); RabbitMQ counts its own

    def lag_seconds(self, now: datetime) -> float:
        return (now - self.oldest_pending).total_seconds() if self.oldest_pending else 0.0


async def status(conn: AsyncConnection) -> OutboxStatus:
    # Only the pending rows, through their partial index: published rows stay in the
    # table until pruned, and /metrics and `bus status` ask often.
    row = (
        await conn.execute(
            select(
                func.count(),
                func.count().filter(outbox.c.attempts > 0),
                func.min(outbox.c.created_at),
            ).where(outbox.c.published_at.is_(None))
        )
    ).one()
    dead = (await conn.execute(select(func.count()).select_from(dead_letters))).scalar_one()
    return OutboxStatus(int(row[0]), int(row[1]), row[2], int(dead))


async def backlog(conn: AsyncConnection, handlers: Sequence[Handler]) -> dict[str, int]:
    """Per handler, the messages it wants that it has neither processed nor given up on
    (in `dead_letters`): what is still in flight, published or not."""
    counts: dict[str, int] = {}
    for handler in handlers:
        done = exists().where(
            processed_messages.c.handler == handler.name,
            processed_messages.c.message_id == outbox.c.id,
        )
        dead = exists().where(
            and_(dead_letters.c.handler == handler.name, dead_letters.c.message_id == outbox.c.id)
        )
        query = (
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.name.in_(sorted(handler.events)), ~done, ~dead)
        )
        counts[handler.name] = int((await conn.execute(query)).scalar_one())
    return counts


async def retry_failing(conn: AsyncConnection) -> int:
    """Pending rows whose publishing failed start over as new: the next relay poll takes
    them (a relay's backoff is its own; this clears what an operator can see)."""
    done = await conn.execute(
        update(outbox)
        .where(outbox.c.published_at.is_(None), outbox.c.attempts > 0)
        .values(attempts=0, last_error=None)
    )
    return int(done.rowcount or 0)


async def dead_letters_by_handler(conn: AsyncConnection) -> dict[str, int]:
    query = select(dead_letters.c.handler, func.count()).group_by(dead_letters.c.handler)
    return {handler: int(count) for handler, count in (await conn.execute(query)).all()}


async def requeue_dead_letters(conn: AsyncConnection) -> int:
    """Hand every dead letter (of the in-process broker) back to the relay: its outbox row
    becomes pending again, or is made again under the same id if it was pruned, so the
    handlers that already processed the message skip it and only the one that gave up
    runs it. Answers how many messages were requeued."""
    rows = (
        await conn.execute(
            select(dead_letters.c.message_id, dead_letters.c.name, dead_letters.c.payload)
        )
    ).all()
    if not rows:
        return 0
    ids = sorted({row.message_id for row in rows})
    await conn.execute(
        update(outbox)
        .where(outbox.c.id.in_(ids))
        .values(published_at=None, attempts=0, last_error=None)
    )
    present = set((await conn.execute(select(outbox.c.id).where(outbox.c.id.in_(ids)))).scalars())
    remade = {row.message_id: row for row in rows if row.message_id not in present}
    if remade:
        await conn.execute(
            insert(outbox),
            [
                {"id": mid, "name": row.name, "payload": row.payload, "created_at": clock.now()}
                for mid, row in remade.items()
            ],
        )
    await conn.execute(delete(dead_letters).where(dead_letters.c.message_id.in_(ids)))
    return len(ids)


async def prune_published(conn: AsyncConnection, older_than: timedelta) -> int:
    gone = await conn.execute(
        delete(outbox).where(outbox.c.published_at < clock.now() - older_than)
    )
    return int(gone.rowcount or 0)


def payload_of(row: Any) -> dict[str, Any]:
    return dict(row.payload) if row.payload else {}
