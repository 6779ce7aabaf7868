"""REST face of safety alerts: raise, list, read, acknowledge, resolve."""

from __future__ import annotations

from aiohttp import web

from crewup.core.geo import Point
from crewup.safety import service
from crewup.safety.appkeys import ALERT_LIMIT
from crewup.safety.schemas import AcknowledgeIn, AlertIn, AlertOut, AlertPage, AlertQuery, ResolveIn
from crewup.web.appkeys import DB, SETTINGS
from crewup.web.caller import caller
from crewup.web.requests import json_response, parse_body, parse_query, path_id
from crewup.web.routes import ApiRoutes

api = ApiRoutes("safety")
ALERTS = "/api/v1/safety/alerts"
ALERT = ALERTS + r"/{alert_id:\d+}"


@api.post(
    ALERTS,
    "Raise a safety alert: to my groups (or the named ones) and people going to events "
    "near the point that are on now or start within the hour",
    body=AlertIn,
    response=AlertOut,
    status=201,
    errors=(403, 404, 422, 429),
)
async def raise_alert(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, AlertIn)
    async with request.app[DB].transaction() as conn:
        alert = await service.raise_alert(
            conn,
            request.app[ALERT_LIMIT],
            actor,
            message=body.message,
            severity=body.severity,
            point=Point(body.lat, body.lon),
            group_ids=body.group_ids,
            radius_km=request.app[SETTINGS].safety_alert_radius_km,
        )
    return json_response(AlertOut.of(alert, actor.id), status=201)


@api.get(
    ALERTS,
    "The alerts I raised or received, newest first (`active=true`: open ones only)",
    query=AlertQuery,
    response=AlertPage,
    errors=(400,),
)
async def list_alerts(request: web.Request) -> web.Response:
    actor = caller(request)
    query = parse_query(request, AlertQuery)
    async with request.app[DB].reading() as conn:
        page = await service.list_alerts(
            conn, actor, active=query.active, limit=query.limit, cursor=query.cursor
        )
    items = [AlertOut.of(alert, actor.id) for alert in page.items]
    return json_response(AlertPage(items=items, next_cursor=page.next_cursor))


@api.get(
    ALERT,
    "One alert (its recipients, author and moderators); who acknowledged it is shown to "
    "the author and moderators",
    response=AlertOut,
    errors=(404,),
)
async def get_alert(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].reading() as conn:
        found = await service.get_alert(conn, path_id(request, "alert_id"), actor)
    return json_response(AlertOut.detail(found, actor.id))


@api.post(
    ALERT + "/acknowledge",
    "Answer an alert I received: ok or on_my_way (again to change it)",
    body=AcknowledgeIn,
    response=AlertOut,
    errors=(404, 422),
)
async def acknowledge(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, AcknowledgeIn)
    async with request.app[DB].transaction() as conn:
        alert = await service.acknowledge(conn, path_id(request, "alert_id"), actor, body.status)
    return json_response(AlertOut.of(alert, actor.id))


@api.post(
    ALERT + "/resolve",
    "Resolve an alert (its author or a moderator); the recipients hear of it live",
    body=ResolveIn,
    response=AlertOut,
    errors=(403, 404, 409, 422),
)
async def resolve(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, ResolveIn)
    async with request.app[DB].transaction() as conn:
        alert = await service.resolve(conn, path_id(request, "alert_id"), actor, body.note)
    return json_response(AlertOut.of(alert, actor.id))
