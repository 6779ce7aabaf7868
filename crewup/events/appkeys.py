"""Seams of the events domain that higher domains plug into, as typed app keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.identity import Actor
from crewup.events.access import Event

# More for the event page from domains above events (ratings: whom I may still rate),
# without events importing them: each part answers extra template context.
EventPagePart = Callable[[AsyncConnection, Event, Actor], Awaitable[dict[str, Any]]]
EVENT_PAGE_PARTS = web.AppKey[list[EventPagePart]]("event_page_parts")
