"""One open socket's sending side: a bounded queue and the one task that writes it.

Fan-out only ever puts text on queues (never awaits a socket), so a client that reads
slowly delays nobody else; when its queue is full it is closed with 1013 ("try again
later") and reconnects with `since_id` to replay what it missed.

The writer task exists only while there is something to write: an idle socket holds a
small deque and no task, which is most of what 5,000 idle sockets cost.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, web

from crewup.core.identity import Actor
from crewup.realtime.metrics import RealtimeMetrics

log = logging.getLogger("crewup.realtime")

CLOSE_SECONDS = 1.0  # a close handshake the client does not answer is cut after this
FLUSH_SECONDS = 1.0  # shutdown and bans: how long queued frames may take to go out

_ids = itertools.count(1)


def dumps(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


@dataclass
class Subscription:
    """A room this socket listens to. While a replay runs, live frames of the room wait
    in `held` so they go out after the replayed ones, and those the replay already sent
    are dropped: nothing lost, nothing doubled."""

    held: list[tuple[int | None, str]] | None = None
    last_id: int = 0  # newest message id sent: where a replay after an outage starts
    typed_at: float = 0.0  # last typing frame accepted (typing is throttled)


@dataclass(eq=False)
class Peer:
    ws: web.WebSocketResponse
    actor: Actor
    metrics: RealtimeMetrics
    queue_size: int
    id: int = field(default_factory=lambda: next(_ids))
    rooms: dict[str, Subscription] = field(default_factory=dict)
    closing: bool = False

    def __post_init__(self) -> None:
        self._pending: deque[str] = deque()
        self._writer: asyncio.Task[None] | None = None
        self._closer: asyncio.Task[None] | None = None

    def send(self, frame: dict[str, Any]) -> None:
        self.send_text(dumps(frame))

    def send_text(self, text: str) -> None:
        """Queue without waiting; a full queue means a slow consumer: close it."""
        if self.closing:
            return
        if len(self._pending) >= self.queue_size:
            self.metrics.slow_consumers.inc()
            log.info("closing a slow WebSocket consumer", extra={"user_id": self.actor.id})
            self.close(WSCloseCode.TRY_AGAIN_LATER, "send queue overflow", flush=False)
            return
        self._pending.append(text)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())

    async def send_waiting(self, text: str) -> None:
        """Replays wait for room in the queue instead of overflowing it."""
        # Polling: a replay is rare and short, an Event per socket would cost every socket.
        while len(self._pending) >= self.queue_size // 2 and not self.closing:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        self.send_text(text)

    def deliver(self, room: str, text: str, message_id: int | None) -> None:
        subscription = self.rooms.get(room)
        if subscription is None:
            return
        if subscription.held is not None:
            subscription.held.append((message_id, text))
            if len(subscription.held) > self.queue_size:
                self.metrics.slow_consumers.inc()
                self.close(WSCloseCode.TRY_AGAIN_LATER, "replay fell behind", flush=False)
            return
        if message_id is not None:
            subscription.last_id = max(subscription.last_id, message_id)
        self.send_text(text)

    def close(self, code: int, reason: str = "", *, flush: bool = True) -> None:
        """Close from anywhere without waiting; the handler's read loop then ends."""
        if self.closing:
            return
        self.closing = True
        self._closer = asyncio.create_task(self._close(code, reason, flush))

    async def closed(self) -> None:
        """Wait for a close begun with `close` (nothing to wait for otherwise)."""
        if self._closer is not None:
            await self._closer

    async def finished(self) -> None:
        """After the read loop ended: stop writing and release the socket."""
        self.closing = True
        if self._closer is not None:
            await self._closer
        await self._stop_writer()

    async def _stop_writer(self) -> None:
        writer = self._writer
        if writer is not None:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer

    async def _close(self, code: int, reason: str, flush: bool) -> None:
        writer = self._writer
        if flush and writer is not None:  # the writer ends once the queue is empty
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(writer), FLUSH_SECONDS)
        self._pending.clear()
        await self._stop_writer()
        try:
            # Times out on a client that stops answering; aiohttp then drops the transport.
            await asyncio.wait_for(
                self.ws.close(code=code, message=reason.encode()[:120]), CLOSE_SECONDS
            )
        except (TimeoutError, Exception):
            log.warning("WebSocket close did not complete", exc_info=True)

    async def _write(self) -> None:
        try:
            while self._pending:
                await self.ws.send_str(self._pending.popleft())
                self.metrics.frames_out.inc()
        except (ConnectionError, RuntimeError):
            self._pending.clear()  # the client went away; the read loop cleans up
        finally:
            self._writer = None
