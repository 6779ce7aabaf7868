"""Seams of the users domain that higher domains plug into, as typed app keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.identity import Actor

# More for a person's page (the user's id, the viewer) from domains above users (ratings:
# what they were told and the viewer's rate forms), without users importing them.
ProfilePagePart = Callable[[AsyncConnection, int, Actor], Awaitable[dict[str, Any]]]
PROFILE_PAGE_PARTS = web.AppKey[list[ProfilePagePart]]("profile_page_parts")
