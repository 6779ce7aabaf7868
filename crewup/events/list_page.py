"""The events page: upcoming events by day, filtered by days in the reader's zone, by
place and words, and to my own events; one page of the list is one statement."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiohttp import web

from crewup.core import clock, geo
from crewup.core.days import UTC_ZONE, Span, by_day, parse_zone, span_window
from crewup.core.errors import Refusal
from crewup.events import service
from crewup.events.access import Event
from crewup.events.schemas import EventsPageQuery
from crewup.users.service import get_account
from crewup.web.appkeys import DB
from crewup.web.caller import maybe_caller
from crewup.web.i18n import N_, spoken
from crewup.web.i18n import gettext as _
from crewup.web.pages import render_page
from crewup.web.routes import PageRoutes

routes = PageRoutes()
SPANS = (
    ("", N_("Any day")),
    (Span.today.value, N_("Today")),
    (Span.weekend.value, N_("This weekend")),
    (Span.week.value, N_("This week")),
    (Span.range.value, N_("Between dates")),
)


@routes.get("/events", name="events")
async def events_list(request: web.Request) -> web.Response:
    actor = maybe_caller(request)
    raw = {k: v for k, v in request.query.items() if v.strip()}
    errors: dict[str, str] = {}
    try:
        query = EventsPageQuery.model_validate(raw)
    except ValueError:
        errors["form"] = _("some filters are not valid; showing all upcoming events")
        query = EventsPageQuery()
    zone = parse_zone(query.tz) or UTC_ZONE
    now = clock.now()
    starts_from, starts_to = (
        span_window(query.when, now, zone, query.first_day, query.last_day)
        if query.when
        else (None, None)
    )
    filters = service.EventFilter(
        near=query.near,
        radius_km=query.radius_km,
        starts_from=starts_from,
        starts_to=starts_to,
        q=query.q,
        group_id=query.group_id,
        mine=query.mine and actor is not None,
        soonest_first=True,  # the page reads by day; `near` only limits the area
    )
    found: list[Event] = []
    more = None
    async with request.app[DB].reading() as conn:
        if query.near is None and actor is not None and not query.mine:
            me = await get_account(conn, actor.id)
            if me.home_lat is not None and me.home_lon is not None:
                raw["near"] = f"{me.home_lat},{me.home_lon}"
                filters = replace(filters, near=geo.Point(me.home_lat, me.home_lon))
        try:
            page = await service.list_events(conn, actor, filters, limit=20, cursor=query.cursor)
        except Refusal as exc:
            errors["form"] = spoken(exc.detail)
        else:
            found = page.items
            if page.next_cursor:
                more = request.rel_url.update_query(cursor=page.next_cursor)
    context: dict[str, Any] = {
        "days": by_day(found, lambda e: e.starts_at, zone, now),
        "events": found,
        "values": raw,
        "when": query.when.value if query.when else "",
        "spans": SPANS,
        "zone": zone,
        "mine": filters.mine,
        "errors": errors,
        "more": more,
    }
    return await render_page(request, "events/list.html", context)
