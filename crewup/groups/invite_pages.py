"""Browser face of invitations and join requests: a group's invite page (by address or by
a shareable link), its requests page, "my invites", and the link's landing page.

Every rule lives in `membership` and `invite_links`; these handlers parse, call, render.
A private group's pages stay a 404 for outsiders because the services load the group the
same way the group page does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.errors import RateLimited, Refusal
from crewup.core.identity import Actor
from crewup.groups import invite_links, membership, rosters
from crewup.groups.access import load_group_for_managers
from crewup.groups.appkeys import INVITE_LIMIT
from crewup.groups.schemas import InviteEmailIn, InviteLinkIn
from crewup.web.appkeys import DB, SETTINGS
from crewup.web.caller import caller, maybe_caller
from crewup.web.form_body import read_form
from crewup.web.forms import parse_form
from crewup.web.i18n import gettext as _
from crewup.web.i18n import spoken
from crewup.web.pages import redirect, render_page
from crewup.web.requests import path_id
from crewup.web.routes import Access, PageRoutes
from crewup.web.sessions import check_csrf, flash, keep_once, take_once

routes = PageRoutes()


def _link_path(request: web.Request, token: str) -> str:
    """The token rides in the query, which the access log never keeps."""
    return str(request.app.router["invite_link"].url_for().with_query(token=token))


def _link_url(request: web.Request, token: str) -> str:
    """The absolute link to share."""
    base = request.app[SETTINGS].effective_public_url.rstrip("/")
    return base + _link_path(request, token)


async def _invite_page(
    request: web.Request,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    new_link: invite_links.NewLink | None = None,
    status: int = 200,
) -> web.Response:
    actor = caller(request)
    group_id = path_id(request, "group_id")
    async with request.app[DB].reading() as conn:
        group = await load_group_for_managers(conn, group_id, actor)
        links = await invite_links.live_links(conn, group_id, actor)
        invited = await invite_links.pending_invites(conn, group_id, actor)
    context: dict[str, Any] = {
        "group": group,
        "links": links,
        "invited": invited,
        "values": values or {"lifetime": invite_links.DEFAULT_LIFETIME},
        "errors": errors or {},
        "lifetimes": list(invite_links.LINK_LIFETIMES),
        "new_link": new_link,
        "new_link_url": _link_url(request, new_link.token) if new_link else None,
    }
    return await render_page(request, "groups/invite.html", context, status)


async def invites_badge(conn: AsyncConnection, actor: Actor) -> dict[str, Any]:
    """The layout part (crewup.web.appkeys.LAYOUT_PARTS) behind the nav's invites count."""
    return {"invite_count": await invite_links.count_my_invites(conn, actor)}


@routes.get(r"/groups/{group_id:\d+}/invite", name="invite_people", access=Access.signed_in)
async def invite_form(request: web.Request) -> web.Response:
    return await _invite_page(request, new_link=_new_link_of(request))


def _new_link_of(request: web.Request) -> invite_links.NewLink | None:
    """The link made just before the redirect here, shown once (see create_invite_link)."""
    handed = take_once(request) or {}
    made = handed.get("invite_link")
    if not isinstance(made, dict) or made.get("group_id") != path_id(request, "group_id"):
        return None
    try:
        expires_at = datetime.fromisoformat(str(made["expires_at"]))
    except (KeyError, ValueError):
        return None
    return invite_links.NewLink(token=str(made.get("token", "")), expires_at=expires_at)


@routes.post(r"/groups/{group_id:\d+}/invite", name="invite_by_email")
async def invite_by_email(request: web.Request) -> web.Response:
    group_id = path_id(request, "group_id")
    form = await parse_form(request, InviteEmailIn)
    if form.data is not None:
        try:
            async with request.app[DB].transaction() as conn:
                name = await invite_links.invite_by_email(
                    conn, request.app[INVITE_LIMIT], group_id, caller(request), form.data.email
                )
        except RateLimited:
            raise  # the 429 page, with Retry-After
        except Refusal as exc:
            form.fail(exc)
        else:
            await flash(
                request,
                _("%(name)s is invited and will find it under their invites.") % {"name": name},
                "success",
            )
            redirect(request, "invite_people", group_id=group_id)
    return await _invite_page(request, values=form.values, errors=form.errors, status=422)


