"""Browser face of an event's cover: the upload form sits on the event's edit page."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.identity import Actor
from crewup.core.images import ImageKind
from crewup.events import service
from crewup.events.access import Event
from crewup.events.pages import form_values
from crewup.web.appkeys import DB
from crewup.web.caller import caller
from crewup.web.i18n import gettext as _
from crewup.web.i18n import spoken
from crewup.web.pages import redirect, render_page
from crewup.web.requests import path_id
from crewup.web.routes import PageRoutes
from crewup.web.sessions import flash
from crewup.web.uploads import Swap, drop_image_from_form, put_image_from_form

routes = PageRoutes()


def _swap(event_id: int, actor: Actor) -> Swap[Event]:
    async def swap(conn: AsyncConnection, key: str | None) -> Event:
        return await service.set_cover(conn, event_id, actor, key)

    return swap


@routes.post(r"/events/{event_id:\d+}/cover", name="save_event_cover")
async def save_cover(request: web.Request) -> web.Response:
    actor = caller(request)
    event_id = path_id(request, "event_id")
    # Outsiders 404, people who may not change it 403, before any upload work.
    async with request.app[DB].reading() as conn:
        event = await service.load_event_for_managers(conn, event_id, actor)
    refused = await put_image_from_form(
        request, ImageKind.cover, f"event:{event_id}", _swap(event_id, actor)
    )
    if refused is None:
        await flash(request, _("Cover saved."), "success")
        redirect(request, "event_page", event_id=event_id)
    context = {
        "group": None,
        "event": event,
        "values": form_values(event),
        "errors": {"image": spoken(refused.detail)},
    }
    return await render_page(request, "events/form.html", context, refused.status)


@routes.post(r"/events/{event_id:\d+}/cover/remove", name="remove_event_cover")
async def remove_cover(request: web.Request) -> web.Response:
    event_id = path_id(request, "event_id")
    await drop_image_from_form(request, _swap(event_id, caller(request)))
    await flash(request, _("Cover removed."), "success")
    redirect(request, "event_page", event_id=event_id)
