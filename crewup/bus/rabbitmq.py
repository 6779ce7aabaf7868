"""RabbitMQ with aio-pika: the relay's broker (publisher confirms) and the worker's
consumer (manual acks, retries through delay queues, dead letters).

Topology, every name under `amqp_prefix` (P):
- P+"events": durable topic exchange; routing key = the domain event's name.
- P+handler: one durable work queue per handler, bound to the events it handles.
- P+handler+".retry.<ms>ms": delay queues; a failed message waits there for its TTL and
  is dead-lettered back into the work queue (P+"retry" is the direct exchange to them).
- P+handler+".dead": where a message goes after its last retry if the database cannot
  record it as a dead letter (normally dead letters live in the database's table).
Both sides declare it (idempotently), so a message published before any worker ever ran
still has a queue to wait in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)
from yarl import URL

from crewup.bus.brokers import dead_letter
from crewup.bus.delivery import Failure, deliver
from crewup.bus.envelopes import envelope, envelopes, opened
from crewup.bus.messages import Handler, Message
from crewup.bus.metrics import BusMetrics
from crewup.core.db import Database
from crewup.core.tasks import being_cancelled

log = logging.getLogger("crewup.bus")


@dataclass(frozen=True)
class Topology:
    prefix: str
    handlers: tuple[Handler, ...]
    retry_delays: tuple[float, ...]

    @property
    def events_exchange(self) -> str:
        return f"{self.prefix}events"

    @property
    def retry_exchange(self) -> str:
        return f"{self.prefix}retry"

    def work_queue(self, handler: Handler) -> str:
        return f"{self.prefix}{handler.name}"

    def delay_queue(self, handler: Handler, delay: float) -> str:
        return f"{self.prefix}{handler.name}.retry.{int(delay * 1000)}ms"

    def dead_queue(self, handler: Handler) -> str:
        return f"{self.prefix}{handler.name}.dead"

    async def declare(self, channel: AbstractChannel) -> dict[str, AbstractQueue]:
        events = await channel.declare_exchange(
            self.events_exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        retry = await channel.declare_exchange(
            self.retry_exchange, aio_pika.ExchangeType.DIRECT, durable=True
        )
        queues: dict[str, AbstractQueue] = {}
        for handler in self.handlers:
            work = await channel.declare_queue(self.work_queue(handler), durable=True)
            for name in sorted(handler.events):
                await work.bind(events, routing_key=name)
            for delay in self.retry_delays:
                waiting = await channel.declare_queue(
                    self.delay_queue(handler, delay),
                    durable=True,
                    arguments={
                        "x-message-ttl": int(delay * 1000),
                        "x-dead-letter-exchange": "",
                        "x-dead-letter-routing-key": work.name,
                    },
                )
                await waiting.bind(retry, routing_key=waiting.name)
            await channel.declare_queue(self.dead_queue(handler), durable=True)
            queues[handler.name] = work
        return queues


async def open_robust_connection(url: str) -> AbstractRobustConnection:
    """`aio_pika.connect_robust`, safe to cancel. A robust connection keeps a reconnecting
    task that shrugs off cancellation until `close()` is called; `connect_robust` loses
    the connection object when it is cancelled mid-connect (a shutdown during an outage),
    and that task then outlives its owner and stops the event loop from closing."""
    connection = aio_pika.RobustConnection(URL(url))
    try:
        await connection.connect()
    except BaseException:
        with contextlib.suppress(Exception):
            await connection.close()
        raise
    return connection


class RabbitBroker:
    """The relay's side: publish with confirms; `publish` returns once RabbitMQ has
    confirmed every message (and raises if it nacks or the connection drops)."""

    runs_handlers = False

    def __init__(self, url: str, topology: Topology) -> None:
        self.url = url
        self.topology = topology
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None

    async def start(self) -> None:
        """Connect lazily: RabbitMQ being down must not stop a web process from starting;
        rows wait in the outbox and the first publish connects."""
        return None

    async def _connect(self) -> None:
        connection = await open_robust_connection(self.url)
        try:
            channel = await connection.channel(publisher_confirms=True)
            await self.topology.declare(channel)
            self._exchange = await channel.get_exchange(self.topology.events_exchange)
        except BaseException:
            await connection.close()
            raise
        self._connection = connection

    async def publish(self, messages: list[Message]) -> None:
        if self._exchange is None:
            await self._connect()
        assert self._exchange is not None
        exchange = self._exchange
        # A few envelopes, all in flight at once: confirms arrive pipelined.
        await asyncio.gather(
            *(exchange.publish(body, routing_key=name) for name, body in envelopes(messages))
        )

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
            self._exchange = None


class RabbitConsumer:
    """The worker's side: each handler's queue is read in batches (prefetch), processed
    once in effect (delivery.py), then acknowledged. A failed message is re-published to
    the next delay queue with its attempt counted, or recorded as a dead letter in the
    database after the last; an outage (database down) hands the batch back to RabbitMQ
    for later."""

    def __init__(
        self,
        url: str,
        topology: Topology,
        db: Database,
        metrics: BusMetrics,
        *,
        prefetch: int = 50,  # envelopes of up to 100 messages each
        outage_pause: float = 2.0,
    ) -> None:
        self.url = url
        self.topology = topology
        self.db = db
        self.metrics = metrics
        self.prefetch = prefetch
        self.outage_pause = outage_pause
        # Set while every handler's queue is being consumed: what "ready" means.
        self.consuming = asyncio.Event()
        self._failed_before = False

    async def run(self) -> None:
        """Consume until cancelled; if RabbitMQ cannot be reached, keep trying."""
        while True:
            try:
                await self._run_connected()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if being_cancelled():
                    raise
                log.warning("cannot consume from RabbitMQ; retrying", extra={"error": repr(exc)})
                self._failed_before = True
                await asyncio.sleep(self.outage_pause)

    async def _run_connected(self) -> None:
        connection = await open_robust_connection(self.url)
        try:
            publisher = await connection.channel(publisher_confirms=True)
            await self.topology.declare(publisher)
            retry = await publisher.get_exchange(self.topology.retry_exchange)
            queues = []
            for handler in self.topology.handlers:
                # A channel of its own per handler: a batch is then every delivery on
                # the channel not yet acknowledged, and one `ack(multiple=True)` takes it.
                channel = await connection.channel()
                await channel.set_qos(prefetch_count=self.prefetch)
                queue = await channel.declare_queue(self.topology.work_queue(handler), durable=True)
                queues.append((handler, queue))
            # The coroutines are made only here, so a stop while channels open leaves none
            # made and never awaited.
            consumers = [self._consume(h, q, publisher, retry) for h, q in queues]
            self.consuming.set()
            if self._failed_before:
                log.warning("consuming from RabbitMQ again")
                self._failed_before = False
            await asyncio.gather(*consumers) if consumers else asyncio.Event().wait()
        finally:
            self.consuming.clear()
            with contextlib.suppress(Exception):
                await connection.close()

    async def _consume(
        self,
        handler: Handler,
        queue: AbstractQueue,
        publisher: AbstractChannel,
        retry: AbstractExchange,
    ) -> None:
        inbox: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        await queue.consume(inbox.put, no_ack=False)
        while True:
            # Envelopes until the handler's batch is full: each holds one or many messages.
            batch = [await inbox.get()]
            messages = opened(batch[0])
            while len(messages) < handler.batch_size and not inbox.empty():
                batch.append(inbox.get_nowait())
                messages += opened(batch[-1])
            await self._handle(handler, batch, messages, publisher, retry)

    async def _handle(
        self,
        handler: Handler,
        batch: Sequence[AbstractIncomingMessage],
        messages: list[Message],
        publisher: AbstractChannel,
        retry: AbstractExchange,
    ) -> None:
        try:
            failures = await deliver(self.db, handler, messages)
        except Exception as exc:  # an outage: let RabbitMQ hand these out again later
            if being_cancelled():
                raise  # unacked, the batch goes back to the queue when the channel closes
            log.warning(
                "handler paused by an outage", extra={"handler": handler.name, "error": repr(exc)}
            )
            await asyncio.sleep(self.outage_pause)
            for raw in batch:
                await raw.nack(requeue=True)
            return
        failed = {f.message.id: f for f in failures}
        for message in messages:
            # pop: a copy of the same message later in the batch is not retried twice
            failure = failed.pop(message.id, None)
            if failure is not None:
                await self._retry_or_bury(handler, failure, publisher, retry)
        # Deliveries on this channel come in order and every earlier one is settled: the
        # last of the batch, acknowledged with `multiple`, acknowledges the whole batch.
        await batch[-1].ack(multiple=True)
        self.metrics.consumed.labels(handler.name).inc(len(messages) - len(failures))

    async def _retry_or_bury(
        self,
        handler: Handler,
        failure: Failure,
        publisher: AbstractChannel,
        retry: AbstractExchange,
    ) -> None:
        message = failure.message
        delays = self.topology.retry_delays
        if message.attempt <= len(delays):
            self.metrics.retried.labels(handler.name).inc()
            delay_queue = self.topology.delay_queue(handler, delays[message.attempt - 1])
            await retry.publish(envelope([message.retried()]), routing_key=delay_queue)
            return
        log.error(
            "message dead-lettered",
            extra={"handler": handler.name, "message_id": message.id, "error": failure.error},
        )
        self.metrics.dead_lettered.labels(handler.name).inc()
        try:
            # In the database, as with the in-process broker: one place to see and replay
            # dead letters (`crewup-admin outbox status|retry`) whichever broker runs.
            await dead_letter(self.db, handler, failure)
            return
        except Exception as exc:
            log.warning("dead letter kept in RabbitMQ", extra={"error": repr(exc)})
        await publisher.default_exchange.publish(
            envelope([message], failure.error), routing_key=self.topology.dead_queue(handler)
        )


async def dead_letter_counts(url: str, topology: Topology) -> dict[str, int]:
    """How many messages wait in each handler's dead-letter queue."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        await topology.declare(channel)
        counts = {}
        for handler in topology.handlers:
            queue = await channel.declare_queue(topology.dead_queue(handler), passive=True)
            counts[handler.name] = int(queue.declaration_result.message_count or 0)
        return counts
    finally:
        await connection.close()