@routes.post(r"/groups/{group_id:\d+}/invite-links", name="create_invite_link")
async def create_invite_link(request: web.Request) -> web.Response:
    group_id = path_id(request, "group_id")
    form = await parse_form(request, InviteLinkIn)
    if form.data is None:
        return await _invite_page(request, values=form.values, errors=form.errors, status=422)
    lifetime = invite_links.LINK_LIFETIMES[form.data.lifetime]
    async with request.app[DB].transaction() as conn:
        made = await invite_links.create_link(conn, group_id, caller(request), lifetime)
    # The token exists only now and is never stored in clear: it crosses the redirect in
    # a sealed, short-lived cookie, so reloading the page shows it no more and makes no
    # second link (Post/Redirect/Get).
    keep_once(
        request,
        {
            "invite_link": {
                "group_id": group_id,
                "token": made.token,
                "expires_at": clock.isoformat(made.expires_at),
            }
        },
    )
    await flash(
        request, _("Your new link is ready: copy it now, it is shown only once."), "success"
    )
    redirect(request, "invite_people", group_id=group_id)


@routes.post(r"/groups/{group_id:\d+}/invite-links/{link_id:\d+}/revoke", name="revoke_invite_link")
async def revoke_invite_link(request: web.Request) -> web.Response:
    await check_csrf(request, await read_form(request))
    group_id = path_id(request, "group_id")
    async with request.app[DB].transaction() as conn:
        await invite_links.revoke_link(conn, group_id, caller(request), path_id(request, "link_id"))
    await flash(request, _("The link no longer works."), "success")
    redirect(request, "invite_people", group_id=group_id)


@routes.post(r"/groups/{group_id:\d+}/invites/{user_id:\d+}/withdraw", name="withdraw_invite")
async def withdraw_invite(request: web.Request) -> web.Response:
    await check_csrf(request, await read_form(request))
    group_id = path_id(request, "group_id")
    async with request.app[DB].transaction() as conn:
        await membership.withdraw_invite(
            conn, group_id, caller(request), path_id(request, "user_id")
        )
    await flash(request, _("Invitation withdrawn."), "success")
    redirect(request, "invite_people", group_id=group_id)


@routes.get(r"/groups/{group_id:\d+}/requests", name="group_requests", access=Access.signed_in)
async def requests_page(request: web.Request) -> web.Response:
    actor = caller(request)
    group_id = path_id(request, "group_id")
    async with request.app[DB].reading() as conn:
        group = await load_group_for_managers(conn, group_id, actor)
        waiting = await rosters.list_requests(conn, group_id, actor, limit=100)
    return await render_page(
        request, "groups/requests.html", {"group": group, "requests": waiting.items}
    )


@routes.get("/invites", name="my_invites", access=Access.signed_in)
async def my_invites(request: web.Request) -> web.Response:
    async with request.app[DB].reading() as conn:
        invited = await membership.my_invites(conn, caller(request))
    return await render_page(request, "groups/invites.html", {"groups": invited})


@routes.post(r"/invites/{group_id:\d+}/decline", name="decline_invite")
async def decline_invite(request: web.Request) -> web.Response:
    await check_csrf(request, await read_form(request))
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        await membership.withdraw_invite(conn, path_id(request, "group_id"), actor, actor.id)
    await flash(request, _("Invitation declined."), "success")
    redirect(request, "my_invites")


@routes.get("/invite", name="invite_link")
async def invite_link(request: web.Request) -> web.Response:
    """The shared link. Looking is harmless (a link preview may fetch it); joining takes a
    signed-in person pressing the button."""
    token = request.query.get("token", "")
    async with request.app[DB].reading() as conn:
        seen = await invite_links.view_link(conn, token, maybe_caller(request))
    context = {"link": seen, "token": token, "here": _link_path(request, token)}
    return await render_page(request, "groups/invite_link.html", context)


@routes.post("/invite", name="redeem_invite_link")
async def redeem_invite_link(request: web.Request) -> web.Response:
    form = await read_form(request)
    await check_csrf(request, form)
    token = str(form.get("token", ""))
    try:
        async with request.app[DB].transaction() as conn:
            group_id = await invite_links.redeem_link(conn, token, caller(request))
    except Refusal as exc:
        if exc.status == 410:
            raise  # a spent or expired link: the error page says so
        await flash(request, spoken(exc.detail), "error")
        raise web.HTTPSeeOther(_link_path(request, token)) from None
    await flash(request, _("Welcome aboard!"), "success")
    redirect(request, "group_page", group_id=group_id)
