"""The account page: password, calendar feed link and deleting the account.

It brings auth (passwords, sessions), events (the feed) and users (erasure) together, so it
lives above the domains; each action is the same service call as its API route.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crewup.auth import web_flows
from crewup.auth.schemas import PasswordChangeIn
from crewup.core.errors import Refusal
from crewup.events import ics
from crewup.users import service as users
from crewup.web.appkeys import DB, SETTINGS
from crewup.web.caller import caller
from crewup.web.form_body import read_form
from crewup.web.forms import parse_form
from crewup.web.i18n import gettext as _
from crewup.web.i18n import spoken
from crewup.web.pages import redirect, render_page
from crewup.web.routes import Access, PageRoutes
from crewup.web.schemas import InputModel
from crewup.web.sessions import check_csrf, flash, forget_sign_in

routes = PageRoutes()

DELETE_WORD = "delete"


class AccountDeleteIn(InputModel):
    password: str
    confirm: str


async def _account_page(
    request: web.Request,
    status: int = 200,
    *,
    forms: dict[str, dict[str, str]] | None = None,
    feed_url: str | None = None,
) -> web.Response:
    user_id = caller(request).id
    async with request.app[DB].reading() as conn:
        account = await users.get_account(conn, user_id)
        feed_since = await ics.feed_created_at(conn, user_id)
    context: dict[str, Any] = {
        "account": account,
        "feed_since": feed_since,
        "feed_url": feed_url,
        "delete_word": DELETE_WORD,
        "password_errors": {},
        "delete_errors": {},
    }
    context.update(forms or {})
    return await render_page(request, "users/account.html", context, status)


@routes.get("/account", name="account", access=Access.signed_in)
async def account_page(request: web.Request) -> web.Response:
    return await _account_page(request)


@routes.post("/account/password", name="account_password")
async def change_password(request: web.Request) -> web.Response:
    form = await parse_form(request, PasswordChangeIn)
    actor = caller(request)
    if form.data is None:
        return await _account_page(request, 422, forms={"password_errors": form.errors})
    try:
        await web_flows.change_password(
            request, actor.id, form.data.current_password, form.data.new_password
        )
    except Refusal as exc:
        return await _account_page(
            request, exc.status, forms={"password_errors": {"current_password": spoken(exc.detail)}}
        )
    # Every login ended with the change, this browser's too: it signs in again at once.
    await web_flows.sign_in_browser(request, actor.id)
    await flash(
        request, _("Your password is changed. Other devices and apps are signed out."), "success"
    )
    redirect(request, "account")


@routes.post("/account/calendar-feed", name="account_feed")
async def create_feed(request: web.Request) -> web.Response:
    await check_csrf(request, await read_form(request))
    async with request.app[DB].transaction() as conn:
        token = await ics.issue_feed_token(conn, caller(request).id)
    # Only the digest is stored: this page is the one time the link is shown.
    url = f"{request.app[SETTINGS].effective_public_url}/api/v1/calendar.ics?token={token}"
    return await _account_page(request, feed_url=url)


@routes.post("/account/calendar-feed/revoke", name="account_feed_revoke")
async def revoke_feed(request: web.Request) -> web.Response:
    await check_csrf(request, await read_form(request))
    async with request.app[DB].transaction() as conn:
        await ics.revoke_feed_token(conn, caller(request).id)
    await flash(
        request, _("Your calendar link is revoked; calendars using it stop updating."), "success"
    )
    redirect(request, "account")


@routes.post("/account/delete", name="account_delete")
async def delete_account(request: web.Request) -> web.Response:
    form = await parse_form(request, AccountDeleteIn)
    actor = caller(request)
    if form.data is None or form.data.confirm.strip().lower() != DELETE_WORD:
        errors = dict(form.errors)
        errors.setdefault("confirm", f'Type "{DELETE_WORD}" to confirm.')
        return await _account_page(request, 422, forms={"delete_errors": errors})
    try:
        await web_flows.check_current_password(request, actor.id, form.data.password)
        async with request.app[DB].transaction() as conn:
            await users.erase_account(conn, actor.id)
    except Refusal as exc:
        field = "password" if exc.status == 403 else "form"
        return await _account_page(
            request, exc.status, forms={"delete_errors": {field: spoken(exc.detail)}}
        )
    await forget_sign_in(request)
    await flash(
        request,
        _("Your account is deleted. What you wrote stays, under 'deleted user'."),
        "success",
    )
    redirect(request, "home")
