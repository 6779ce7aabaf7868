"""Browser face of groups: directory, group page, create and edit, membership buttons."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crewup.core.errors import DomainError
from crewup.events import service as event_service
from crewup.groups import membership, service
from crewup.groups.access import load_group
from crewup.groups.schemas import GroupIn, GroupPatch, GroupQuery
from crewup.posts import service as posts
from crewup.web.appkeys import DB
from crewup.web.forms import parse_form
from crewup.web.pages import check_csrf, flash, page_actor, render_page, require_page_actor
from crewup.web.requests import path_id

routes = web.RouteTableDef()
FORM_FIELDS = ("name", "description", "category", "visibility", "max_members", "lat", "lon")


def _shape(values: dict[str, str]) -> dict[str, Any]:
    """Empty optional inputs mean 'not set'."""
    shaped: dict[str, Any] = dict(values)
    for key in ("max_members", "lat", "lon"):
        if not values.get(key, "").strip():
            shaped[key] = None
    return shaped


@routes.get("/groups")
async def directory(request: web.Request) -> web.Response:
    actor = await page_actor(request)
    raw = {k: v for k, v in request.query.items() if v.strip()}
    errors: dict[str, str] = {}
    found, next_cursor = [], None
    try:
        query = GroupQuery.model_validate(raw)
    except ValueError:
        errors["form"] = "some filters are not valid; showing all groups"
        query = GroupQuery()
    filters = service.GroupFilter(
        q=query.q, category=query.category, near=query.near, radius_km=query.radius_km
    )
    async with request.app[DB].reading() as conn:
        try:
            found, next_cursor = await service.list_groups(
                conn, actor, filters, limit=query.limit, cursor=query.cursor
            )
        except DomainError as exc:
            errors["form"] = exc.detail
    more = None
    if next_cursor:
        more = request.rel_url.update_query(cursor=next_cursor)
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


@routes.get("/groups/new")
async def new_group_form(request: web.Request) -> web.Response:
    await require_page_actor(request)
    return await render_page(
        request,
        "groups/form.html",
        {
            "group": None,
            "values": {"visibility": "public"},
            "errors": {},
            "categories": service.CATEGORIES,
        },
    )


@routes.post("/groups/new")
async def create_group(request: web.Request) -> web.Response:
    actor = await require_page_actor(request)
    form = await parse_form(request, GroupIn, _shape)
    if form.data is None:
        return await render_page(
            request,
            "groups/form.html",
            {
                "group": None,
                "values": form.values,
                "errors": form.errors,
                "categories": service.CATEGORIES,
            },
            422,
        )
    async with request.app[DB].transaction() as conn:
        group = await service.create_group(conn, actor, form.data.model_dump())
    await flash(request, f"{group.name} is ready. Invite people or share its page.")
    raise web.HTTPSeeOther(f"/groups/{group.id}")


@routes.get(r"/groups/{group_id:\d+}")
async def group_page(request: web.Request) -> web.Response:
    actor = await page_actor(request)
    group_id = path_id(request, "group_id")
    async with request.app[DB].reading() as conn:
        group = await load_group(conn, group_id, actor)
        shows_content = group.visibility.value == "public" or group.is_member
        members = (
            await membership.list_members(conn, group_id, actor, limit=50) if shows_content else []
        )
        recent = (
            await posts.list_posts(conn, group_id, actor, limit=20, before_id=None)
            if shows_content
            else []
        )
        upcoming = (
            (
                await event_service.list_events(
                    conn, actor, event_service.EventFilter(group_id=group_id), limit=10, cursor=None
                )
            )[0]
            if shows_content
            else []
        )
        requests = (
            await membership.list_requests(conn, group_id, actor, limit=50)
            if actor and group.is_manager
            else []
        )
    return await render_page(
        request,
        "groups/page.html",
        {
            "group": group,
            "members": members,
            "posts": recent,
            "events": upcoming,
            "requests": requests,
            "values": {},
            "errors": {},
        },
    )


@routes.get(r"/groups/{group_id:\d+}/edit")
async def edit_group_form(request: web.Request) -> web.Response:
    actor = await require_page_actor(request)
    async with request.app[DB].reading() as conn:
        group = await load_group(conn, path_id(request, "group_id"), actor)
    if not group.is_manager:
        raise web.HTTPSeeOther(f"/groups/{group.id}")
    values = {k: "" if getattr(group, k) is None else str(getattr(group, k)) for k in FORM_FIELDS}
    values["visibility"] = group.visibility.value
    return await render_page(
        request,
        "groups/form.html",
        {"group": group, "values": values, "errors": {}, "categories": service.CATEGORIES},
    )


@routes.post(r"/groups/{group_id:\d+}/edit")
async def edit_group(request: web.Request) -> web.Response:
    actor = await require_page_actor(request)
    group_id = path_id(request, "group_id")
    form = await parse_form(request, GroupPatch, _shape)
    if form.data is not None:
        try:
            async with request.app[DB].transaction() as conn:
                await service.update_group(conn, group_id, actor, form.data.changes())
        except DomainError as exc:
            if exc.status == 404:
                raise
            form.fail(exc)
        else:
            await flash(request, "Group saved.")
            raise web.HTTPSeeOther(f"/groups/{group_id}")
    async with request.app[DB].reading() as conn:
        group = await load_group(conn, group_id, actor)
    return await render_page(
        request,
        "groups/form.html",
        {
            "group": group,
            "values": form.values,
            "errors": form.errors,
            "categories": service.CATEGORIES,
        },
        422,
    )


async def _act(request: web.Request, work: Any, done: str) -> web.Response:
    """A membership button: do it, say what happened, go back to the group page."""
    actor = await require_page_actor(request)
    await check_csrf(request, await request.post())
    group_id = path_id(request, "group_id")
    try:
        async with request.app[DB].transaction() as conn:
            message = await work(conn, group_id, actor) or done
    except DomainError as exc:
        if exc.status == 404:
            raise
        message = exc.detail
    await flash(request, message)
    raise web.HTTPSeeOther(f"/groups/{group_id}")


@routes.post(r"/groups/{group_id:\d+}/join")
async def join(request: web.Request) -> web.Response:
    async def work(conn: Any, group_id: int, actor: Any) -> str:
        outcome = await membership.join_group(conn, group_id, actor)
        return (
            "Welcome aboard!"
            if outcome is membership.JoinOutcome.member
            else "Request sent; an admin will answer it."
        )

    return await _act(request, work, "")


@routes.post(r"/groups/{group_id:\d+}/leave")
async def leave(request: web.Request) -> web.Response:
    return await _act(request, membership.leave_group, "You left the group.")


@routes.post(r"/groups/{group_id:\d+}/requests/{user_id:\d+}/{decision:approve|decline}")
async def decide(request: web.Request) -> web.Response:
    approve = request.match_info["decision"] == "approve"

    async def work(conn: Any, group_id: int, actor: Any) -> None:
        await membership.decide_request(conn, group_id, actor, path_id(request, "user_id"), approve)

    return await _act(request, work, "Request approved." if approve else "Request declined.")
