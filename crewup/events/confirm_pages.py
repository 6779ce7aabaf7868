"""Event buttons that take something away ask first and say what will happen: cancelling
an event (with a reason people will read), and giving up a seat or a waitlist place by
switching to "Interested" or withdrawing."""

from __future__ import annotations

from aiohttp import web

from crewup.core.errors import Refusal
from crewup.events import rsvp, service
from crewup.events.access import Event, RsvpStatus, load_event
from crewup.events.appkeys import FIRST_RSVPS
from crewup.events.schemas import CancelIn
from crewup.web.appkeys import DB
from crewup.web.caller import caller
from crewup.web.form_body import read_form
from crewup.web.forms import parse_form
from crewup.web.i18n import gettext as _
from crewup.web.i18n import spoken
from crewup.web.pages import redirect, render_page
from crewup.web.requests import path_id
from crewup.web.routes import Access, PageRoutes
from crewup.web.sessions import FlashKind, check_csrf, flash

routes = PageRoutes()

# Leaving these (for "interested", or altogether) gives up a seat or a queue place for good.
HOLDS_A_PLACE = ("going", "waitlisted")


async def _cancel_page(
    request: web.Request,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    async with request.app[DB].reading() as conn:
        event = await service.load_event_for_managers(
            conn, path_id(request, "event_id"), caller(request)
        )
    context = {"event": event, "values": values or {}, "errors": errors or {}}
    return await render_page(request, "events/cancel.html", context, status)


@routes.get(r"/events/{event_id:\d+}/cancel", name="confirm_cancel_event", access=Access.signed_in)
async def confirm_cancel(request: web.Request) -> web.Response:
    return await _cancel_page(request)


@routes.post(r"/events/{event_id:\d+}/cancel", name="cancel_event")
async def cancel_event(request: web.Request) -> web.Response:
    event_id = path_id(request, "event_id")
    form = await parse_form(request, CancelIn)
    if form.data is not None:
        try:
            async with request.app[DB].transaction() as conn:
                await service.cancel_event(conn, event_id, caller(request), form.data.reason)
        except Refusal as exc:
            form.fail(exc)
        else:
            await flash(
                request, _("The event is cancelled; everyone who signed up is told why."), "success"
            )
            redirect(request, "event_page", event_id=event_id)
    if "reason" in form.errors and not form.values.get("reason", "").strip():
        form.errors["reason"] = _("Say why, so the people coming know what happened.")
    return await _cancel_page(request, form.values, form.errors, 422)


async def _ask_before_giving_up(request: web.Request, event: Event, wanted: str) -> web.Response:
    context = {"event": event, "wanted": wanted}
    return await render_page(request, "events/confirm_rsvp.html", context)


@routes.post(r"/events/{event_id:\d+}/rsvp", name="rsvp_button")
async def rsvp_button(request: web.Request) -> web.Response:
    """Going, interested or withdraw. Leaving a seat or a waitlist place (for interested,
    or withdrawing) asks first: the place is gone for good, and coming back means the
    end of the queue."""
    actor = caller(request)
    form = await read_form(request)
    await check_csrf(request, form)
    event_id = path_id(request, "event_id")
    db = request.app[DB]
    wanted = str(form.get("status", "going"))
    kind: FlashKind = "success"
    try:
        if wanted in ("withdraw", "interested") and form.get("confirm") != "yes":
            async with db.reading() as conn:
                event = await load_event(conn, event_id, actor)
            if event.my_status in HOLDS_A_PLACE:
                return await _ask_before_giving_up(request, event, wanted)
        if wanted == "withdraw":
            async with db.transaction() as conn:
                await rsvp.cancel_rsvp(conn, event_id, actor)
            message = _("Your RSVP is withdrawn.")
        elif wanted == "interested":
            await request.app[FIRST_RSVPS].rsvp(event_id, actor, RsvpStatus.interested)
            message = _("Noted: interested.")
        else:
            result = await request.app[FIRST_RSVPS].rsvp(event_id, actor, RsvpStatus.going)
            if result.status is RsvpStatus.waitlisted:
                message = _(
                    "The event is full: you are number %(position)s "
                    "on the waitlist and move up automatically."
                ) % {"position": result.waitlist_position}
            else:
                message = _("You're going!")
    except Refusal as exc:
        message, kind = spoken(exc.detail), "error"
    await flash(request, message, kind)
    redirect(request, "event_page", event_id=event_id)
