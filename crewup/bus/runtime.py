"""What a process runs of the bus: the relay always (publishing is cheap and safe to run
everywhere), and the consumers and the scheduler where the worker runs (`crewup worker`,
or `crewup serve` itself on the embedded default).

The RabbitMQ side (aio-pika, aiormq, pamqp: a few MB of RSS) is imported only when
`amqp_url` is set."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from crewup.bus.brokers import Broker, InProcessBroker
from crewup.bus.messages import Handler
from crewup.bus.metrics import BusMetrics
from crewup.bus.relay import Relay
from crewup.bus.scheduler import Job, run_scheduler
from crewup.core.db import Database
from crewup.core.settings import Settings

if TYPE_CHECKING:
    from crewup.bus.rabbitmq import RabbitConsumer, Topology

log = logging.getLogger("crewup.bus")


def topology_for(settings: Settings, handlers: Sequence[Handler]) -> Topology:
    from crewup.bus.rabbitmq import Topology

    return Topology(settings.amqp_prefix, tuple(handlers), tuple(settings.bus_retry_delays))


class Bus:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        handlers: Sequence[Handler],
        jobs: Sequence[Job],
        metrics: BusMetrics,
    ) -> None:
        self.db = db
        self.settings = settings
        self.handlers = list(handlers)
        self.jobs = list(jobs)
        self.metrics = metrics
        self.broker: Broker
        if settings.amqp_url:
            from crewup.bus.rabbitmq import RabbitBroker

            self.broker = RabbitBroker(settings.amqp_url, topology_for(settings, handlers))
        else:
            self.broker = InProcessBroker(
                db, handlers, metrics, retry_delays=settings.bus_retry_delays
            )
        self.relay = Relay(db, self.broker, metrics, poll_seconds=settings.bus_poll_seconds)
        self._tasks: list[asyncio.Task[None]] = []
        self.consumer: RabbitConsumer | None = None  # the worker's, with amqp_url

    async def start(self, *, work: bool) -> None:
        """Start publishing; with `work`, also consume (RabbitMQ) and run the scheduler.
        Without RabbitMQ the relay itself runs the handlers, so `work` only decides the
        scheduler."""
        self.db.dispatcher.after_commit_every(self.relay.wake_after_commit)
        await self.broker.start()
        self._tasks.append(asyncio.create_task(self.relay.run(), name="bus-relay"))
        if work and self.settings.amqp_url and self.handlers:
            from crewup.bus.rabbitmq import RabbitConsumer

            self.consumer = RabbitConsumer(
                self.settings.amqp_url,
                topology_for(self.settings, self.handlers),
                self.db,
                self.metrics,
            )
            self._tasks.append(asyncio.create_task(self.consumer.run(), name="bus-consumer"))
        if work:
            tick = self.settings.scheduler_tick_seconds
            self._tasks.append(
                asyncio.create_task(run_scheduler(self.db, self.jobs, tick), name="bus-scheduler")
            )

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Stop publishing, consuming and scheduling; in-flight batches finish (unacked
        messages go back to RabbitMQ, unpublished rows stay in the outbox)."""
        self.relay.stop()
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            _, stuck = await asyncio.wait(self._tasks, timeout=grace_seconds)
            for task in stuck:
                log.error("bus task did not stop", extra={"task": task.get_name()})
        for task in self._tasks:
            if task.done() and not task.cancelled():
                with contextlib.suppress(Exception):
                    task.result()
        self._tasks.clear()
        await self.broker.close()
