"""Talking to /ws as a client would: connect, send frames, wait for the frame you expect."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiohttp import ClientWebSocketResponse, WSMsgType
from aiohttp.test_utils import TestClient

Frame = dict[str, Any]


async def connect(
    client: TestClient, person: dict[str, Any] | None = None, **kwargs: Any
) -> ClientWebSocketResponse:
    path = "/ws" if person is None else f"/ws?access_token={person['access_token']}"
    return await client.ws_connect(path, **kwargs)


async def next_frame(ws: ClientWebSocketResponse, within: float = 5.0) -> Frame:
    message = await ws.receive(within)
    assert message.type is WSMsgType.TEXT, f"expected a frame, got {message.type} {message.data!r}"
    frame: Frame = json.loads(message.data)
    return frame


async def wait_for(
    ws: ClientWebSocketResponse, match: Callable[[Frame], bool], within: float = 5.0
) -> Frame:
    """The first frame that matches, skipping others (presence, typing, unread)."""
    async with asyncio.timeout(within):
        while True:
            frame = await next_frame(ws, within)
            if match(frame):
                return frame


def of_type(kind: str, **fields: Any) -> Callable[[Frame], bool]:
    return lambda frame: (
        frame.get("type") == kind
        and all(frame.get(name) == value for name, value in fields.items())
    )


async def subscribe(ws: ClientWebSocketResponse, since_id: int | None = None, **room: int) -> Frame:
    """Subscribe and wait for the `unread` frame that confirms it (or an error)."""
    frame: Frame = {"type": "subscribe", **room}
    if since_id is not None:
        frame["since_id"] = since_id
    await ws.send_json(frame)
    return await wait_for(ws, lambda f: f.get("type") in ("unread", "error"))


async def closed_with(ws: ClientWebSocketResponse, within: float = 5.0) -> int | None:
    """Read until the server closes; answer the code of its close frame (what a browser
    reports even when the server drops the connection right after sending it)."""
    async with asyncio.timeout(within):
        while True:
            message = await ws.receive()
            if message.type is WSMsgType.CLOSE:
                return int(message.data)
            if message.type in (WSMsgType.CLOSED, WSMsgType.CLOSING, WSMsgType.ERROR):
                return ws.close_code
