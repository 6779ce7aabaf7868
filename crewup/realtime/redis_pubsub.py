"""Pub/sub over Redis, for several web processes.

A publish is delivered to this process at once and to the others through one Redis
channel (`<redis_prefix>realtime`); each envelope carries its origin so a process skips
its own. When Redis goes away the link degrades to local delivery: a warning, the
`crewup_pubsub_degraded` gauge, and a listener that keeps trying with a growing pause
and comes back by itself. What was persisted meanwhile is replayed to clients (see
`Hub.recovered`), so nothing is lost, only late.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable

from redis.asyncio import Redis

from crewup.realtime.metrics import RealtimeMetrics
from crewup.realtime.pubsub import Receiver

log = logging.getLogger("crewup.realtime")

PUBLISH_TIMEOUT = 1.0
MAX_PAUSE = 5.0


class RedisPubSub:
    def __init__(self, url: str, channel: str, metrics: RealtimeMetrics) -> None:
        # A client of its own with short timeouts: a Redis that hangs must not hold up a
        # chat message that is already persisted.
        self._redis = Redis.from_url(
            url, socket_connect_timeout=1.0, socket_keepalive=True, health_check_interval=5
        )
        self._channel = channel
        self._metrics = metrics
        self._origin = uuid.uuid4().hex.encode()
        self._receiver: Receiver | None = None
        self._listener: asyncio.Task[None] | None = None
        self.degraded = False
        self._ever_connected = False
        self._recovered: Callable[[], None] | None = None
        self._lost: Callable[[], None] | None = None

    async def start(
        self,
        receiver: Receiver,
        recovered: Callable[[], None] | None = None,
        lost: Callable[[], None] | None = None,
    ) -> None:
        self._receiver = receiver
        self._recovered = recovered
        self._lost = lost
        self._listener = asyncio.create_task(self._listen(), name="crewup-pubsub-listener")

    async def publish(self, envelope: bytes) -> None:
        if self._receiver is not None:
            self._receiver(envelope)
        if self.degraded:
            return
        stamped = b"%s %.6f %s" % (self._origin, time.time(), envelope)
        try:
            await asyncio.wait_for(self._redis.publish(self._channel, stamped), PUBLISH_TIMEOUT)
        except Exception as exc:  # any failure of the link: deliver locally and carry on
            self._metrics.pubsub_failures.inc()
            self._degrade(exc)

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._redis.aclose()

    def _degrade(self, exc: BaseException) -> None:
        if not self.degraded:
            log.warning("Redis pub/sub unreachable, delivering locally until it returns: %s", exc)
            if self._lost is not None and self._ever_connected:
                self._lost()
        self.degraded = True
        self._metrics.pubsub_degraded.set(1)

    def _healthy(self) -> None:
        if self.degraded or not self._ever_connected:
            if self._ever_connected:
                log.warning("Redis pub/sub is back")
                self._metrics.pubsub_reconnects.inc()
            was_degraded = self.degraded
            self._ever_connected = True
            self.degraded = False
            self._metrics.pubsub_degraded.set(0)
            if was_degraded and self._recovered is not None:
                self._recovered()  # clients may have missed envelopes: replay to them

    def _deliver(self, data: bytes) -> None:
        origin, stamp, envelope = data.split(b" ", 2)
        if origin == self._origin or self._receiver is None:
            return
        self._metrics.pubsub_lag.observe(max(0.0, time.time() - float(stamp)))
        self._receiver(envelope)

    async def _listen(self) -> None:
        pause = 0.1
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                self._healthy()
                pause = 0.1
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "message":
                        try:
                            self._deliver(message["data"])
                        except Exception:
                            log.exception("bad envelope on the pub/sub channel")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._degrade(exc)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
            await asyncio.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE)
