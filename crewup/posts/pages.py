"""Browser face of posts: write one, read it with its comments, comment, delete."""

from __future__ import annotations

from aiohttp import web

from crewup.core.errors import Refusal
from crewup.posts import service
from crewup.posts.appkeys import POSTING_LIMIT
from crewup.posts.schemas import CommentIn, PostIn
from crewup.web.appkeys import DB
from crewup.web.caller import caller, maybe_caller
from crewup.web.forms import parse_form
from crewup.web.pages import redirect, render_page
from crewup.web.requests import path_id
from crewup.web.routes import PageRoutes
from crewup.web.sessions import check_csrf, flash

routes = PageRoutes()


@routes.post(r"/groups/{group_id:\d+}/posts", name="create_post")
async def create_post(request: web.Request) -> web.Response:
    group_id = path_id(request, "group_id")
    form = await parse_form(request, PostIn)
    if form.data is None:
        await flash(
            request,
            "The post needs a title and a text: "
            + "; ".join(f"{k}: {v}" for k, v in form.errors.items()),
        )
        redirect(request, "group_page", group_id=group_id)
    try:
        async with request.app[DB].transaction() as conn:
            post = await service.create_post(
                conn,
                request.app[POSTING_LIMIT],
                group_id,
                caller(request),
                form.data.title,
                form.data.body,
            )
    except Refusal as exc:
        await flash(request, exc.detail)
        redirect(request, "group_page", group_id=group_id)
    redirect(request, "post_page", post_id=post.id)


@routes.get(r"/posts/{post_id:\d+}", name="post_page")
async def post_page(request: web.Request) -> web.Response:
    actor = maybe_caller(request)
    post_id = path_id(request, "post_id")
    async with request.app[DB].reading() as conn:
        post, group = await service.load_post(conn, post_id, actor)
        thread = await service.list_comments(conn, post_id, actor, limit=100)
    may_moderate = actor is not None and (group.is_manager or actor.is_moderator)
    return await render_page(
        request,
        "posts/page.html",
        {
            "post": post,
            "group": group,
            "comments": thread.items,
            "may_moderate": may_moderate,
            "values": {},
            "errors": {},
        },
    )


@routes.post(r"/posts/{post_id:\d+}/comments", name="add_comment")
async def add_comment(request: web.Request) -> web.Response:
    post_id = path_id(request, "post_id")
    form = await parse_form(request, CommentIn)
    if form.data is None:
        await flash(request, f"Comment not saved: {form.errors.get('body', 'invalid')}")
    else:
        try:
            async with request.app[DB].transaction() as conn:
                await service.add_comment(
                    conn, request.app[POSTING_LIMIT], post_id, caller(request), form.data.body
                )
        except Refusal as exc:
            await flash(request, exc.detail)
    redirect(request, "post_page", post_id=post_id)


@routes.post(r"/posts/{post_id:\d+}/delete", name="delete_post")
async def delete_post(request: web.Request) -> web.Response:
    await check_csrf(request, await request.post())
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        post, _ = await service.load_post(conn, path_id(request, "post_id"), actor)
        await service.delete_post(conn, post.id, actor, via="page")
    await flash(request, "Post deleted.")
    redirect(request, "group_page", group_id=post.group_id)


@routes.post(r"/comments/{comment_id:\d+}/delete", name="delete_comment")
async def delete_comment(request: web.Request) -> web.Response:
    form = await request.post()
    await check_csrf(request, form)
    async with request.app[DB].transaction() as conn:
        post_id = await service.delete_comment(
            conn, path_id(request, "comment_id"), caller(request), via="page"
        )
    await flash(request, "Comment deleted.")
    redirect(request, "post_page", post_id=post_id)
