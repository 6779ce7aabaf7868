"""Browser face of events: event page, plan and edit forms. (The buttons
that RSVP or cancel, and ask first when something is lost, are in confirm_pages; the
list of events is in list_page.)"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crewup.core.errors import Forbidden, Refusal
from crewup.core.marks import N_
from crewup.events import participants, service
from crewup.events.access import RsvpStatus, load_event
from crewup.events.appkeys import EVENT_PAGE_PARTS
from crewup.events.calendar_files import event_file
from crewup.events.schemas import EventIn, EventPatch
from crewup.groups.access import load_group_for_managers
from crewup.web.appkeys import DB, SETTINGS
from crewup.web.caller import caller, maybe_caller
from crewup.web.forms import parse_form
from crewup.web.i18n import gettext as _
from crewup.web.pages import redirect, render_page
from crewup.web.requests import path_id
from crewup.web.routes import Access, PageRoutes
from crewup.web.sessions import flash

routes = PageRoutes()
FIELDS = ("title", "description", "location_name", "lat", "lon", "starts_at", "ends_at", "capacity")


def _shape(values: dict[str, str]) -> dict[str, Any]:
    """Form inputs are UTC wall-clock times (datetime-local); empty capacity means none."""
    shaped: dict[str, Any] = dict(values)
    for key in ("starts_at", "ends_at"):
        raw = values.get(key, "").strip()
        if raw and "+" not in raw and not raw.endswith("Z"):
            shaped[key] = raw + "+00:00"
    if not values.get("capacity", "").strip():
        shaped["capacity"] = None
    return shaped


def form_values(event: Any) -> dict[str, str]:
    values = {k: "" if getattr(event, k) is None else str(getattr(event, k)) for k in FIELDS}
    for key in ("starts_at", "ends_at"):
        values[key] = getattr(event, key).strftime("%Y-%m-%dT%H:%M")
    return values


@routes.get(r"/events/{event_id:\d+}", name="event_page")
async def event_page(request: web.Request) -> web.Response:
    actor = maybe_caller(request)
    event_id = path_id(request, "event_id")
    async with request.app[DB].reading() as conn:
        event = await load_event(conn, event_id, actor)
        going = await participants.list_participants(
            conn, event_id, actor, status=RsvpStatus.going, limit=200
        )
        waiting = await participants.list_participants(
            conn, event_id, actor, status=RsvpStatus.waitlisted, limit=200
        )
        context: dict[str, Any] = {"event": event, "going": going.items, "waiting": waiting.items}
        if actor is not None:
            for part in request.app.get(EVENT_PAGE_PARTS, ()):
                context.update(await part(conn, event, actor))
    return await render_page(request, "events/page.html", context)


@routes.get(r"/events/{event_id:\d+}/calendar.ics", name="event_ics")
async def event_calendar_file(request: web.Request) -> web.Response:
    """The event page's "Add to calendar": the API's file, but the caller comes from the
    page session, so members of a private group get it and outsiders a 404."""
    return await event_file(request, maybe_caller(request))


@routes.get(r"/groups/{group_id:\d+}/events/new", name="new_event", access=Access.signed_in)
async def new_event_form(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].reading() as conn:
        group = await load_group_for_managers(conn, path_id(request, "group_id"), actor)
    return await render_page(
        request, "events/form.html", {"group": group, "event": None, "values": {}, "errors": {}}
    )


@routes.post(r"/groups/{group_id:\d+}/events/new", name="create_event")
async def create_event(request: web.Request) -> web.Response:
    actor = caller(request)
    group_id = path_id(request, "group_id")

    def shape(values: dict[str, str]) -> dict[str, Any]:
        return {**_shape(values), "group_id": group_id}

    form = await parse_form(request, EventIn, shape)
    if form.data is not None:
        try:
            async with request.app[DB].transaction() as conn:
                event = await service.create_event(
                    conn,
                    actor,
                    group_id,
                    form.data.model_dump(exclude={"group_id"}),
                    verified_required=request.app[SETTINGS].require_verified_email,
                )
        except Refusal as exc:
            form.fail(exc)
        else:
            redirect(request, "event_page", event_id=event.id)
    async with request.app[DB].reading() as conn:
        group = await load_group_for_managers(conn, group_id, actor)
    return await render_page(
        request,
        "events/form.html",
        {"group": group, "event": None, "values": form.values, "errors": form.errors},
        422,
    )


@routes.get(r"/events/{event_id:\d+}/edit", name="edit_event", access=Access.signed_in)
async def edit_event_form(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].reading() as conn:
        event = await load_event(conn, path_id(request, "event_id"), actor)
    if not event.may_manage:
        redirect(request, "event_page", event_id=event.id)
    return await render_page(
        request,
        "events/form.html",
        {"group": None, "event": event, "values": form_values(event), "errors": {}},
    )


@routes.post(r"/events/{event_id:\d+}/edit", name="save_event")
async def edit_event(request: web.Request) -> web.Response:
    actor = caller(request)
    event_id = path_id(request, "event_id")
    form = await parse_form(request, EventPatch, _shape)
    async with request.app[DB].reading() as conn:
        before = await load_event(conn, event_id, actor)
    if not before.may_manage:
        # Not theirs to edit: the 403 page, not the form again (a black-box trial).
        raise Forbidden(N_("only the group's owner and admins manage its events"))
    if form.data is not None:
        # The form always sends every field; keep the start time if it did not change, so
        # editing an event that has begun does not trip "must start in the future".
        changes = {
            k: v
            for k, v in form.data.changes().items()
            if not (k in ("starts_at", "ends_at") and v == getattr(before, k))
        }
        try:
            async with request.app[DB].transaction() as conn:
                await service.update_event(conn, event_id, actor, changes)
        except Refusal as exc:
            form.fail(exc)
        else:
            await flash(request, _("Event saved."), "success")
            redirect(request, "event_page", event_id=event_id)
    async with request.app[DB].reading() as conn:
        event = await load_event(conn, event_id, actor)
    return await render_page(
        request,
        "events/form.html",
        {"group": None, "event": event, "values": form.values, "errors": form.errors},
        422,
    )
