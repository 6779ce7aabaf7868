"""Seams of the events domain that higher domains plug into, as typed app keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.identity import Actor
from crewup.events.access import Event
from crewup.events.first_rsvp_queue import FirstRsvps

# More for the event page from domains above events (ratings: whom I may still rate),
# without events importing them: each part answers extra template context.
EventPagePart = Callable[[AsyncConnection, Event, Actor], Awaitable[dict[str, Any]]]
EVENT_PAGE_PARTS = web.AppKey[list[EventPagePart]]("event_page_parts")

# The RSVP button of every face (first RSVPs to an event decided together).
FIRST_RSVPS = web.AppKey[FirstRsvps]("first_rsvps")
