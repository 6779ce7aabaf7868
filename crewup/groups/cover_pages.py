"""Browser face of a group's cover: the upload form sits on the group's edit page."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.identity import Actor
from crewup.core.images import ImageKind
from crewup.groups import service
from crewup.groups.access import Group, load_group_for_managers
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
FORM_FIELDS = ("name", "description", "category", "visibility", "max_members", "lat", "lon")


def _swap(group_id: int, actor: Actor) -> Swap[Group]:
    async def swap(conn: AsyncConnection, key: str | None) -> Group:
        return await service.set_cover(conn, group_id, actor, key)

    return swap


@routes.post(r"/groups/{group_id:\d+}/cover", name="save_group_cover")
async def save_cover(request: web.Request) -> web.Response:
    actor = caller(request)
    group_id = path_id(request, "group_id")
    # Outsiders 404, members who may not change it 403, before any upload work.
    async with request.app[DB].reading() as conn:
        group = await load_group_for_managers(conn, group_id, actor)
    refused = await put_image_from_form(
        request, ImageKind.cover, f"group:{group_id}", _swap(group_id, actor)
    )
    if refused is None:
        await flash(request, _("Cover saved."), "success")
        redirect(request, "group_page", group_id=group_id)
    values = {k: "" if getattr(group, k) is None else str(getattr(group, k)) for k in FORM_FIELDS}
    values["visibility"] = group.visibility.value
    context = {
        "group": group,
        "values": values,
        "errors": {"image": spoken(refused.detail)},
        "categories": service.CATEGORIES,
    }
    return await render_page(request, "groups/form.html", context, refused.status)


@routes.post(r"/groups/{group_id:\d+}/cover/remove", name="remove_group_cover")
async def remove_cover(request: web.Request) -> web.Response:
    group_id = path_id(request, "group_id")
    await drop_image_from_form(request, _swap(group_id, caller(request)))
    await flash(request, _("Cover removed."), "success")
    redirect(request, "group_page", group_id=group_id)
