"""REST face of events, RSVPs and calendars."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web

from crewup.core import clock
from crewup.core.errors import Invalid, NotFound
from crewup.core.identity import Actor
from crewup.events import ics, rsvp, service
from crewup.events import participants as participants_of
from crewup.events.access import RsvpStatus, load_event, load_event_with_caller
from crewup.events.appkeys import FIRST_RSVPS
from crewup.events.calendar_files import calendar_response, event_file
from crewup.events.schemas import (
    CalendarQuery,
    CancelIn,
    EventIn,
    EventList,
    EventOut,
    EventPage,
    EventPatch,
    EventQuery,
    FeedOut,
    ParticipantQuery,
    ParticipantsOut,
    RsvpIn,
    RsvpOut,
    event_json,
    participant_json,
)
from crewup.users.service import load_actor
from crewup.web.appkeys import ANSWER_CACHE, DB, SETTINGS
from crewup.web.caller import (
    accept_caller,
    caller,
    check_caller,
    maybe_caller,
    maybe_caller_id,
)
from crewup.web.requests import json_bytes, json_response, parse_body, parse_query, path_id
from crewup.web.routes import Access, ApiRoutes

api = ApiRoutes("events")
EVENT = r"/api/v1/events/{event_id:\d+}"
FEED_WINDOW_DAYS = (30, 400)


@api.get(
    "/api/v1/events",
    "Upcoming events I can see: nearest first with near=, otherwise soonest first",
    query=EventQuery,
    response=EventPage,
    access=Access.optional,
)
async def list_events(request: web.Request) -> web.Response:
    actor = maybe_caller(request)
    if actor is None:
        # Everyone asking anonymously gets the same answer, so a recent one may be reused.
        body = await request.app[ANSWER_CACHE].answer(
            request.raw_path, lambda: _event_page(request, None)
        )
    else:
        body = await _event_page(request, actor)
    return web.Response(body=body, content_type="application/json", charset="utf-8")


async def _event_page(request: web.Request, actor: Actor | None) -> bytes:
    query = parse_query(request, EventQuery)
    if query.near is None and "radius_km" in request.query:
        raise Invalid("radius_km needs near=lat,lon")
    filters = query.filters()
    db = request.app[DB]
    async with db.quick() if service.is_plain_nearby(filters) else db.reading() as conn:
        page = await service.list_events(
            conn, actor, filters, limit=query.limit, cursor=query.cursor
        )
    return json_bytes(
        {"items": [event_json(e) for e in page.items], "next_cursor": page.next_cursor}
    )


@api.post(
    "/api/v1/events",
    "Plan an event in a group (owner or admin)",
    body=EventIn,
    response=EventOut,
    status=201,
    errors=(403, 404),
)
async def create_event(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, EventIn)
    async with request.app[DB].transaction() as conn:
        event = await service.create_event(
            conn,
            actor,
            body.group_id,
            body.model_dump(exclude={"group_id"}),
            verified_required=request.app[SETTINGS].require_verified_email,
        )
    return json_response(EventOut.of(event), status=201)


@api.get(
    EVENT,
    "One event, with my RSVP",
    response=EventOut,
    access=Access.optional,
    caller_read_by_handler=True,
    errors=(404,),
)
async def get_event(request: web.Request) -> web.Response:
    caller_id = maybe_caller_id(request)
    try:
        event_id = path_id(request, "event_id")
    except NotFound:  # the caller is checked first, as on every route
        await check_caller(request)
        raise
    async with request.app[DB].quick() as conn:
        if caller_id is None:
            event = await load_event(conn, event_id, None)
        else:  # the caller's account and the event in one read
            actor, seen = await load_event_with_caller(conn, event_id, caller_id)
            accept_caller(request, actor)
            if seen is None:
                raise NotFound(f"event {event_id} not found")
            event = seen
    return json_response(event_json(event))


@api.patch(
    EVENT,
    "Edit an event; more capacity seats the waitlist",
    body=EventPatch,
    response=EventOut,
    errors=(403, 404, 409),
)
async def patch_event(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, EventPatch)
    async with request.app[DB].transaction() as conn:
        event = await service.update_event(
            conn, path_id(request, "event_id"), actor, body.changes()
        )
    return json_response(EventOut.of(event))


@api.delete(
    EVENT,
    "Delete an event (owner or admin); cancel it instead to tell people",
    status=204,
    errors=(403, 404),
)
async def delete_event(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        await service.delete_event(conn, path_id(request, "event_id"), actor)
    return web.Response(status=204)


@api.post(
    EVENT + "/cancel",
    "Cancel an event with a reason",
    body=CancelIn,
    response=EventOut,
    errors=(403, 404, 409),
)
async def cancel_event(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, CancelIn)
    async with request.app[DB].transaction() as conn:
        event = await service.cancel_event(conn, path_id(request, "event_id"), actor, body.reason)
    return json_response(EventOut.of(event))


@api.post(
    EVENT + "/rsvp",
    "RSVP: going takes a seat or joins the waitlist; interested never takes one",
    body=RsvpIn,
    response=RsvpOut,
    errors=(404, 409),
)
async def post_rsvp(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, RsvpIn)
    result = await request.app[FIRST_RSVPS].rsvp(
        path_id(request, "event_id"), actor, RsvpStatus(body.status)
    )
    return json_response(RsvpOut.of(result))


@api.delete(
    EVENT + "/rsvp",
    "Withdraw my RSVP; the first waitlisted person moves up",
    status=204,
    errors=(404, 409),
)
async def delete_rsvp(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        await rsvp.cancel_rsvp(conn, path_id(request, "event_id"), actor)
    return web.Response(status=204)


@api.get(
    EVENT + "/participants",
    "Going, waitlisted (in order) and interested",
    query=ParticipantQuery,
    response=ParticipantsOut,
    access=Access.optional,
    errors=(404,),
)
async def participants(request: web.Request) -> web.Response:
    actor = maybe_caller(request)
    query = parse_query(request, ParticipantQuery)
    wanted = [RsvpStatus(query.status)] if query.status else list(RsvpStatus)
    if query.cursor and not query.status:
        raise Invalid("cursor needs status= (the list it continues)")
    event_id = path_id(request, "event_id")
    async with request.app[DB].quick() as conn:
        if len(wanted) > 1:  # every list's first page, in two statements
            found = await participants_of.first_pages(conn, event_id, actor, limit=query.limit)
        else:
            found = {
                wanted[0]: await participants_of.list_participants(
                    conn,
                    event_id,
                    actor,
                    status=wanted[0],
                    limit=query.limit,
                    cursor=query.cursor,
                )
            }
    pages: dict[str, Any] = {s.value: {"items": [], "next_cursor": None} for s in RsvpStatus}
    for status, page in found.items():
        pages[status.value] = {
            "items": [participant_json(p) for p in page.items],
            "next_cursor": page.next_cursor,
        }
    return json_response(pages)


@api.get(
    "/api/v1/calendar",
    "My events (going, waitlisted, interested) in a range",
    query=CalendarQuery,
    response=EventList,
)
async def my_calendar(request: web.Request) -> web.Response:
    actor = caller(request)
    query = parse_query(request, CalendarQuery)
    async with request.app[DB].reading() as conn:
        found = await service.my_calendar(conn, actor, query.starts_from, query.starts_to)
    return json_response(EventList(items=[EventOut.of(e) for e in found]))


@api.get(
    EVENT + "/ics",
    "The event as an iCalendar file",
    access=Access.optional,
    errors=(404,),
    content_type="text/calendar",
)
async def event_ics(request: web.Request) -> web.Response:
    return await event_file(request, maybe_caller(request))


@api.get(
    "/api/v1/calendar.ics",
    "My subscribable feed; authenticated by its token",
    access=Access.public,
    errors=(404,),
    content_type="text/calendar",
)
async def calendar_feed(request: web.Request) -> web.Response:
    token = request.query.get("token", "")
    async with request.app[DB].reading() as conn:
        user_id = await ics.feed_owner(conn, token) if token else None
        actor = await load_actor(conn, user_id) if user_id is not None else None
        if actor is None or actor.banned:
            raise NotFound("no calendar feed with this token; create a new link")
        now = clock.now()
        found = await service.my_calendar(
            conn, actor, now - timedelta(FEED_WINDOW_DAYS[0]), now + timedelta(FEED_WINDOW_DAYS[1])
        )
    body = ics.render(found, request.app[SETTINGS].effective_public_url, "CrewUp")
    return calendar_response(body)


@api.post(
    "/api/v1/calendar/feed",
    "Create (or replace) my secret calendar feed link",
    response=FeedOut,
    status=201,
)
async def create_feed(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        token = await ics.issue_feed_token(conn, actor.id)
    url = f"{request.app[SETTINGS].effective_public_url}/api/v1/calendar.ics?token={token}"
    return json_response(FeedOut(url=url, token=token), status=201)


@api.delete("/api/v1/calendar/feed", "Revoke my calendar feed link", status=204)
async def revoke_feed(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        await ics.revoke_feed_token(conn, actor.id)
    return web.Response(status=204)
