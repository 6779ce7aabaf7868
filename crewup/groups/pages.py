"""Browser face of groups: directory, create and edit, membership buttons. (A group's own
page shows its posts and events too, so it lives in crewup.site.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.errors import Refusal
from crewup.core.identity import Actor
from crewup.groups import membership, service
from crewup.groups.access import Group, load_group
from crewup.groups.appkeys import JOIN_REQUEST_LIMIT
from crewup.groups.schemas import GroupIn, GroupPatch, GroupQuery
from crewup.web.appkeys import DB, SETTINGS
from crewup.web.caller import caller, maybe_caller
from crewup.web.form_body import read_form
from crewup.web.forms import parse_form
from crewup.web.i18n import gettext as _
from crewup.web.i18n import spoken
from crewup.web.pages import redirect, render_page
from crewup.web.requests import path_id
from crewup.web.routes import Access, PageRoutes
from crewup.web.sessions import FlashKind, check_csrf, flash

routes = PageRoutes()
FORM_FIELDS = ("name", "description", "category", "visibility", "max_members", "lat", "lon")


def _shape(values: dict[str, str]) -> dict[str, Any]:
    """Empty optional inputs mean 'not set'."""
    shaped: dict[str, Any] = dict(values)
    for key in ("max_members", "lat", "lon"):
        if not values.get(key, "").strip():
            shaped[key] = None
    return shaped


@routes.get("/groups", name="groups")
async def directory(request: web.Request) -> web.Response:
    raw = {k: v for k, v in request.query.items() if v.strip()}
    errors: dict[str, str] = {}
    found: list[Group] = []
    more = None
    try:
        query = GroupQuery.model_validate(raw)
    except ValueError:
        errors["form"] = _("some filters are not valid; showing all groups")
        query = GroupQuery()
    async with request.app[DB].reading() as conn:
        try:
            page = await service.list_groups(
                conn, maybe_caller(request), query.filters(), limit=query.limit, cursor=query.cursor
            )
        except Refusal as exc:
            errors["form"] = spoken(exc.detail)
        else:
            found = page.items
            if page.next_cursor:
                more = request.rel_url.update_query(cursor=page.next_cursor)
    return await render_page(
        request,
        "groups/directory.html",
        {
            "groups": found,
            "values": raw,
            "errors": errors,
            "categories": service.CATEGORIES,
            "more": more,
        },
    )


def _group_form(
    request: web.Request,
    group: Group | None,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Awaitable[web.Response]:
    context = {
        "group": group,
        "values": values,
        "errors": errors,
        "categories": service.CATEGORIES,
    }
    return render_page(request, "groups/form.html", context, status)


@routes.get("/groups/new", name="new_group", access=Access.signed_in)
async def new_group_form(request: web.Request) -> web.Response:
    return await _group_form(request, None, {"visibility": "public"}, {})


@routes.post("/groups/new", name="create_group")
async def create_group(request: web.Request) -> web.Response:
    form = await parse_form(request, GroupIn, _shape)
    if form.data is None:
        return await _group_form(request, None, form.values, form.errors, 422)
    async with request.app[DB].transaction() as conn:
        group = await service.create_group(
            conn,
            caller(request),
            form.data.model_dump(),
            verified_required=request.app[SETTINGS].require_verified_email,
        )
    await flash(
        request,
        _("%(group)s is ready. Invite people or share its page.") % {"group": group.name},
        "success",
    )
    redirect(request, "group_page", group_id=group.id)


@routes.get(r"/groups/{group_id:\d+}/edit", name="edit_group", access=Access.signed_in)
async def edit_group_form(request: web.Request) -> web.Response:
    async with request.app[DB].reading() as conn:
        group = await load_group(conn, path_id(request, "group_id"), caller(request))
    if not group.is_manager:
        redirect(request, "group_page", group_id=group.id)
    values = {k: "" if getattr(group, k) is None else str(getattr(group, k)) for k in FORM_FIELDS}
    values["visibility"] = group.visibility.value
    return await _group_form(request, group, values, {})


@routes.post(r"/groups/{group_id:\d+}/edit", name="save_group")
async def edit_group(request: web.Request) -> web.Response:
    actor = caller(request)
    group_id = path_id(request, "group_id")
    form = await parse_form(request, GroupPatch, _shape)
    if form.data is not None:
        try:
            async with request.app[DB].transaction() as conn:
                await service.update_group(conn, group_id, actor, form.data.changes())
        except Refusal as exc:
            form.fail(exc)
        else:
            await flash(request, _("Group saved."), "success")
            redirect(request, "group_page", group_id=group_id)
    async with request.app[DB].reading() as conn:
        group = await load_group(conn, group_id, actor)
    return await _group_form(request, group, form.values, form.errors, 422)


@dataclass(frozen=True)
class Elsewhere:
    """What a step says, and a page of no group to go to instead of the group's: after
    asking to join a private group, its page is still a 404 to the person."""

    message: str
    page: str


MembershipStep = Callable[[AsyncConnection, int, Actor], Awaitable[str | Elsewhere | None]]


async def _act(
    request: web.Request, step: MembershipStep, done: str, back_to: str = "group_page"
) -> web.Response:
    """A membership button: do it, say what happened, go back to the group page (or the
    named page of the group). A refusal is said too; a hidden group stays a 404."""
    await check_csrf(request, await read_form(request))
    group_id = path_id(request, "group_id")
    kind: FlashKind = "success"
    parts: dict[str, int | str] = {"group_id": group_id}
    said: str | Elsewhere | None
    try:
        async with request.app[DB].transaction() as conn:
            said = await step(conn, group_id, caller(request))
    except Refusal as exc:
        said, kind = spoken(exc.detail), "error"
    if isinstance(said, Elsewhere):
        back_to, parts = said.page, {}
        said = said.message
    await flash(request, said or done, kind)
    redirect(request, back_to, **parts)


@routes.post(r"/groups/{group_id:\d+}/join", name="join_group")
async def join(request: web.Request) -> web.Response:
    async def step(conn: AsyncConnection, group_id: int, actor: Actor) -> str | Elsewhere:
        outcome = await membership.join_group(
            conn, request.app[JOIN_REQUEST_LIMIT], group_id, actor
        )
        if outcome is membership.JoinOutcome.member:
            return _("Welcome aboard!")
        return Elsewhere(_("Request sent; an admin will answer it."), "groups")

    return await _act(request, step, "")


@routes.post(r"/groups/{group_id:\d+}/leave", name="leave_group")
async def leave(request: web.Request) -> web.Response:
    async def step(conn: AsyncConnection, group_id: int, actor: Actor) -> None:
        await membership.leave_group(conn, group_id, actor)

    return await _act(request, step, _("You left the group."))


@routes.post(
    r"/groups/{group_id:\d+}/requests/{user_id:\d+}/{decision:approve|decline}",
    name="decide_request",
)
async def decide(request: web.Request) -> web.Response:
    approve = request.match_info["decision"] == "approve"
    user_id = path_id(request, "user_id")

    async def step(conn: AsyncConnection, group_id: int, actor: Actor) -> None:
        await membership.decide_request(conn, group_id, actor, user_id, approve)

    done = _("Request approved.") if approve else _("Request declined.")
    return await _act(request, step, done, back_to="group_requests")
