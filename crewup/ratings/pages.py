"""Browser face of ratings: the "Rate" forms on an ended event's page and on a person's
page (with "edit your rating"), and the ratings listed on that page."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.errors import Refusal
from crewup.core.identity import Actor
from crewup.events.access import Event
from crewup.ratings import offers, service
from crewup.ratings.schemas import RatingIn, RatingPatch
from crewup.web.appkeys import DB
from crewup.web.caller import caller
from crewup.web.form_body import read_form
from crewup.web.i18n import gettext as _
from crewup.web.i18n import spoken
from crewup.web.pages import redirect
from crewup.web.requests import path_id
from crewup.web.routes import PageRoutes
from crewup.web.sessions import FlashKind, check_csrf, flash

routes = PageRoutes()


async def rate_part(conn: AsyncConnection, event: Event, actor: Actor) -> dict[str, Any]:
    """Plugged into the event page: the people the viewer may still rate there."""
    if event.my_status != "going":
        return {}
    return {"rate_candidates": await service.may_still_rate(conn, event.id, actor)}


async def profile_part(conn: AsyncConnection, user_id: int, actor: Actor) -> dict[str, Any]:
    """Plugged into a person's page: what they were told (only from events the viewer can
    see, as the API lists them) and the viewer's rate and edit forms for them."""
    told = await service.list_ratings(conn, user_id, actor, limit=20)
    return {
        "ratings_received": told.items,
        "rate_offers": await offers.rateable_together(conn, actor, user_id),
    }


def _number(raw: object) -> object:
    """Form fields are text; a score or id that is not a whole number stays text, so the
    model refuses it with its usual message."""
    text = str(raw).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else text


@routes.post(r"/events/{event_id:\d+}/ratings", name="rate_button")
async def rate_button(request: web.Request) -> web.Response:
    actor = caller(request)
    form = await read_form(request)
    await check_csrf(request, form)
    event_id = path_id(request, "event_id")
    ratee_id: object = None
    kind: FlashKind
    try:
        body = RatingIn.model_validate(
            {
                "score": _number(form.get("score", "")),
                "comment": str(form.get("comment", "")),
                "event_id": event_id,
            }
        )
        ratee_id = _number(form.get("user_id", ""))
        if not isinstance(ratee_id, int) or not 0 < ratee_id < 2**31:
            raise ValueError("no such person")
    except (ValidationError, ValueError):
        message, kind = _("Pick a score from 1 to 5 for someone you went with."), "error"
    else:
        try:
            async with request.app[DB].transaction() as conn:
                await service.rate(conn, actor, ratee_id, event_id, body.score, body.comment)
        except Refusal as exc:
            message, kind = spoken(exc.detail), "error"
        else:
            message, kind = _("Thanks, your rating is saved."), "success"
    await flash(request, message, kind)
    if form.get("back") == "user" and isinstance(ratee_id, int):
        redirect(request, "user_page", user_id=ratee_id)
    redirect(request, "event_page", event_id=event_id)


@routes.post(r"/users/{user_id:\d+}/ratings/{event_id:\d+}", name="edit_rating_form")
async def edit_rating_form(request: web.Request) -> web.Response:
    """ "Edit your rating" on a person's page: the same rules as PATCH on the API."""
    actor = caller(request)
    form = await read_form(request)
    await check_csrf(request, form)
    user_id, event_id = path_id(request, "user_id"), path_id(request, "event_id")
    kind: FlashKind
    try:
        body = RatingPatch.model_validate(
            {"score": _number(form.get("score", "")), "comment": str(form.get("comment", ""))}
        )
    except ValidationError:
        message, kind = _("Pick a score from 1 to 5."), "error"
    else:
        try:
            async with request.app[DB].transaction() as conn:
                await service.edit_rating(conn, actor, user_id, event_id, body.changes())
        except Refusal as exc:
            message, kind = spoken(exc.detail), "error"
        else:
            message, kind = _("Your rating is changed."), "success"
    await flash(request, message, kind)
    redirect(request, "user_page", user_id=user_id)
