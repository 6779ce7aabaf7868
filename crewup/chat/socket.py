"""Chat's frames on /ws: subscribe, unsubscribe, message, typing, read.

Thin like the REST handlers: parse the frame, check access or open the unit of work,
call the service; live delivery of a message happens after its commit (crewup.wiring).
"""

from __future__ import annotations

import logging
import time
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from crewup.chat import read_markers, service
from crewup.chat.access import Room, RoomKind, check_reader
from crewup.chat.appkeys import ROOM_POSTS
from crewup.chat.schemas import (
    MessageFrame,
    ReadFrame,
    RoomFrame,
    SubscribeFrame,
    message_frame,
)
from crewup.core.errors import RateLimited
from crewup.core.marks import N_
from crewup.realtime.appkeys import FRAME_HANDLERS, HUB
from crewup.realtime.endpoint import FrameError
from crewup.realtime.frames import dumps
from crewup.realtime.hub import Hub
from crewup.realtime.peer import Peer
from crewup.web.appkeys import DB, LIMITER, SETTINGS

log = logging.getLogger("crewup.chat")
F = TypeVar("F", bound=BaseModel)
TYPING_EVERY = 2.0  # seconds: more typing frames from one socket and room are dropped


def _parse(model: type[F], frame: dict[str, Any]) -> F:
    try:
        return model.model_validate(frame)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "frame"
        raise FrameError("invalid", f"{where}: {first['msg']}") from None


async def subscribe(app: web.Application, peer: Peer, frame: dict[str, Any]) -> None:
    parsed = _parse(SubscribeFrame, frame)
    room = parsed.room
    async with app[DB].reading() as conn:
        await check_reader(conn, room, peer.actor)
        unread = await read_markers.unread_in(conn, room, peer.actor.id)
        newest = await service.newest_id(conn, room) if parsed.since_id is None else 0
    await app[HUB].subscribe(peer, room.key, parsed.since_id, newest)
    peer.send({"type": "unread", **room.fields, "count": unread})


async def unsubscribe(app: web.Application, peer: Peer, frame: dict[str, Any]) -> None:
    app[HUB].leave(peer, _parse(RoomFrame, frame).room.key)


async def post(app: web.Application, peer: Peer, frame: dict[str, Any]) -> None:
    parsed = _parse(MessageFrame, frame)
    settings = app[SETTINGS]
    try:
        await app[LIMITER].hit(
            settings.rate_limit_chat, "chat", str(peer.actor.id), what=N_("chat messages")
        )
    except RateLimited:
        raise
    except Exception as exc:
        # Redis is away: chat keeps working (messages are persisted and delivered locally)
        # rather than refusing everyone; the limit applies again when Redis returns.
        log.warning("chat rate limit not checked, its store is unreachable: %s", exc)
    # With others' messages to the room that queue meanwhile: one commit (room_posts.py).
    await app[ROOM_POSTS].post(
        parsed.room,
        peer.actor,
        parsed.body,
        parsed.client_id,
        max_chars=settings.chat_max_chars,
    )


async def typing(app: web.Application, peer: Peer, frame: dict[str, Any]) -> None:
    room = _parse(RoomFrame, frame).room
    subscription = peer.rooms.get(room.key)
    if subscription is None:
        raise FrameError("forbidden", "subscribe to the room first")
    now = time.monotonic()
    if now - subscription.typed_at < TYPING_EVERY:
        return  # throttled: the others already know
    subscription.typed_at = now
    await app[HUB].to_room(
        room.key,
        {
            "type": "typing",
            **room.fields,
            "user_id": peer.actor.id,
            "display_name": peer.actor.display_name,
        },
    )


async def read(app: web.Application, peer: Peer, frame: dict[str, Any]) -> None:
    parsed = _parse(ReadFrame, frame)
    room = parsed.room
    async with app[DB].transaction() as conn:
        left = await read_markers.mark_read(conn, room, peer.actor, parsed.up_to_id)
    # Every device of the person learns the new count.
    await app[HUB].to_user(peer.actor.id, {"type": "unread", **room.fields, "count": left})


def replay_fetcher(app: web.Application) -> Any:
    """How the hub replays a room after `since_id` (subscribe, or Redis coming back)."""

    async def fetch(room_key: str, after: int) -> list[tuple[int, str]]:
        kind, _, number = room_key.partition(":")
        async with app[DB].reading() as conn:
            found = await service.messages_after(conn, Room(RoomKind(kind), int(number)), after)
        return [(message.id, dumps(message_frame(message))) for message in found]

    return fetch


def register(app: web.Application, hub: Hub) -> None:
    app[FRAME_HANDLERS].update(
        {
            "subscribe": subscribe,
            "unsubscribe": unsubscribe,
            "message": post,
            "typing": typing,
            "read": read,
        }
    )
    hub.fetcher = replay_fetcher(app)
