"""What the relay publishes to. `publish` returns only when the broker has taken the
messages for good (RabbitMQ: publisher confirms; in-process: every handler has handled
or dead-lettered them), and raises otherwise, so the relay marks a row sent only then."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import insert

from crewup.bus.delivery import Failure, deliver
from crewup.bus.messages import Handler, Message
from crewup.bus.metrics import BusMetrics
from crewup.bus.tables import dead_letters
from crewup.core import clock
from crewup.core.db import Database

log = logging.getLogger("crewup.bus")


class Broker(Protocol):
    # An in-process broker runs the handlers as it publishes, and the handlers need the
    # database: the relay must not hold its claim transaction open across `publish`.
    runs_handlers: bool

    async def start(self) -> None: ...

    async def publish(self, messages: list[Message]) -> None: ...

    async def close(self) -> None: ...


async def dead_letter(db: Database, handler: Handler, failure: Failure) -> None:
    m = failure.message
    async with db.transaction() as conn:
        await conn.execute(
            insert(dead_letters).values(
                handler=handler.name,
                message_id=m.id,
                name=m.name,
                payload=m.payload,
                attempts=m.attempt,
                error=failure.error,
                died_at=clock.now(),
            )
        )


class InProcessBroker:
    """The embedded default: the relay's publish runs the handlers right away, in this
    process, retrying a failing message after each of `retry_delays` seconds, then
    recording it in `dead_letters` (`crewup-admin outbox retry --dead` replays it). The
    outbox row is marked sent only after that, so a crash replays it (handlers are
    idempotent) and nothing is lost."""

    runs_handlers = True

    def __init__(
        self,
        db: Database,
        handlers: Sequence[Handler],
        metrics: BusMetrics,
        retry_delays: Sequence[float] = (0.2, 1.0, 3.0),
    ) -> None:
        self.db = db
        self.handlers = list(handlers)
        self.metrics = metrics
        self.retry_delays = tuple(retry_delays)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def publish(self, messages: list[Message]) -> None:
        """Every handler gets its turn even when another meets an outage (SMTP down must
        not hold back in-app notifications); the outage is raised afterwards, so the rows
        stay pending and come again, and the handlers that are done skip them."""
        outage: Exception | None = None
        for handler in self.handlers:
            wanted = [m for m in messages if handler.wants(m)]
            try:
                for start in range(0, len(wanted), handler.batch_size):
                    await self._run(handler, wanted[start : start + handler.batch_size])
            except Exception as exc:
                outage = outage or exc
        if outage is not None:
            raise outage

    async def _run(self, handler: Handler, batch: list[Message]) -> None:
        failures = await deliver(self.db, handler, batch)
        self.metrics.consumed.labels(handler.name).inc(len(batch) - len(failures))
        for failure in failures:
            await self._retry(handler, failure)

    async def _retry(self, handler: Handler, failure: Failure) -> None:
        message = failure.message
        for delay in self.retry_delays:
            self.metrics.retried.labels(handler.name).inc()
            await asyncio.sleep(delay)
            message = message.retried()
            again = await deliver(self.db, handler, [message])
            if not again:
                self.metrics.consumed.labels(handler.name).inc()
                return
            failure = again[0]
        log.error(
            "message dead-lettered",
            extra={"handler": handler.name, "message_id": message.id, "error": failure.error},
        )
        self.metrics.dead_lettered.labels(handler.name).inc()
        await dead_letter(self.db, handler, Failure(message, failure.error))
