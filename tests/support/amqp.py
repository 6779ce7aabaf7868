"""RabbitMQ objects a test made, removed afterwards: every name starts with the test's
own `amqp_prefix`, and the topology says which names exist."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import aio_pika

from crewup.bus.messages import Handler
from crewup.bus.rabbitmq import Topology


async def delete_topology(url: str, topology: Topology) -> None:
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


def topology_of(prefix: str, handlers: Sequence[Handler], delays: Sequence[float]) -> Topology:
    return Topology(prefix, tuple(handlers), tuple(delays))
