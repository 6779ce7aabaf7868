"""REST face of notifications, preferences and push subscriptions."""

from __future__ import annotations

from aiohttp import web

from crewup.notifications import service
from crewup.notifications.appkeys import PUSHER
from crewup.notifications.schemas import (
    CountOut,
    NotificationOut,
    NotificationPage,
    NotificationQuery,
    PushEndpointIn,
    PushSubscriptionIn,
    ReadIn,
    SettingsIO,
    VapidKeyOut,
)
from crewup.web.api_locale import use_accept_language, varies
from crewup.web.appkeys import DB, SETTINGS
from crewup.web.caller import caller
from crewup.web.requests import json_response, parse_body, parse_query
from crewup.web.routes import Access, ApiRoutes

api = ApiRoutes("notifications")


@api.get(
    "/api/v1/notifications",
    "My notifications, newest first (unread=true: only unread ones)",
    query=NotificationQuery,
    response=NotificationPage,
)
async def list_notifications(request: web.Request) -> web.Response:
    query = parse_query(request, NotificationQuery)
    use_accept_language(request)  # each `text` in the caller's language
    async with request.app[DB].reading() as conn:
        page = await service.list_mine(
            conn, caller(request), unread_only=query.unread, limit=query.limit, cursor=query.cursor
        )
    items = [NotificationOut.of(n) for n in page.items]
    return varies(json_response(NotificationPage(items=items, next_cursor=page.next_cursor)))


@api.post(
    "/api/v1/notifications/read",
    "Mark some of my notifications (ids) or all of them (all: true) read",
    body=ReadIn,
    status=204,
)
async def mark_read(request: web.Request) -> web.Response:
    body = await parse_body(request, ReadIn)
    async with request.app[DB].transaction() as conn:
        await service.mark_read(conn, caller(request), None if body.all else body.ids)
    return web.Response(status=204)


@api.get("/api/v1/notifications/unread-count", "How many are unread", response=CountOut)
async def unread_count(request: web.Request) -> web.Response:
    async with request.app[DB].reading() as conn:
        count = await service.unread_count(conn, caller(request).id)
    return json_response(CountOut(count=count))


@api.get(
    "/api/v1/users/me/notification-settings",
    "Per kind: in the app, by e-mail, by push",
    response=SettingsIO,
)
async def get_settings(request: web.Request) -> web.Response:
    async with request.app[DB].reading() as conn:
        settings = await service.settings_of(conn, caller(request).id)
    return json_response(SettingsIO.of(settings))


@api.put(
    "/api/v1/users/me/notification-settings",
    "Change some kinds' switches; the others stay",
    body=SettingsIO,
    response=SettingsIO,
)
async def put_settings(request: web.Request) -> web.Response:
    body = await parse_body(request, SettingsIO)
    async with request.app[DB].transaction() as conn:
        settings = await service.change_settings(conn, caller(request).id, body.changes())
    return json_response(SettingsIO.of(settings))


@api.post(
    "/api/v1/users/me/push-subscriptions",
    "Receive web push on this browser (its PushSubscription as JSON)",
    body=PushSubscriptionIn,
    status=201,
)
async def subscribe(request: web.Request) -> web.Response:
    await save_push_subscription(request)
    return web.Response(status=201)


async def save_push_subscription(request: web.Request) -> None:
    """The API's and the pages' way in (the pages check their CSRF header first)."""
    body = await parse_body(request, PushSubscriptionIn)
    async with request.app[DB].transaction() as conn:
        await service.subscribe_push(
            conn,
            caller(request).id,
            str(body.endpoint),
            body.keys.p256dh,
            body.keys.auth,
            allow_insecure=request.app[SETTINGS].push_allow_insecure_endpoints,
        )


@api.delete(
    "/api/v1/users/me/push-subscriptions",
    "Stop web push on a browser (its endpoint)",
    body=PushEndpointIn,
    status=204,
)
async def unsubscribe(request: web.Request) -> web.Response:
    body = await parse_body(request, PushEndpointIn)
    async with request.app[DB].transaction() as conn:
        await service.unsubscribe_push(conn, caller(request).id, str(body.endpoint))
    return web.Response(status=204)


@api.get(
    "/api/v1/push/vapid-key",
    "The key browsers subscribe to web push with",
    response=VapidKeyOut,
    access=Access.public,
)
async def vapid_key(request: web.Request) -> web.Response:
    return json_response(VapidKeyOut(public_key=request.app[PUSHER].public_key))
