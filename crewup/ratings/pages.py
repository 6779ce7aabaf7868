"""Browser face of ratings: the "Rate" forms on an ended event's page."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.errors import Refusal
from crewup.core.identity import Actor
from crewup.events.access import Event
from crewup.ratings import service
from crewup.ratings.schemas import RatingIn
from crewup.web.appkeys import DB
from crewup.web.caller import caller
from crewup.web.i18n import gettext as _
from crewup.web.pages import redirect
from crewup.web.requests import path_id
from crewup.web.routes import PageRoutes
from crewup.web.sessions import check_csrf, flash

routes = PageRoutes()


async def rate_part(conn: AsyncConnection, event: Event, actor: Actor) -> dict[str, Any]:
    """Plugged into the event page: the people the viewer may still rate there."""
    if event.my_status != "going":
        return {}
    return {"rate_candidates": await service.may_still_rate(conn, event.id, actor)}


def _number(raw: object) -> object:
    """Form fields are text; a score or id that is not a whole number stays text, so the
    model refuses it with its usual message."""
    text = str(raw).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else text


@routes.post(r"/events/{event_id:\d+}/ratings", name="rate_button")
async def rate_button(request: web.Request) -> web.Response:
    actor = caller(request)
    form = await request.post()
    await check_csrf(request, form)
    event_id = path_id(request, "event_id")
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
        message = _("Pick a score from 1 to 5 for someone you went with.")
    else:
        try:
            async with request.app[DB].transaction() as conn:
                await service.rate(conn, actor, ratee_id, event_id, body.score, body.comment)
        except Refusal as exc:
            message = exc.detail
        else:
            message = _("Thanks, your rating is saved.")
    await flash(request, message)
    redirect(request, "event_page", event_id=event_id)
