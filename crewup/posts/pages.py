"""Browser face of posts: write one, read it with its comments, comment, delete."""

from __future__ import annotations

from aiohttp import web

from crewup.core.errors import DomainError
from crewup.posts import service
from crewup.posts.schemas import CommentIn, PostIn
from crewup.web.appkeys import AUTH, DB, SETTINGS
from crewup.web.forms import parse_form
from crewup.web.pages import check_csrf, flash, page_actor, render_page, require_page_actor
from crewup.web.requests import path_id

routes = web.RouteTableDef()


@routes.post(r"/groups/{group_id:\d+}/posts")
async def create_post(request: web.Request) -> web.Response:
    actor = await require_page_actor(request)
    group_id = path_id(request, "group_id")
    form = await parse_form(request, PostIn)
    if form.data is None:
        await flash(
            request,
            "The post needs a title and a text: "
            + "; ".join(f"{k}: {v}" for k, v in form.errors.items()),
        )
        raise web.HTTPSeeOther(f"/groups/{group_id}")
    try:
        await service.check_posting_rate(
            request.app[AUTH].limiter, request.app[SETTINGS].rate_limit_posting, actor
        )
        async with request.app[DB].transaction() as conn:
            post = await service.create_post(conn, group_id, actor, form.data.title, form.data.body)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await flash(request, exc.detail)
        raise web.HTTPSeeOther(f"/groups/{group_id}") from None
    raise web.HTTPSeeOther(f"/posts/{post.id}")


@routes.get(r"/posts/{post_id:\d+}")
async def post_page(request: web.Request) -> web.Response:
    actor = await page_actor(request)
    post_id = path_id(request, "post_id")
    async with request.app[DB].reading() as conn:
        post, group = await service.load_post(conn, post_id, actor)
        thread = await service.list_comments(conn, post_id, actor, limit=100, before_id=None)
    may_moderate = actor is not None and (group.is_manager or actor.is_moderator)
    return await render_page(
        request,
        "posts/page.html",
        {
            "post": post,
            "group": group,
            "comments": thread,
            "may_moderate": may_moderate,
            "values": {},
            "errors": {},
        },
    )


@routes.post(r"/posts/{post_id:\d+}/comments")
async def add_comment(request: web.Request) -> web.Response:
    actor = await require_page_actor(request)
    post_id = path_id(request, "post_id")
    form = await parse_form(request, CommentIn)
    if form.data is None:
        await flash(request, f"Comment not saved: {form.errors.get('body', 'invalid')}")
    else:
        try:
            await service.check_posting_rate(
                request.app[AUTH].limiter, request.app[SETTINGS].rate_limit_posting, actor
            )
            async with request.app[DB].transaction() as conn:
                await service.add_comment(conn, post_id, actor, form.data.body)
        except DomainError as exc:
            if exc.status == 404:
                raise
            await flash(request, exc.detail)
    raise web.HTTPSeeOther(f"/posts/{post_id}")


@routes.post(r"/posts/{post_id:\d+}/delete")
async def delete_post(request: web.Request) -> web.Response:
    actor = await require_page_actor(request)
    await check_csrf(request, await request.post())
    async with request.app[DB].transaction() as conn:
        post, _ = await service.load_post(conn, path_id(request, "post_id"), actor)
        await service.delete_post(conn, post.id, actor)
    await flash(request, "Post deleted.")
    raise web.HTTPSeeOther(f"/groups/{post.group_id}")


@routes.post(r"/comments/{comment_id:\d+}/delete")
async def delete_comment(request: web.Request) -> web.Response:
    actor = await require_page_actor(request)
    form = await request.post()
    await check_csrf(request, form)
    async with request.app[DB].transaction() as conn:
        await service.delete_comment(conn, path_id(request, "comment_id"), actor)
    await flash(request, "Comment deleted.")
    back = str(form.get("post_id", ""))
    raise web.HTTPSeeOther(f"/posts/{int(back)}" if back.isdigit() else "/groups")
