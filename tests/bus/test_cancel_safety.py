"""Shutting down while RabbitMQ is slow to answer: a connection being opened when its
task is cancelled must not leave aio-pika's reconnecting task behind (it ignores
cancellation, so the event loop could never close and the process would hang)."""

from __future__ import annotations

import asyncio
from typing import cast

from prometheus_client import CollectorRegistry

from crewup.bus.messages import Message
from crewup.bus.metrics import BusMetrics
from crewup.bus.rabbitmq import RabbitBroker, RabbitConsumer, Topology
from crewup.core.db import Database
from tests.support.live_server import free_port


async def black_hole() -> tuple[asyncio.Server, str]:
    """A port that accepts connections and never says a word: an AMQP handshake waits."""

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    port = free_port()
    server = await asyncio.start_server(swallow, "127.0.0.1", port)
    return server, f"amqp://guest:guest@127.0.0.1:{port}/"


async def others_finish(seconds: float) -> list[asyncio.Task[object]]:
    """The tasks still alive after `seconds`, other than this one."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        alive = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if not alive or asyncio.get_running_loop().time() > deadline:
            return alive
        await asyncio.sleep(0.05)


async def test_a_publish_cancelled_mid_connect_leaves_no_task() -> None:
    server, url = await black_hole()
    try:
        broker = RabbitBroker(url, Topology("t.", (), (1.0,)))
        publishing = asyncio.create_task(broker.publish([Message(1, "x", {}, 1)]))
        await asyncio.sleep(0.3)  # connected at TCP level, waiting for the handshake
        publishing.cancel()
        await asyncio.gather(publishing, return_exceptions=True)
        await broker.close()
        assert await others_finish(3.0) == []
    finally:
        server.close()


async def test_a_consumer_cancelled_mid_connect_leaves_no_task() -> None:
    server, url = await black_hole()
    try:
        # The database is never reached: the consumer is still waiting for RabbitMQ.
        consumer = RabbitConsumer(
            url, Topology("t.", (), (1.0,)), cast(Database, None), BusMetrics(CollectorRegistry())
        )
        consuming = asyncio.create_task(consumer.run())
        await asyncio.sleep(0.3)
        consuming.cancel()
        await asyncio.gather(consuming, return_exceptions=True)
        assert await others_finish(3.0) == []
    finally:
        server.close()