async def replay_dead_letters(url: str, topology: Topology) -> int:
    """Move every dead letter back to its work queue with a fresh count of attempts."""
    connection = await aio_pika.connect(url)
    moved = 0
    try:
        channel = await connection.channel(publisher_confirms=True)
        await topology.declare(channel)
        for handler in topology.handlers:
            queue = await channel.declare_queue(topology.dead_queue(handler), passive=True)
            while (raw := await queue.get(no_ack=False, fail=False)) is not None:
                again = [Message(m.id, m.name, m.payload, 1) for m in opened(raw)]
                await channel.default_exchange.publish(
                    envelope(again), routing_key=topology.work_queue(handler)
                )
                await raw.ack()
                moved += len(again)
        return moved
    finally:
        await connection.close()


async def delete_topology(url: str, topology: Topology) -> None:
    """Remove every queue and exchange of `topology` (tests and benchmarks clean up with
    it; an installation that drops CrewUp can too). A broker that is not there: nothing."""
    try:
        connection = await aio_pika.connect(url)
    except Exception:  # a test pointed its app at a broker that is not there
        return
    try:
        for handler in topology.handlers:
            names = [
                topology.work_queue(handler),
                topology.dead_queue(handler),
                *(topology.delay_queue(handler, d) for d in topology.retry_delays),
            ]
            for name in names:
                channel = await connection.channel()
                with contextlib.suppress(Exception):
                    await channel.queue_delete(name)
        for name in (topology.events_exchange, topology.retry_exchange):
            channel = await connection.channel()
            with contextlib.suppress(Exception):
                await channel.exchange_delete(name)
    finally:
        await connection.close()
