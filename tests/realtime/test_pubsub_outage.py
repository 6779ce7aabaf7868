"""Redis going away: publishing degrades to local delivery with a warning and a metric,
and the link comes back by itself (no restart) when Redis returns. The outage is a proxy
this test owns, never the machine's Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import pytest
from prometheus_client import CollectorRegistry

from crewup.realtime.metrics import RealtimeMetrics
from crewup.realtime.redis_pubsub import RedisPubSub
from tests.support.databases import Stack
from tests.support.proxy import OutageProxy
from tests.support.services import REDIS_URL, RUN_ID


async def _until(check: Callable[[], bool], within: float = 10.0) -> None:
    # Polling: the state lives in another object's background task, with no event to await.
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_redis_outage_degrades_to_local_and_recovers(stack: Stack) -> None:
    if not stack.is_services:
        pytest.skip("the in-process pub/sub has nothing to lose")
    channel = f"crewup-test:{RUN_ID}:{uuid.uuid4().hex[:6]}:realtime"
    proxy = OutageProxy(REDIS_URL, 6379)
    await proxy.restore()
    metrics = RealtimeMetrics(CollectorRegistry())
    behind_proxy = RedisPubSub(proxy.url, channel, metrics)
    direct = RedisPubSub(REDIS_URL, channel, RealtimeMetrics(CollectorRegistry()))
    here: list[bytes] = []
    recovered: list[bool] = []
    await behind_proxy.start(here.append, lambda: recovered.append(True))
    await direct.start(lambda _: None)
    try:

        async def reaches_here(payload: bytes) -> None:
            async with asyncio.timeout(10):
                while payload not in here:
                    await direct.publish(payload)
                    await asyncio.sleep(0.1)

        await reaches_here(b"before")
        await proxy.cut()
        await behind_proxy.publish(b"during")  # delivered locally at once, whatever Redis does
        assert b"during" in here
        await _until(lambda: behind_proxy.degraded)
        assert metrics.pubsub_degraded._value.get() == 1
        await proxy.restore()
        await _until(lambda: not behind_proxy.degraded)
        assert recovered == [True]
        assert metrics.pubsub_reconnects._value.get() == 1
        assert metrics.pubsub_degraded._value.get() == 0
        await reaches_here(b"after")
    finally:
        await behind_proxy.stop()
        await direct.stop()
        await proxy.cut()
