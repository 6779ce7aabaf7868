"""One event's .ics answer, the same on both faces: the API (Bearer token) and the pages
(session cookie) differ only in how the caller is found."""

from __future__ import annotations

from aiohttp import web

from crewup.core.identity import Actor
from crewup.events import ics
from crewup.events.access import load_event
from crewup.web.appkeys import DB, SETTINGS
from crewup.web.requests import path_id


def calendar_response(body: bytes, filename: str | None = None) -> web.Response:
    headers = {"Cache-Control": "private, max-age=300"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return web.Response(body=body, content_type="text/calendar", charset="utf-8", headers=headers)


async def event_file(request: web.Request, actor: Actor | None) -> web.Response:
    """The event of the path as a calendar file; hidden from `actor` means NotFound."""
    async with request.app[DB].reading() as conn:
        event = await load_event(conn, path_id(request, "event_id"), actor)
    body = ics.render([event], request.app[SETTINGS].effective_public_url, event.title)
    return calendar_response(body, f"crewup-event-{event.id}.ics")
