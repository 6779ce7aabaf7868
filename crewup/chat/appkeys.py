"""Typed keys for chat's app resources."""

from __future__ import annotations

from aiohttp import web

from crewup.chat.room_posts import RoomPosts

ROOM_POSTS = web.AppKey("chat_room_posts", RoomPosts)
