"""Comments on posts: members of the post's group write; readers of the post read.

A comment is seen through its post (`load_post`): hidden or removed posts hide their
comments. The post's `comment_count` moves in the same statement-level increments as the
rows, so concurrent comments never make it drift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.dispatch import announce
from crewup.core.errors import Forbidden, NotFound
from crewup.core.identity import Actor
from crewup.core.marks import N_
from crewup.core.paging import IdCursor, Page, cut_page, decode_cursor
from crewup.groups.access import Group
from crewup.posts.domain_events import CommentCreated, ContentRemoved
from crewup.posts.service import Author, Post, PostingLimit, load_post, may_moderate
from crewup.posts.tables import comments, posts
from crewup.users.tables import users


@dataclass(frozen=True)
class Comment:
    id: int
    post_id: int
    author: Author
    body: str
    created_at: datetime


def _comment(row: Any) -> Comment:
    m = row._mapping
    return Comment(
        id=m["id"],
        post_id=m["post_id"],
        author=Author(m["author_id"], m["display_name"]),
        body=m["body"],
        created_at=m["created_at"],
    )


_COMMENT_COLUMNS = (
    comments.c.id,
    comments.c.post_id,
    comments.c.author_id,
    users.c.display_name,
    comments.c.body,
    comments.c.created_at,
)


async def add_comment(
    conn: AsyncConnection, limit: PostingLimit, post_id: int, actor: Actor, body: str
) -> Comment:
    post, group = await load_post(conn, post_id, actor)
    if not group.is_member:
        raise Forbidden(N_("join the group to comment"))
    await limit.spend(actor)
    comment_id = (
        await conn.execute(
            insert(comments)
            .values(post_id=post_id, author_id=actor.id, body=body, created_at=clock.now())
            .returning(comments.c.id)
        )
    ).scalar_one()
    await conn.execute(
        update(posts).where(posts.c.id == post_id).values(comment_count=posts.c.comment_count + 1)
    )
    await announce(conn, CommentCreated(comment_id, post_id, group.id, actor.id, post.author.id))
    row = (
        await conn.execute(
            select(*_COMMENT_COLUMNS)
            .join(users, users.c.id == comments.c.author_id)
            .where(comments.c.id == comment_id)
        )
    ).one()
    return _comment(row)


async def list_comments(
    conn: AsyncConnection,
    post_id: int,
    actor: Actor | None,
    *,
    limit: int,
    cursor: str | None = None,
) -> Page[Comment]:
    """Newest first, by id (index on post_id, id)."""
    await load_post(conn, post_id, actor)
    query = (
        select(*_COMMENT_COLUMNS)
        .join(users, users.c.id == comments.c.author_id)
        .where(comments.c.post_id == post_id, comments.c.removed_at.is_(None))
        .order_by(comments.c.id.desc())
        .limit(limit + 1)
    )
    position = decode_cursor(cursor, IdCursor)
    if position is not None:
        query = query.where(comments.c.id < position.id)
    found = [_comment(row) for row in await conn.execute(query)]
    return cut_page(found, limit, lambda comment: IdCursor(id=comment.id))


async def delete_comment(
    conn: AsyncConnection, comment_id: int, actor: Actor, via: str = "api"
) -> int:
    """Returns the post the comment was on. As with posts, others than the author remove
    softly, audited."""
    row = (
        await conn.execute(
            select(comments.c.post_id, comments.c.author_id, comments.c.body).where(
                comments.c.id == comment_id, comments.c.removed_at.is_(None)
            )
        )
    ).first()
    if row is None:
        raise NotFound(f"comment {comment_id} not found")
    try:
        _, group = await load_post(conn, row.post_id, actor)
    except NotFound:
        raise NotFound(f"comment {comment_id} not found") from None
    if row.author_id != actor.id:
        if not may_moderate(group, actor):
            raise Forbidden(N_("only the author, the group's admins or a moderator may delete it"))
        await remove_comment(conn, comment_id)
        await announce(
            conn,
            ContentRemoved("comment", comment_id, group.id, actor.id, row.body[:80], via),
        )
        return int(row.post_id)
    await conn.execute(delete(comments).where(comments.c.id == comment_id))
    await conn.execute(
        update(posts)
        .where(posts.c.id == row.post_id)
        .values(comment_count=posts.c.comment_count - 1)
    )
    return int(row.post_id)


async def load_comment(
    conn: AsyncConnection, comment_id: int, actor: Actor | None
) -> tuple[Comment, Post, Group]:
    """A comment as this viewer may see it: its post and group must be visible too."""
    row = (
        await conn.execute(
            select(*_COMMENT_COLUMNS)
            .join(users, users.c.id == comments.c.author_id)
            .where(comments.c.id == comment_id, comments.c.removed_at.is_(None))
        )
    ).first()
    if row is None:
        raise NotFound(f"comment {comment_id} not found")
    comment = _comment(row)
    try:
        post, group = await load_post(conn, comment.post_id, actor)
    except NotFound:
        raise NotFound(f"comment {comment_id} not found") from None
    return comment, post, group


async def load_comment_to_delete(
    conn: AsyncConnection, comment_id: int, actor: Actor
) -> tuple[Comment, Post]:
    """The comment and its post, if this person may delete it (the pages ask first)."""
    comment, post, group = await load_comment(conn, comment_id, actor)
    if comment.author.id != actor.id and not may_moderate(group, actor):
        raise Forbidden(N_("only the author, the group's admins or a moderator may delete it"))
    return comment, post


async def remove_comment(conn: AsyncConnection, comment_id: int) -> None:
    """Soft removal, as `remove_post`; the post's comment count goes down with it."""
    post_id = (
        await conn.execute(
            update(comments)
            .where(comments.c.id == comment_id, comments.c.removed_at.is_(None))
            .values(removed_at=clock.now())
            .returning(comments.c.post_id)
        )
    ).scalar_one_or_none()
    if post_id is not None:
        await conn.execute(
            update(posts)
            .where(posts.c.id == post_id)
            .values(comment_count=posts.c.comment_count - 1)
        )
