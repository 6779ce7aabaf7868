"""Browser face of posts: write one, read it with its comments, comment, delete.

A form that fails comes back with what was typed and the error beside the field (422),
never as a flash message; deleting a post asks first."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crewup.core.errors import Refusal
from crewup.groups.access import load_group_content
from crewup.posts import comments, service
from crewup.posts.appkeys import POSTING_LIMIT
from crewup.posts.schemas import CommentIn, PostIn
from crewup.web.appkeys import DB
from crewup.web.caller import caller, maybe_caller
from crewup.web.form_body import read_form
from crewup.web.forms import parse_form
from crewup.web.i18n import gettext as _
from crewup.web.pages import redirect, render_page
from crewup.web.requests import path_id
from crewup.web.routes import Access, PageRoutes
from crewup.web.sessions import check_csrf, flash

routes = PageRoutes()


async def _post_form(
    request: web.Request,
    group_id: int,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> web.Response:
    async with request.app[DB].reading() as conn:
        group = await load_group_content(conn, group_id, maybe_caller(request))
    context = {"group": group, "values": values, "errors": errors}
    return await render_page(request, "posts/new.html", context, status)


@routes.get(r"/groups/{group_id:\d+}/posts/new", name="new_post", access=Access.signed_in)
async def new_post_form(request: web.Request) -> web.Response:
    return await _post_form(request, path_id(request, "group_id"), {}, {})


@routes.post(r"/groups/{group_id:\d+}/posts", name="create_post")
async def create_post(request: web.Request) -> web.Response:
    group_id = path_id(request, "group_id")
    form = await parse_form(request, PostIn)
    if form.data is not None:
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
            form.fail(exc)
        else:
            redirect(request, "post_page", post_id=post.id)
    return await _post_form(request, group_id, form.values, form.errors, 422)


async def _post_page(
    request: web.Request,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    actor = maybe_caller(request)
    post_id = path_id(request, "post_id")
    async with request.app[DB].reading() as conn:
        post, group = await service.load_post(conn, post_id, actor)
        thread = await comments.list_comments(conn, post_id, actor, limit=100)
    may_moderate = actor is not None and (group.is_manager or actor.is_moderator)
    context: dict[str, Any] = {
        "post": post,
        "group": group,
        "comments": thread.items,
        "may_moderate": may_moderate,
        "values": values or {},
        "errors": errors or {},
    }
    return await render_page(request, "posts/page.html", context, status)


@routes.get(r"/posts/{post_id:\d+}", name="post_page")
async def post_page(request: web.Request) -> web.Response:
    return await _post_page(request)


@routes.post(r"/posts/{post_id:\d+}/comments", name="add_comment")
async def add_comment(request: web.Request) -> web.Response:
    post_id = path_id(request, "post_id")
    form = await parse_form(request, CommentIn)
    if form.data is not None:
        try:
            async with request.app[DB].transaction() as conn:
                await comments.add_comment(
                    conn, request.app[POSTING_LIMIT], post_id, caller(request), form.data.body
                )
        except Refusal as exc:
            form.fail(exc)
        else:
            redirect(request, "post_page", post_id=post_id)
    return await _post_page(request, form.values, form.errors, 422)


@routes.get(r"/posts/{post_id:\d+}/delete", name="confirm_delete_post", access=Access.signed_in)
async def confirm_delete_post(request: web.Request) -> web.Response:
    async with request.app[DB].reading() as conn:
        post, group = await service.load_post_to_delete(
            conn, path_id(request, "post_id"), caller(request)
        )
    return await render_page(request, "posts/delete.html", {"post": post, "group": group})


@routes.post(r"/posts/{post_id:\d+}/delete", name="delete_post")
async def delete_post(request: web.Request) -> web.Response:
    form = await read_form(request)
    await check_csrf(request, form)
    post_id = path_id(request, "post_id")
    if form.get("confirm") != "yes":
        # A bare button press (an old page, a crafted form) only leads to the question.
        redirect(request, "confirm_delete_post", post_id=post_id)
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        post, _group = await service.load_post(conn, post_id, actor)
        await service.delete_post(conn, post.id, actor, via="page")
    await flash(request, _("Post deleted."), "success")
    redirect(request, "group_page", group_id=post.group_id)


@routes.get(
    r"/comments/{comment_id:\d+}/delete", name="confirm_delete_comment", access=Access.signed_in
)
async def confirm_delete_comment(request: web.Request) -> web.Response:
    async with request.app[DB].reading() as conn:
        comment, post = await comments.load_comment_to_delete(
            conn, path_id(request, "comment_id"), caller(request)
        )
    return await render_page(
        request, "posts/delete_comment.html", {"comment": comment, "post": post}
    )


@routes.post(r"/comments/{comment_id:\d+}/delete", name="delete_comment")
async def delete_comment(request: web.Request) -> web.Response:
    form = await read_form(request)
    await check_csrf(request, form)
    comment_id = path_id(request, "comment_id")
    if form.get("confirm") != "yes":
        # One click on "Delete" only asks; the answer on the question page deletes.
        redirect(request, "confirm_delete_comment", comment_id=comment_id)
    async with request.app[DB].transaction() as conn:
        post_id = await comments.delete_comment(
            conn, path_id(request, "comment_id"), caller(request), via="page"
        )
    await flash(request, _("Comment deleted."), "success")
    redirect(request, "post_page", post_id=post_id)
