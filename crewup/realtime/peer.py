"""One open socket's sending side: a bounded queue, written without a task while the
socket keeps up.

Fan-out never awaits a socket. A frame goes straight to the transport when nothing is
queued before it and the transport's buffer is small (the common case: one `write` of
bytes encoded once for the whole room, no task, no per-socket JSON); otherwise it waits
in the socket's bounded queue, which a writer task drains through aiohttp with its flow
control. A client that reads slowly therefore delays nobody else; when its queue is full
it is closed with 1013 ("try again later") and reconnects with `since_id` to replay what
it missed.

The writer task exists only while something is queued: an idle socket holds an empty
deque and no task, which is most of what 5,000 idle sockets cost.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from asyncio import Transport
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from crewup.core.identity import Actor
from crewup.realtime.frames import Frame, dumps
from crewup.realtime.metrics import RealtimeMetrics

__all__ = ["NO_REPLAY", "Frame", "Peer", "Subscription", "dumps"]

log = logging.getLogger("crewup.realtime")

CLOSE_SECONDS = 1.0  # a close handshake the client does not answer is cut after this
FLUSH_SECONDS = 1.0  # shutdown and bans: how long queued frames may take to go out
# Bytes a transport may hold unsent before frames queue instead (asyncio's own high-water
# mark): beyond it the kernel is not taking more, and aiohttp's writer waits for drain.
DIRECT_WRITE_LIMIT = 64 * 1024

_ids = itertools.count(1)
NO_REPLAY = 2**63  # Subscription.replay_since when no replay is asked for


@dataclass(slots=True)
class Subscription:
    """A room this socket listens to. While a replay or an access check runs, live frames
    of the room wait in `held`: after a replay they go out after the replayed ones, and
    those the replay already sent are dropped (nothing lost, nothing doubled); after a
    check they go out only if access was kept. Replays and checks overlap, so the frames
    wait until the last of them ends (`holds` counts them): an early check that answered
    "still allowed" must not release frames a later change may have taken away."""

    held: list[tuple[int | None, Frame]] | None = None
    holds: int = 0  # replays and access checks under way
    last_id: int = 0  # newest message id sent: where a replay after an outage starts
    typed_at: float = 0.0  # last typing frame accepted (typing is throttled)
    replaying: bool = False
    replay_again: bool = False  # the link recovered during a replay: read on to the end
    replayed_to: int = 0  # newest id a replay sent while frames were held
    replay_wanted: bool = False  # the link recovered while an access check held the room
    replay_since: int = NO_REPLAY  # where a replay asked for meanwhile starts (the lowest)

    def hold(self) -> None:
        if self.held is None:
            self.held = []
        self.holds += 1

    def release(self) -> list[tuple[int | None, Frame]]:
        """One replay or check ended: the held frames to deliver now, none while another
        still runs. Frames a replay already sent are dropped, and only those: live frames
        from two processes may arrive out of id order."""
        self.holds -= 1
        if self.holds > 0 or self.held is None:
            return []
        held, self.held = self.held, None
        sent, self.replayed_to = self.replayed_to, 0
        return [(i, frame) for i, frame in held if i is None or i > sent]


class Peer:
    __slots__ = (
        "_closer",
        "_pending",
        "_transport",
        "_writer",
        "actor",
        "closing",
        "id",
        "metrics",
        "queue_size",
        "rooms",
        "ws",
    )

    def __init__(
        self,
        ws: web.WebSocketResponse,
        actor: Actor,
        metrics: RealtimeMetrics,
        queue_size: int,
        transport: Transport | None = None,
    ) -> None:
        self.ws = ws
        self.actor = actor
        self.metrics = metrics
        self.queue_size = queue_size
        self.id = next(_ids)
        self.rooms: dict[str, Subscription] = {}
        self.closing = False
        # Without a transport (none given, or the connection is gone) every frame takes
        # the queued path through aiohttp.
        self._transport = transport
        self._pending: deque[Frame] | None = None  # made when first needed: most never are
        self._writer: asyncio.Task[None] | None = None
        self._closer: asyncio.Task[None] | None = None

    def send(self, frame: dict[str, Any]) -> None:
        self.put(Frame.of(frame))

    def send_text(self, text: str) -> None:
        self.put(Frame(text))

    def put(self, frame: Frame) -> None:
        """Write now if the socket keeps up, else queue; a full queue means a slow
        consumer: close it."""
        if self.closing:
            return
        pending = self._pending
        if not pending and self._writer is None and self._write_now(frame):
            return
        if pending is None:
            pending = self._pending = deque()
        if len(pending) >= self.queue_size:
            self.metrics.slow_consumers.inc()
            log.info("closing a slow WebSocket consumer", extra={"user_id": self.actor.id})
            self.close(WSCloseCode.TRY_AGAIN_LATER, "send queue overflow", flush=False)
            return
        pending.append(frame)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())

    def _write_now(self, frame: Frame) -> bool:
        transport = self._transport
        if (
            transport is None
            or self.ws.closed
            or transport.is_closing()
            or transport.get_write_buffer_size() > DIRECT_WRITE_LIMIT
        ):
            return False
        transport.write(frame.wire)
        self.metrics.frames_out.inc()
        return True

    async def send_waiting(self, frame: Frame) -> None:
        """Replays wait for room in the queue instead of overflowing it."""
        # Polling: a replay is rare and short, an Event per socket would cost every socket.
        while self.queued() >= self.queue_size // 2 and not self.closing:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        self.put(frame)

    def queued(self) -> int:
        return len(self._pending) if self._pending is not None else 0

    def deliver(self, room: str, frame: Frame, message_id: int | None) -> None:
        subscription = self.rooms.get(room)
        if subscription is None:
            return
        if subscription.held is not None:
            subscription.held.append((message_id, frame))
            if len(subscription.held) > self.queue_size:
                self.metrics.slow_consumers.inc()
                self.close(WSCloseCode.TRY_AGAIN_LATER, "replay fell behind", flush=False)
            return
        if message_id is not None and message_id > subscription.last_id:
            subscription.last_id = message_id
        self.put(frame)

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
        self._pending = None
        await self._stop_writer()
        try:
            # Times out on a client that stops answering; aiohttp then drops the transport.
            await asyncio.wait_for(
                self.ws.close(code=code, message=reason.encode()[:120]), CLOSE_SECONDS
            )
        except (TimeoutError, Exception):
            log.warning("WebSocket close did not complete", exc_info=True)

    async def _write(self) -> None:
        """The slow path: aiohttp's writer, which waits for the transport to drain."""
        try:
            while self._pending:
                await self.ws.send_frame(self._pending.popleft().payload, WSMsgType.TEXT)
                self.metrics.frames_out.inc()
        except (ConnectionError, RuntimeError):
            pass  # the client went away; the read loop cleans up
        finally:
            self._writer = None
            self._pending = None
