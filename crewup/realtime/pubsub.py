"""Pub/sub between web processes: what one process publishes reaches every process,
itself included.

The hub publishes envelopes (small JSON documents: a frame for a room, a frame for a
person, "disconnect this person") and receives every envelope any process published.
All traffic travels on one channel per installation: each process sees every envelope
and drops what concerns no local socket. That keeps subscriptions static (nothing to
re-subscribe per room, no window where a room's first subscriber misses a message
while its channel subscription is on the way), at the price of every process reading
all of the installation's live traffic, which is small next to what it writes to
sockets.

`InProcessPubSub` is the embedded default (one process, nothing to reach);
`RedisPubSub` (crewup.realtime.redis_pubsub) links processes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

Receiver = Callable[[bytes], None]


class PubSub(Protocol):
    async def start(
        self,
        receiver: Receiver,
        recovered: Callable[[], None] | None = None,
        lost: Callable[[], None] | None = None,
    ) -> None:
        """Begin delivering every published envelope to `receiver` (sync, never blocks);
        `lost` is called when the link to the other processes goes (delivery is then
        local only), `recovered` when it is back."""

    async def publish(self, envelope: bytes) -> None:
        """Deliver to every process; never raises for an unreachable backend."""

    async def stop(self) -> None: ...


class InProcessPubSub:
    """One process: publishing is calling the receiver."""

    def __init__(self) -> None:
        self._receiver: Receiver | None = None

    async def start(
        self,
        receiver: Receiver,
        recovered: Callable[[], None] | None = None,
        lost: Callable[[], None] | None = None,
    ) -> None:
        self._receiver = receiver

    async def publish(self, envelope: bytes) -> None:
        if self._receiver is not None:
            self._receiver(envelope)
        # Yield once, as a network publish would: a burst of publishes from one task must
        # not starve the socket writers.
        await asyncio.sleep(0)

    async def stop(self) -> None:
        self._receiver = None
