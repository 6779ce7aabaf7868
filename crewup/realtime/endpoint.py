"""GET /ws: the handshake, the read loop, and turning failures into `error` frames.

One task per socket reads frames and handles them in order; sending goes through the
socket's queue (crewup.realtime.peer). A failure a client caused is an `error` frame and
the socket stays open; only authentication and bans close it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from crewup.core.errors import Forbidden, NotFound, RateLimited, Refusal
from crewup.realtime.appkeys import FRAME_HANDLERS, HUB, REALTIME_METRICS
from crewup.realtime.handshake import Refused, authenticate
from crewup.realtime.peer import Peer
from crewup.web.appkeys import SETTINGS
from crewup.web.routes import socket_route

log = logging.getLogger("crewup.realtime")

# Fields a client may put in a frame that help it match an error to what it sent.
_ECHOED = ("group_id", "event_id", "client_id")
_ECHO_CHARS = 64


class FrameError(Exception):
    """A frame the server will not act on: answered as {"type": "error", "code": ...}."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def error_frame(code: str, detail: str, frame: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"type": "error", "code": code, "detail": detail}
    for name in _ECHOED:
        value = frame.get(name) if frame is not None else None
        # A refused 10,000-character client_id came back whole: echo only what a valid
        # frame could hold (client ids are at most 64 characters).
        if (type(value) is int and 0 < value < 2**63) or (
            isinstance(value, str) and len(value) <= _ECHO_CHARS
        ):
            answer[name] = value
    return answer


@socket_route
async def websocket(request: web.Request) -> web.WebSocketResponse:
    settings = request.app[SETTINGS]
    hub = request.app[HUB]
    ws = web.WebSocketResponse(
        heartbeat=settings.ws_heartbeat_seconds,
        max_msg_size=settings.ws_max_frame_bytes,
        # No permessage-deflate: a compressor per socket (hundreds of KB once used) and
        # compressing per socket would undo encoding each room frame once for all.
        compress=False,
    )
    # Who is asking is settled before the upgrade: should the database or Redis not
    # answer, the request fails as any other does (503, Retry-After) while it is still
    # HTTP; after the 101, that answer would reach the client as the bytes of a frame.
    # A refusal is a close code the client reads, so it waits for the upgrade.
    refusal: Refused | None = None
    try:
        actor = await authenticate(request)
    except Refused as refused:
        refusal = refused
    await ws.prepare(request)
    # The 101's headers (the security headers among them) are serialised and on their
    # way; kept, they would cost every idle socket about 2 KB for its whole life.
    ws.headers.clear()
    if hub.closing:
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")
        return ws
    if refusal is not None:
        await ws.close(code=refusal.code, message=refusal.reason.encode()[:120])
        return ws
    peer = Peer(ws, actor, request.app[REALTIME_METRICS], settings.ws_send_queue, request.transport)
    hub.add(peer)
    try:
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                await handle_frame(request.app, peer, message.data)
            elif message.type is WSMsgType.BINARY:
                peer.send(error_frame("invalid", "frames are JSON text"))
    finally:
        hub.remove(peer)
        await peer.finished()
    return ws


async def handle_frame(app: web.Application, peer: Peer, data: str) -> None:
    metrics = app[REALTIME_METRICS]
    try:
        frame = json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the stack
        frame = None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        metrics.frames_in.labels("bad").inc()
        peer.send(error_frame("invalid", "a frame is a JSON object with a 'type'"))
        return
    kind = frame["type"]
    handler = app[FRAME_HANDLERS].get(kind)
    metrics.frames_in.labels(kind if handler is not None or kind == "ping" else "unknown").inc()
    if kind == "ping":
        peer.send({"type": "pong"})
        return
    if handler is None:
        peer.send(error_frame("invalid", f"unknown frame type {kind[:40]!r}", frame))
        return
    try:
        await handler(app, peer, frame)
    except FrameError as exc:
        peer.send(error_frame(exc.code, exc.detail, frame))
    except RateLimited as exc:
        peer.send(error_frame("rate_limited", str(exc), frame))
    except (NotFound, Forbidden):
        # One answer for "no such room" and "not yours": never a hint a private one exists.
        peer.send(error_frame("forbidden", "you may not do this in this room", frame))
    except Refusal as exc:
        peer.send(error_frame("invalid", str(exc), frame))
    except Exception:
        log.exception("WebSocket frame failed", extra={"frame_type": kind})
        peer.send(error_frame("unavailable", "the server could not do this now; retry", frame))
