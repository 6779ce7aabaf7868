"""REST face of posts and comments."""

from aiohttp import web

from crewup.posts import comments, service
from crewup.posts.appkeys import POSTING_LIMIT
from crewup.posts.schemas import (
    CommentIn,
    CommentOut,
    CommentPage,
    PageQuery,
    PostIn,
    PostOut,
    PostPage,
    PostPatch,
    post_row_json,
)
from crewup.web.appkeys import DB
from crewup.web.caller import caller, maybe_caller
from crewup.web.requests import json_response, parse_body, parse_query, path_id
from crewup.web.routes import Access, ApiRoutes

api = ApiRoutes("posts")
POST = r"/api/v1/posts/{post_id:\d+}"


@api.get(
    r"/api/v1/groups/{group_id:\d+}/posts",
    "A group's posts, newest first",
    query=PageQuery,
    response=PostPage,
    access=Access.optional,
    errors=(404,),
)
async def list_posts(request: web.Request) -> web.Response:
    actor = maybe_caller(request)
    query = parse_query(request, PageQuery)
    async with request.app[DB].quick() as conn:
        page = await service.list_post_rows(
            conn, path_id(request, "group_id"), actor, limit=query.limit, cursor=query.cursor
        )
    return json_response(
        {"items": [post_row_json(row) for row in page.items], "next_cursor": page.next_cursor}
    )


@api.post(
    r"/api/v1/groups/{group_id:\d+}/posts",
    "Write a post (members)",
    body=PostIn,
    response=PostOut,
    status=201,
    errors=(403, 404, 413, 429),
)
async def create_post(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, PostIn)
    async with request.app[DB].transaction() as conn:
        post = await service.create_post(
            conn,
            request.app[POSTING_LIMIT],
            path_id(request, "group_id"),
            actor,
            body.title,
            body.body,
        )
    return json_response(PostOut.of(post), status=201)


@api.get(POST, "One post", response=PostOut, access=Access.optional, errors=(404,))
async def get_post(request: web.Request) -> web.Response:
    actor = maybe_caller(request)
    async with request.app[DB].reading() as conn:
        post, _ = await service.load_post(conn, path_id(request, "post_id"), actor)
    return json_response(PostOut.of(post))


@api.patch(POST, "Edit my post", body=PostPatch, response=PostOut, errors=(403, 404, 413))
async def patch_post(request: web.Request) -> web.Response:
    actor = caller(request)
    body = await parse_body(request, PostPatch)
    async with request.app[DB].transaction() as conn:
        post = await service.update_post(conn, path_id(request, "post_id"), actor, body.changes())
    return json_response(PostOut.of(post))


@api.delete(POST, "Delete a post (author, group admin or moderator)", status=204, errors=(403, 404))
async def delete_post(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        await service.delete_post(conn, path_id(request, "post_id"), actor)
    return web.Response(status=204)


@api.get(
    POST + "/comments",
    "A post's comments, newest first",
    query=PageQuery,
    response=CommentPage,
    access=Access.optional,
    errors=(404,),
)
async def list_comments(request: web.Request) -> web.Response:
    actor = maybe_caller(request)
    query = parse_query(request, PageQuery)
    async with request.app[DB].reading() as conn:
        page = await comments.list_comments(
            conn, path_id(request, "post_id"), actor, limit=query.limit, cursor=query.cursor
        )
    return json_response(
        CommentPage(items=[CommentOut.of(c) for c in page.items], next_cursor=page.next_cursor)
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
    actor = caller(request)
    body = await parse_body(request, CommentIn)
    async with request.app[DB].transaction() as conn:
        comment = await comments.add_comment(
            conn, request.app[POSTING_LIMIT], path_id(request, "post_id"), actor, body.body
        )
    return json_response(CommentOut.of(comment), status=201)


@api.delete(
    r"/api/v1/comments/{comment_id:\d+}",
    "Delete a comment (author, group admin or moderator)",
    status=204,
    errors=(403, 404),
)
async def delete_comment(request: web.Request) -> web.Response:
    actor = caller(request)
    async with request.app[DB].transaction() as conn:
        await comments.delete_comment(conn, path_id(request, "comment_id"), actor)
    return web.Response(status=204)
