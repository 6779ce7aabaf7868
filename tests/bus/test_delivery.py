"""The bus's promises, on both brokers (in-process on SQLite; RabbitMQ on PostgreSQL):
a change and its message commit or roll back together, a failing handler is retried and
then succeeds once, a poison message ends as a dead letter that an operator can see and
replay, and nothing is lost or doubled on the way."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.bus.messages import Handler, Message
from crewup.bus.metrics import BusMetrics
from crewup.bus.runtime import Bus, topology_for
from crewup.bus.tables import dead_letters, outbox
from crewup.core.db import Database
from crewup.core.dispatch import DomainEvent, announce
from crewup.core.settings import Settings
from crewup.wiring import open_database
from tests.support.amqp import delete_topology
from tests.support.cli import admin_cli


@dataclass(frozen=True)
class Pinged(DomainEvent):
    name: ClassVar[str] = "test.pinged"
    n: int


class Recorder:
    """A handler that remembers what it handled, and fails on demand."""

    def __init__(self, fail_times: Callable[[int], int] = lambda n: 0) -> None:
        self.attempts: Counter[int] = Counter()  # by payload n, every try
        self.done: Counter[int] = Counter()  # by payload n, committed tries
        self.fail_times = fail_times

    def handler(self) -> Handler:
        async def handle(conn: AsyncConnection, messages: list[Message]) -> None:
            for m in messages:
                n = int(m.payload["n"])
                self.attempts[n] += 1
                if self.attempts[n] <= self.fail_times(n):
                    raise RuntimeError(f"refusing {n} (try {self.attempts[n]})")
            for m in messages:
                self.done[int(m.payload["n"])] += 1

        return Handler("recorder", frozenset({Pinged.name}), handle, batch_size=10)


@dataclass
class Running:
    db: Database
    bus: Bus
    recorder: Recorder


@asynccontextmanager
async def running_bus(settings: Settings, recorder: Recorder) -> AsyncIterator[Running]:
    db = open_database(settings)
    handlers = [recorder.handler()]
    bus = Bus(db, settings, handlers, [], BusMetrics(CollectorRegistry()))
    await bus.start(work=True)
    try:
        yield Running(db, bus, recorder)
    finally:
        await bus.stop()
        await db.dispose()
        if settings.amqp_url:
            await delete_topology(settings.amqp_url, topology_for(settings, handlers))


async def ping(db: Database, *ns: int) -> None:
    async with db.transaction() as conn:
        for n in ns:
            await announce(conn, Pinged(n))


async def eventually(check: Callable[[], Any], seconds: float = 15.0) -> None:
    async with asyncio.timeout(seconds):
        while True:
            if await check():
                return
            await asyncio.sleep(0.05)


async def count(db: Database, table: Any) -> int:
    async with db.reading() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


@pytest.fixture
async def bus(settings: Settings) -> AsyncIterator[Running]:
    async with running_bus(settings, Recorder()) as running:
        yield running


async def test_a_rolled_back_change_sends_nothing(bus: Running) -> None:
    with pytest.raises(RuntimeError):
        async with bus.db.transaction() as conn:
            await announce(conn, Pinged(1))
            raise RuntimeError("the change fails after announcing")
    await ping(bus.db, 2)

    async def handled() -> bool:
        return bool(bus.recorder.done)

    await eventually(handled)
    await asyncio.sleep(0.5)  # time enough for a stray message to arrive, if one existed
    assert dict(bus.recorder.done) == {2: 1}
    assert await count(bus.db, outbox) == 1


async def test_every_message_is_handled_once_in_order_of_commit(bus: Running) -> None:
    for start in range(0, 300, 30):
        await ping(bus.db, *range(start, start + 30))

    async def all_done() -> bool:
        return len(bus.recorder.done) == 300

    await eventually(all_done)
    await asyncio.sleep(0.3)
    assert set(bus.recorder.done) == set(range(300))
    assert set(bus.recorder.done.values()) == {1}


async def test_a_failing_handler_is_retried_until_it_succeeds(settings: Settings) -> None:
    # Two failures, then success: within the two retries the settings allow.
    recorder = Recorder(fail_times=lambda n: 2 if n == 7 else 0)
    async with running_bus(settings, recorder) as running:
        await ping(running.db, 6, 7, 8)

        async def all_done() -> bool:
            return set(recorder.done) == {6, 7, 8}

        await eventually(all_done)
        assert recorder.attempts[7] == 3
        assert recorder.done == Counter({6: 1, 7: 1, 8: 1})
        assert await count(running.db, dead_letters) == 0


async def test_a_poison_message_becomes_a_dead_letter_and_can_be_replayed(
    settings: Settings,
) -> None:
    poisoned = {13}
    recorder = Recorder(fail_times=lambda n: 10**6 if n in poisoned else 0)
    async with running_bus(settings, recorder) as running:
        await ping(running.db, 12, 13, 14)

        async def buried() -> bool:
            return await count(running.db, dead_letters) == 1

        await eventually(buried)
        # First try plus one per retry delay, then it stops. (The handler saw it once more:
        # its first batch failed as a whole before each message was tried alone.)
        async with running.db.reading() as conn:
            tries = (await conn.execute(select(dead_letters.c.attempts))).scalar_one()
        assert tries == 1 + len(settings.bus_retry_delays)
        assert recorder.attempts[13] == tries + 1
        assert recorder.done == Counter({12: 1, 14: 1})

        result = await admin_cli(settings, "outbox", "status", "--json")
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        assert report["dead_letters"]["recorder"] == 1

        poisoned.clear()  # the operator fixed what made it fail
        result = await admin_cli(settings, "outbox", "retry")
        assert result.exit_code == 0, result.output
        assert await count(running.db, dead_letters) == 1  # without --dead, left alone
        result = await admin_cli(settings, "outbox", "retry", "--dead")
        assert result.exit_code == 0, result.output
        assert "requeued 1 dead letters from the database" in result.output

        async def replayed() -> bool:
            return recorder.done[13] == 1

        await eventually(replayed)
        assert await count(running.db, dead_letters) == 0
        assert recorder.done == Counter({12: 1, 13: 1, 14: 1})  # the others not run again
