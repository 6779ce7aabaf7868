"""Browser face of safety alerts: the "raise an alert" form, a page per alert with its
answer buttons (and, for its author and moderators, who answered and the resolve form),
and the banner every page shows while an alert I received is open and unanswered."""

from __future__ import annotations

from typing import Annotated, Any

from aiohttp import web
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.errors import Conflict, Forbidden, NotFound, RateLimited, Refusal
from crewup.core.geo import Point
from crewup.core.identity import Actor
from crewup.events.access import Event
from crewup.groups.access import Group, load_group_content
from crewup.safety import service
from crewup.safety.access import Answer, Severity
from crewup.safety.appkeys import ALERT_LIMIT
from crewup.safety.schemas import AcknowledgeIn, Message, ResolveIn
from crewup.web.appkeys import DB, SETTINGS
from crewup.web.caller import caller
from crewup.web.forms import parse_form
from crewup.web.geo_params import Latitude, Longitude
from crewup.web.i18n import gettext as _
from crewup.web.i18n import ngettext, spoken
from crewup.web.pages import redirect, render_page
from crewup.web.requests import path_id, row_id
from crewup.web.routes import Access, PageRoutes
from crewup.web.schemas import InputModel
from crewup.web.sessions import flash

routes = PageRoutes()
ALERT = r"/safety/alerts/{alert_id:\d+}"


class AlertForm(InputModel):
    """The form's shape of AlertIn: one group (the page it came from) or all of mine."""

    message: Message
    severity: Severity
    lat: Latitude
    lon: Longitude
    group_id: Annotated[int, Field(ge=1, lt=2**31)] | None = None


def _shape(values: dict[str, str]) -> dict[str, Any]:
    shaped: dict[str, Any] = dict(values)
    if not values.get("group_id", "").strip():
        shaped["group_id"] = None
    return shaped


async def banner(conn: AsyncConnection, actor: Actor) -> dict[str, Any]:
    """The layout part (crewup.web.appkeys.LAYOUT_PARTS) behind templates/safety/_banner."""
    return {"safety_alerts": await service.unanswered(conn, actor)}


async def event_part(conn: AsyncConnection, event: Event, actor: Actor) -> dict[str, Any]:
    """The event page part (crewup.events.appkeys.EVENT_PAGE_PARTS): "Raise an alert" for
    whoever may raise one. A member of the event's group alerts that group, as from the
    group's page; anyone else in some group alerts all of theirs (the form says so)."""
    if event.viewer_group_role is not None:
        return {"alert_link": f"/safety/alerts/new?group_id={event.group_id}"}
    if await service.may_raise(conn, actor):
        return {"alert_link": "/safety/alerts/new"}
    return {"alert_link": None}


async def _group_of(request: web.Request, raw: str | None) -> Group | None:
    """The group the form came from, if it is one of mine; otherwise the form offers all."""
    group_id = row_id(raw)
    if group_id is None:
        return None
    try:
        async with request.app[DB].reading() as conn:
            group = await load_group_content(conn, group_id, caller(request))
    except NotFound:
        return None
    return group if group.is_member else None


async def _form(
    request: web.Request,
    group: Group | None,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> web.Response:
    context = {
        "group": group,
        "severities": [s.value for s in Severity],
        "values": values,
        "errors": errors,
    }
    return await render_page(request, "safety/new.html", context, status=status)


@routes.get("/safety/alerts/new", name="new_alert", access=Access.signed_in)
async def new_alert(request: web.Request) -> web.Response:
    group = await _group_of(request, request.query.get("group_id"))
    values = {"severity": Severity.warning.value, "group_id": str(group.id) if group else ""}
    return await _form(request, group, values, {})


@routes.post("/safety/alerts/new", name="raise_alert")
async def raise_alert(request: web.Request) -> web.Response:
    form = await parse_form(request, AlertForm, _shape)
    group = await _group_of(request, form.values.get("group_id"))
    if form.data is None:
        return await _form(request, group, form.values, form.errors, 422)
    data = form.data
    try:
        async with request.app[DB].transaction() as conn:
            alert = await service.raise_alert(
                conn,
                request.app[ALERT_LIMIT],
                caller(request),
                message=data.message,
                severity=data.severity,
                point=Point(data.lat, data.lon),
                group_ids=[data.group_id] if data.group_id else None,
                radius_km=request.app[SETTINGS].safety_alert_radius_km,
            )
    except Refusal as exc:
        form.fail(exc)
        status = 429 if isinstance(exc, RateLimited) else 422
        return await _form(request, group, form.values, form.errors, status)
    reached = alert.recipient_count
    await flash(
        request,
        ngettext("Alert sent to %(num)s person.", "Alert sent to %(num)s people.", reached)
        % {"num": reached},
        "success",
    )
    redirect(request, "alert_page", alert_id=alert.id)


@routes.get(ALERT, name="alert_page", access=Access.signed_in)
async def alert_page(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].reading() as conn:
        found = await service.get_alert(conn, path_id(request, "alert_id"), actor)
    context = {
        "alert": found.alert,
        "acknowledgements": found.acknowledgements,
        "may_manage": found.alert.may_manage(actor),
        "answers": {Answer.ok.value: _("I'm OK"), Answer.on_my_way.value: _("On my way")},
    }
    return await render_page(request, "safety/page.html", context)


@routes.post(ALERT + "/acknowledge", name="acknowledge_alert")
async def acknowledge(request: web.Request) -> web.Response:
    alert_id = path_id(request, "alert_id")
    form = await parse_form(request, AcknowledgeIn)
    if form.data is None:
        await flash(request, _("Choose \u201cI'm OK\u201d or \u201cOn my way\u201d."), "error")
    else:
        try:
            async with request.app[DB].transaction() as conn:
                await service.acknowledge(conn, alert_id, caller(request), form.data.status)
        except (Conflict, Forbidden) as exc:  # the author, or a moderator it did not reach
            await flash(request, spoken(exc.detail), "error")
        else:
            await flash(request, _("Thanks: the author sees your answer."), "success")
    redirect(request, "alert_page", alert_id=alert_id)


@routes.post(ALERT + "/resolve", name="resolve_alert")
async def resolve(request: web.Request) -> web.Response:
    alert_id = path_id(request, "alert_id")
    form = await parse_form(request, ResolveIn)
    if form.data is None:
        await flash(
            request,
            _("Not resolved: %(reason)s") % {"reason": form.errors.get("note", _("invalid note"))},
            "error",
        )
    else:
        try:
            async with request.app[DB].transaction() as conn:
                await service.resolve(conn, alert_id, caller(request), form.data.note)
        except Refusal as exc:
            await flash(request, spoken(exc.detail), "error")
        else:
            await flash(request, _("Alert resolved; everyone who received it is told."), "success")
    redirect(request, "alert_page", alert_id=alert_id)
