"""Browser face of notifications: the list, the settings (with web push on this browser),
and the one-click unsubscribe a mailed link leads to."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from crewup.auth.appkeys import AUTH
from crewup.notifications import service
from crewup.notifications.api import save_push_subscription
from crewup.notifications.kinds import LABELS, Channels, Kind
from crewup.notifications.schemas import PushEndpointIn
from crewup.web.appkeys import DB
from crewup.web.caller import caller
from crewup.web.form_body import read_form
from crewup.web.i18n import gettext as _
from crewup.web.pages import redirect, render_page
from crewup.web.requests import parse_body
from crewup.web.routes import Access, PageRoutes
from crewup.web.sessions import check_csrf, check_csrf_header, flash

routes = PageRoutes()
SERVICE_WORKER = Path(__file__).resolve().parents[2] / "static" / "js" / "sw.js"
UNSUBSCRIBE_DAYS = 365


@routes.get("/notifications", name="notifications", access=Access.signed_in)
async def notification_list(request: web.Request) -> web.Response:
    cursor = request.query.get("cursor")
    async with request.app[DB].reading() as conn:
        page = await service.list_mine(
            conn, caller(request), unread_only=False, limit=50, cursor=cursor
        )
    more = request.rel_url.update_query(cursor=page.next_cursor) if page.next_cursor else None
    return await render_page(
        request, "notifications/list.html", {"notifications": page.items, "more": more}
    )


@routes.post("/notifications/read", name="read_notifications")
async def read_all(request: web.Request) -> web.Response:
    await check_csrf(request, await read_form(request))
    async with request.app[DB].transaction() as conn:
        await service.mark_read(conn, caller(request), None)
    redirect(request, "notifications")


@routes.get("/settings/notifications", name="notification_settings", access=Access.signed_in)
async def settings_form(request: web.Request) -> web.Response:
    async with request.app[DB].reading() as conn:
        settings = await service.settings_of(conn, caller(request).id)
    rows = [(kind, LABELS[kind], settings[kind]) for kind in Kind]
    return await render_page(request, "notifications/settings.html", {"rows": rows})


@routes.post("/settings/notifications", name="save_notification_settings")
async def save_settings(request: web.Request) -> web.Response:
    form = await read_form(request)
    await check_csrf(request, form)
    chosen = {
        kind: Channels(
            f"{kind.value}.in_app" in form,
            f"{kind.value}.email" in form,
            f"{kind.value}.push" in form,
        )
        for kind in Kind
    }
    async with request.app[DB].transaction() as conn:
        await service.change_settings(conn, caller(request).id, chosen)
    await flash(request, _("Notification settings saved."), "success")
    redirect(request, "notification_settings")


@routes.post("/settings/push-subscriptions", name="subscribe_push")
async def subscribe_push(request: web.Request) -> web.Response:
    """Called by static/js/push.js with the browser's PushSubscription."""
    await check_csrf_header(request)
    await save_push_subscription(request)
    return web.Response(status=201)


@routes.post("/settings/push-subscriptions/remove", name="unsubscribe_push")
async def unsubscribe_push(request: web.Request) -> web.Response:
    await check_csrf_header(request)
    body = await parse_body(request, PushEndpointIn)
    async with request.app[DB].transaction() as conn:
        await service.unsubscribe_push(conn, caller(request).id, str(body.endpoint))
    return web.Response(status=204)


def _unsubscribe_target(request: web.Request, token: str) -> tuple[int, Kind] | None:
    data = request.app[AUTH].signer.read("unsubscribe", token, UNSUBSCRIBE_DAYS * 24 * 3600)
    if not data or not isinstance(data.get("u"), int) or data.get("k") not in Kind.__members__:
        return None
    return data["u"], Kind(data["k"])


@routes.get("/unsubscribe", name="unsubscribe", access=Access.public)
async def unsubscribe_form(request: web.Request) -> web.Response:
    token = request.query.get("token", "")
    target = _unsubscribe_target(request, token)
    context = {"token": token, "label": LABELS[target[1]] if target else None, "done": False}
    return await render_page(
        request, "notifications/unsubscribe.html", context, 200 if target else 400
    )


@routes.post("/unsubscribe", name="unsubscribe_submit", access=Access.public)
async def unsubscribe_submit(request: web.Request) -> web.Response:
    """The signed token is the authority, with no sign-in and no CSRF token: mail clients
    POST here for one-click unsubscribe (RFC 8058), and the token names one person and
    one kind of mail."""
    form = await read_form(request)
    token = str(form.get("token") or request.query.get("token", ""))
    target = _unsubscribe_target(request, token)
    if target is None:
        context = {"token": "", "label": None, "done": False}
        return await render_page(request, "notifications/unsubscribe.html", context, 400)
    async with request.app[DB].transaction() as conn:
        await service.turn_off_email(conn, *target)
    context = {"token": "", "label": LABELS[target[1]], "done": True}
    return await render_page(request, "notifications/unsubscribe.html", context)


@routes.get("/sw.js", name="service_worker", access=Access.public)
async def service_worker(request: web.Request) -> web.FileResponse:
    """Served from the root so its scope is the whole site (push and notification clicks)."""
    return web.FileResponse(
        SERVICE_WORKER, headers={"Content-Type": "text/javascript", "Cache-Control": "no-cache"}
    )
