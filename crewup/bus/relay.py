"""The relay: publishes outbox rows to the broker, oldest first, and marks them sent only
once the broker has confirmed them. Several relays (web processes, workers) may run:
each claims rows with FOR UPDATE SKIP LOCKED on PostgreSQL, so no row is published by
two at once; a row published twice anyway (a crash between confirm and mark) is harmless
because every handler is idempotent.

It wakes when a transaction in this process commits an outbox row, when PostgreSQL
NOTIFYs one committed anywhere (the CLI, another process), and otherwise every
`poll_seconds`. A broker that is down (RabbitMQ restarting) makes publishing fail: the
rows stay pending, the relay backs off, and it resumes by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from crewup.bus import outbox
from crewup.bus.brokers import Broker
from crewup.bus.metrics import BusMetrics
from crewup.core import clock
from crewup.core.db import Database
from crewup.core.dispatch import DomainEvent
from crewup.core.outages import outage_of
from crewup.core.tasks import being_cancelled

log = logging.getLogger("crewup.bus")
MAX_BACKOFF_SECONDS = 30.0


class Relay:
    def __init__(
        self,
        db: Database,
        broker: Broker,
        metrics: BusMetrics,
        *,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
    ) -> None:
        self.db = db
        self.broker = broker
        self.metrics = metrics
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._backoff = 0.0
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Finish the batch in hand and return. A flag, not only a cancellation: a
        cancellation arriving inside a library call may come back as an ordinary error."""
        self._stopping = True
        self._wake.set()

    async def wake_after_commit(self, event: DomainEvent) -> None:
        """An after-commit callback of every domain event in this process."""
        if event.leaves_transaction:
            self.wake()

    async def publish_once(self) -> int:
        """One batch: claim, publish, mark. Answers how many were published."""
        if self.broker.runs_handlers and self.db.is_sqlite:
            # In-process handlers write to the database themselves, and SQLite has one
            # writer: read the batch, publish it, then mark it, in separate steps.
            async with self.db.reading() as conn:
                messages = await outbox.claim_pending(conn, self.batch_size)
            if messages:
                await self._publish(messages)
            return len(messages)
        async with self.db.transaction() as conn:
            messages = await outbox.claim_pending(conn, self.batch_size)
            if not messages:
                return 0
            try:
                await self.broker.publish(messages)
            except Exception as exc:
                await self._failed(conn, messages, exc)
                return 0
            await outbox.mark_published(conn, [m.id for m in messages])
        self.metrics.published.inc(len(messages))
        return len(messages)

    async def _publish(self, messages: list[Any]) -> None:
        ids = [m.id for m in messages]
        try:
            await self.broker.publish(messages)
        except Exception as exc:
            async with self.db.transaction() as conn:
                await self._failed(conn, messages, exc)
            return
        async with self.db.transaction() as conn:
            await outbox.mark_published(conn, ids)
        self.metrics.published.inc(len(ids))

    async def _failed(self, conn: Any, messages: list[Any], exc: Exception) -> None:
        self.metrics.publish_failures.inc()
        self._backoff = min(MAX_BACKOFF_SECONDS, max(0.5, self._backoff * 2))
        log.warning(
            "publishing failed; will retry",
            extra={"rows": len(messages), "error": repr(exc)[:300], "retry_in": self._backoff},
        )
        await outbox.mark_failed(conn, [m.id for m in messages], repr(exc))

    async def run(self) -> None:
        """Publish until cancelled."""
        listener = asyncio.create_task(self._listen()) if not self.db.is_sqlite else None
        try:
            while not self._stopping:
                try:
                    published = await self.publish_once()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # database outage: wait and try again
                    if being_cancelled():
                        raise
                    if outage_of(exc) is None:
                        log.exception("relay failed")
                    self._backoff = min(MAX_BACKOFF_SECONDS, max(0.5, self._backoff * 2))
                    published = 0
                if published:
                    self._backoff = 0.0
                    await self._update_lag()
                    if published == self.batch_size:
                        continue  # more may be waiting
                await self._sleep(self._backoff or self.poll_seconds)
        finally:
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener

    async def _sleep(self, seconds: float) -> None:
        """Until woken or `seconds` pass. asyncio.timeout, not wait_for: on Python 3.11
        wait_for can swallow a cancellation that arrives as the wake-up fires."""
        if self._stopping:
            return
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    async def _update_lag(self) -> None:
        with contextlib.suppress(Exception):
            async with self.db.reading() as conn:
                state = await outbox.status(conn)
            self.metrics.outbox_lag.set(state.lag_seconds(clock.now()))

    async def _listen(self) -> None:
        """LISTEN for outbox rows committed by other processes (PostgreSQL)."""
        import asyncpg  # PostgreSQL only: an SQLite installation never loads it

        url = self.db.url.replace("postgresql+asyncpg://", "postgresql://")
        while True:
            try:
                conn = await asyncpg.connect(url)
                closed = asyncio.Event()
                try:
                    conn.add_termination_listener(lambda _, done=closed: done.set())
                    await conn.add_listener(outbox.NOTIFY_CHANNEL, lambda *_: self.wake())
                    await closed.wait()
                finally:
                    with contextlib.suppress(Exception):
                        await conn.close()
            except asyncio.CancelledError:
                raise
            except Exception:  # the poll covers us until the database is back
                if being_cancelled():
                    raise
                await asyncio.sleep(5)
