"""Typed keys for the real-time face. Domains plug their frames in through FRAME_HANDLERS
(chat registers subscribe, message, typing, read) and reach sockets through the HUB."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from crewup.realtime.hub import Hub
from crewup.realtime.metrics import RealtimeMetrics
from crewup.realtime.peer import Peer

# Handles one client frame of its type; raises FrameError or a domain error to answer
# with an `error` frame (the socket stays open).
FrameHandler = Callable[[web.Application, Peer, dict[str, Any]], Awaitable[None]]

HUB = web.AppKey("realtime_hub", Hub)
REALTIME_METRICS = web.AppKey("realtime_metrics", RealtimeMetrics)
FRAME_HANDLERS = web.AppKey[dict[str, FrameHandler]]("frame_handlers")
