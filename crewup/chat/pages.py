"""The browser's side of chat: history as JSON for the chat panel (static/js/chat.js),
signed in with the session cookie; live messages come over /ws."""

from __future__ import annotations

from aiohttp import web

from crewup.chat.access import Room, RoomKind
from crewup.chat.api import history_page
from crewup.web.caller import caller
from crewup.web.requests import json_response, path_id
from crewup.web.routes import Access, PageRoutes

routes = PageRoutes()


@routes.get(r"/groups/{group_id:\d+}/chat/history", "group_chat_history", Access.signed_in)
async def group_history(request: web.Request) -> web.Response:
    room = Room(RoomKind.group, path_id(request, "group_id"))
    return json_response(await history_page(request, room, caller(request)))


@routes.get(r"/events/{event_id:\d+}/chat/history", "event_chat_history", Access.signed_in)
async def event_history(request: web.Request) -> web.Response:
    room = Room(RoomKind.event, path_id(request, "event_id"))
    return json_response(await history_page(request, room, caller(request)))
