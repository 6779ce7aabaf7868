"""REST face of chat: history, edits and deletions, read markers, unread counts."""

from __future__ import annotations

from aiohttp import web

from crewup.chat import read_markers, service
from crewup.chat.access import Room, RoomKind
from crewup.chat.schemas import (
    HistoryQuery,
    MessageEdit,
    MessageOut,
    MessagePage,
    ReadIn,
    UnreadOut,
    UnreadRoom,
)
from crewup.core.identity import Actor
from crewup.web.appkeys import DB, SETTINGS
from crewup.web.caller import caller
from crewup.web.requests import json_response, parse_body, parse_query, path_id
from crewup.web.routes import ApiRoutes

api = ApiRoutes("chat")
GROUP_MESSAGES = r"/api/v1/groups/{group_id:\d+}/messages"
EVENT_MESSAGES = r"/api/v1/events/{event_id:\d+}/messages"
MESSAGE = r"/api/v1/messages/{message_id:\d+}"


def _room(request: web.Request, kind: RoomKind) -> Room:
    return Room(kind, path_id(request, f"{kind.value}_id"))


async def history_page(request: web.Request, room: Room, actor: Actor) -> MessagePage:
    """Shared with the browser's history endpoint (crewup.chat.pages)."""
    query = parse_query(request, HistoryQuery)
    async with request.app[DB].reading() as conn:
        found, more = await service.history(
            conn, room, actor, before=query.before, after=query.after, limit=query.limit
        )
    items = [MessageOut.of(message) for message in found]
    if query.after is not None:
        return MessagePage(items=items, next_after=items[-1].id if more else None)
    return MessagePage(items=items, next_before=items[-1].id if more else None)


async def _history(request: web.Request, kind: RoomKind) -> web.Response:
    return json_response(await history_page(request, _room(request, kind), caller(request)))


@api.get(
    GROUP_MESSAGES,
    "Chat history of a group (members): newest first, `before=` for older, `after=` forward",
    query=HistoryQuery,
    response=MessagePage,
    errors=(403, 404),
)
async def group_messages(request: web.Request) -> web.Response:
    return await _history(request, RoomKind.group)


@api.get(
    EVENT_MESSAGES,
    "Chat history of an event (people going or waitlisted, organisers)",
    query=HistoryQuery,
    response=MessagePage,
    errors=(403, 404),
)
async def event_messages(request: web.Request) -> web.Response:
    return await _history(request, RoomKind.event)


async def _read(request: web.Request, kind: RoomKind) -> web.Response:
    body = await parse_body(request, ReadIn)
    room = _room(request, kind)
    async with request.app[DB].transaction() as conn:
        left = await read_markers.mark_read(conn, room, caller(request), body.up_to_id)
    return json_response(UnreadRoom(**room.fields, count=left))


@api.put(
    GROUP_MESSAGES + "/read",
    "Move my read marker in a group's chat; answers what is left unread",
    body=ReadIn,
    response=UnreadRoom,
    errors=(403, 404),
)
async def group_read(request: web.Request) -> web.Response:
    return await _read(request, RoomKind.group)


@api.put(
    EVENT_MESSAGES + "/read",
    "Move my read marker in an event's chat",
    body=ReadIn,
    response=UnreadRoom,
    errors=(403, 404),
)
async def event_read(request: web.Request) -> web.Response:
    return await _read(request, RoomKind.event)


@api.get("/api/v1/chat/unread", "Unread chat messages per room I am in", response=UnreadOut)
async def unread(request: web.Request) -> web.Response:
    async with request.app[DB].reading() as conn:
        counts = await read_markers.unread_counts(conn, caller(request).id)
    items = [UnreadRoom(**room.fields, count=count) for room, count in counts]
    return json_response(UnreadOut(items=items, total=sum(item.count for item in items)))


@api.patch(
    MESSAGE,
    "Edit my message; the change goes live to the room",
    body=MessageEdit,
    response=MessageOut,
    errors=(403, 404, 422),
)
async def edit(request: web.Request) -> web.Response:
    body = await parse_body(request, MessageEdit)
    async with request.app[DB].transaction() as conn:
        message = await service.edit_message(
            conn,
            path_id(request, "message_id"),
            caller(request),
            body.body,
            max_chars=request.app[SETTINGS].chat_max_chars,
        )
    return json_response(MessageOut.of(message))


@api.delete(
    MESSAGE,
    "Delete a message (its author, the group's admins, moderators); goes live",
    status=204,
    errors=(403, 404),
)
async def remove(request: web.Request) -> web.Response:
    async with request.app[DB].transaction() as conn:
        await service.delete_message(conn, path_id(request, "message_id"), caller(request))
    return web.Response(status=204)
