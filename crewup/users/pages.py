"""Browser face of users: my profile (view and edit) and other people's pages."""

from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.images import ImageKind
from crewup.users import service
from crewup.users.appkeys import PROFILE_PAGE_PARTS
from crewup.users.schemas import ProfilePatch, UserPublic
from crewup.web.appkeys import DB
from crewup.web.caller import caller
from crewup.web.forms import parse_form
from crewup.web.i18n import gettext as _
from crewup.web.i18n import spoken
from crewup.web.page_locale import setting_changed
from crewup.web.pages import redirect, render_page
from crewup.web.requests import path_id
from crewup.web.routes import Access, PageRoutes
from crewup.web.sessions import flash
from crewup.web.uploads import Swap, drop_image_from_form, put_image_from_form

routes = PageRoutes()


def _profile_values(account: service.Account) -> dict[str, str]:
    return {
        "display_name": account.display_name,
        "bio": account.bio,
        "interests": ", ".join(account.interests),
        "home_lat": "" if account.home_lat is None else str(account.home_lat),
        "home_lon": "" if account.home_lon is None else str(account.home_lon),
        "locale": account.locale or "",
    }


def _shape_profile(values: dict[str, str]) -> dict[str, Any]:
    shaped: dict[str, Any] = dict(values)
    shaped["interests"] = [
        i for i in (p.strip() for p in values.get("interests", "").split(",")) if i
    ]
    for key in ("home_lat", "home_lon", "locale"):
        if not values.get(key, "").strip():
            shaped[key] = None
    return shaped


@routes.get("/profile", name="my_profile", access=Access.signed_in)
async def my_profile(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].reading() as conn:
        account = await service.get_account(conn, actor.id)
    return await render_page(
        request,
        "users/profile_edit.html",
        {"account": account, "values": _profile_values(account), "errors": {}},
    )


@routes.post("/profile", name="save_profile")
async def save_profile(request: web.Request) -> web.Response:
    actor = caller(request)
    form = await parse_form(request, ProfilePatch, _shape_profile)
    if form.data is None:
        async with request.app[DB].reading() as conn:
            account = await service.get_account(conn, actor.id)
        return await render_page(
            request,
            "users/profile_edit.html",
            {"account": account, "values": form.values, "errors": form.errors},
            422,
        )
    async with request.app[DB].transaction() as conn:
        await service.update_profile(conn, actor.id, form.data.changes())
    if "locale" in form.data.model_fields_set:
        setting_changed(request, form.data.locale)
    await flash(request, _("Profile saved."), "success")
    redirect(request, "my_profile")


@routes.get(r"/users/{user_id:\d+}", name="user_page", access=Access.signed_in)
async def user_page(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].reading() as conn:
        account = await service.get_account(conn, path_id(request, "user_id"))
        context: dict[str, Any] = {"user": UserPublic.of(account)}
        for part in request.app.get(PROFILE_PAGE_PARTS, ()):
            context.update(await part(conn, account.id, actor))
    return await render_page(request, "users/profile.html", context)


def _avatar_swap(actor_id: int) -> Swap[service.Account]:
    async def swap(conn: AsyncConnection, key: str | None) -> service.Account:
        return await service.set_avatar(conn, actor_id, key)

    return swap


@routes.post("/profile/avatar", name="save_avatar")
async def save_avatar(request: web.Request) -> web.Response:
    actor = caller(request)
    refused = await put_image_from_form(
        request, ImageKind.avatar, f"user:{actor.id}", _avatar_swap(actor.id)
    )
    if refused is not None:
        async with request.app[DB].reading() as conn:
            account = await service.get_account(conn, actor.id)
        context = {
            "account": account,
            "values": _profile_values(account),
            "errors": {"image": spoken(refused.detail)},
        }
        return await render_page(request, "users/profile_edit.html", context, refused.status)
    await flash(request, _("Picture saved."), "success")
    redirect(request, "my_profile")


@routes.post("/profile/avatar/remove", name="remove_avatar")
async def remove_avatar(request: web.Request) -> web.Response:
    actor = caller(request)
    await drop_image_from_form(request, _avatar_swap(actor.id))
    await flash(request, _("Picture removed."), "success")
    redirect(request, "my_profile")
