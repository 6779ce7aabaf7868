"""REST face of posts and comments."""

from aiohttp import web

from crewup.posts import service
from crewup.posts.schemas import (
    CommentIn,
    CommentOut,
    CommentPage,
    PageQuery,
    PostIn,
    PostOut,
    PostPage,
    PostPatch,
)
from crewup.web.appkeys import AUTH, DB, SETTINGS
from crewup.web.auth import api_actor, optional_api_actor
from crewup.web.openapi import ApiRoutes
from crewup.web.pagination import cursor_value, keyset_page
from crewup.web.requests import json_response, parse_body, parse_query, path_id

api = ApiRoutes("posts")
POST = r"/api/v1/posts/{post_id:\d+}"


async def _posting_allowed(request: web.Request, actor: object) -> None:
    await service.check_posting_rate(
        request.app[AUTH].limiter, request.app[SETTINGS].rate_limit_posting, actor
    )


@api.get(
    r"/api/v1/groups/{group_id:\d+}/posts",
    "A group's posts, newest first",
    query=PageQuery,
    response=PostPage,
    auth=False,
    errors=(404,),
)
async def list_posts(request: web.Request) -> web.Response:
    actor = await optional_api_actor(request)
    query = parse_query(request, PageQuery)
    async with request.app[DB].reading() as conn:
        found = await service.list_posts(
            conn,
            path_id(request, "group_id"),
            actor,
            limit=query.limit + 1,
            before_id=cursor_value(query.cursor, "id"),
        )
    items, next_cursor = keyset_page(found, query.limit, "id")
    return json_response(PostPage(items=[PostOut.of(p) for p in items], next_cursor=next_cursor))


@api.post(
    r"/api/v1/groups/{group_id:\d+}/posts",
    "Write a post (members)",
    body=PostIn,
    response=PostOut,
    status=201,
    errors=(403, 404, 413, 429),
)
async def create_post(request: web.Request) -> web.Response:
    actor = await api_actor(request)
    body = await parse_body(request, PostIn)
    await _posting_allowed(request, actor)
    async with request.app[DB].transaction() as conn:
        post = await service.create_post(
            conn, path_id(request, "group_id"), actor, body.title, body.body
        )
    return json_response(PostOut.of(post), status=201)


@api.get(POST, "One post", response=PostOut, auth=False, errors=(404,))
async def get_post(request: web.Request) -> web.Response:
    actor = await optional_api_actor(request)
    async with request.app[DB].reading() as conn:
        post, _ = await service.load_post(conn, path_id(request, "post_id"), actor)
    return json_response(PostOut.of(post))


@api.patch(POST, "Edit my post", body=PostPatch, response=PostOut, errors=(403, 404, 413))
async def patch_post(request: web.Request) -> web.Response:
    actor = await api_actor(request)
    body = await parse_body(request, PostPatch)
    async with request.app[DB].transaction() as conn:
        post = await service.update_post(conn, path_id(request, "post_id"), actor, body.changes())
    return json_response(PostOut.of(post))


@api.delete(POST, "Delete a post (author, group admin or moderator)", status=204, errors=(403, 404))
async def delete_post(request: web.Request) -> web.Response:
    actor = await api_actor(request)
    async with request.app[DB].transaction() as conn:
        await service.delete_post(conn, path_id(request, "post_id"), actor)
    return web.Response(status=204)


@api.get(
    POST + "/comments",
    "A post's comments, newest first",
    query=PageQuery,
    response=CommentPage,
    auth=False,
    errors=(404,),
)
async def list_comments(request: web.Request) -> web.Response:
    actor = await optional_api_actor(request)
    query = parse_query(request, PageQuery)
    async with request.app[DB].reading() as conn:
        found = await service.list_comments(
            conn,
            path_id(request, "post_id"),
            actor,
            limit=query.limit + 1,
            before_id=cursor_value(query.cursor, "id"),
        )
    items, next_cursor = keyset_page(found, query.limit, "id")
    return json_response(
        CommentPage(items=[CommentOut.of(c) for c in items], next_cursor=next_cursor)
    )


@api.post(
    POST + "/comments",
    "Comment on a post (members)",
    body=CommentIn,
    response=CommentOut,
    status=201,
    errors=(403, 404, 429),
)
async def add_comment(request: web.Request) -> web.Response:
    actor = await api_actor(request)
    body = await parse_body(request, CommentIn)
    await _posting_allowed(request, actor)
    async with request.app[DB].transaction() as conn:
        comment = await service.add_comment(conn, path_id(request, "post_id"), actor, body.body)
    return json_response(CommentOut.of(comment), status=201)


@api.delete(
    r"/api/v1/comments/{comment_id:\d+}",
    "Delete a comment (author, group admin or moderator)",
    status=204,
    errors=(403, 404),
)
async def delete_comment(request: web.Request) -> web.Response:
    actor = await api_actor(request)
    async with request.app[DB].transaction() as conn:
        await service.delete_comment(conn, path_id(request, "comment_id"), actor)
    return web.Response(status=204)
