"""Posts and comments inside groups: members write, visibility follows the group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.dispatch import announce
from crewup.core.errors import Forbidden, NotFound
from crewup.core.identity import Actor
from crewup.core.marks import N_
from crewup.core.paging import IdCursor, Page, cut_page, decode_cursor
from crewup.core.quick_reads import Prepared, Reads
from crewup.core.ratelimit import RateLimiter
from crewup.groups.access import (
    GROUPS_WITH_MEMBER,
    LISTED,
    LISTED_TO_ANYONE,
    Group,
    load_group_content,
    load_group_for_members,
)
from crewup.groups.tables import groups
from crewup.posts.domain_events import CommentCreated, ContentRemoved, PostCreated, PostRemoved
from crewup.posts.tables import comments, posts
from crewup.users.tables import users


@dataclass(frozen=True)
class Author:
    id: int
    display_name: str


@dataclass(frozen=True)
class Post:
    id: int
    group_id: int
    author: Author
    title: str
    body: str
    comment_count: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Comment:
    id: int
    post_id: int
    author: Author
    body: str
    created_at: datetime


@dataclass(frozen=True)
class PostingLimit:
    """Posts and comments share one budget per person, so a flood is cut off early.
    Operator tools (seeding) write without one: `limiter` None."""

    limiter: RateLimiter | None
    rule: str = ""

    async def spend(self, actor: Actor) -> None:
        if self.limiter is not None:
            await self.limiter.hit(
                self.rule, "posting", str(actor.id), what=N_("posts and comments")
            )


UNLIMITED = PostingLimit(None)


POST_COLUMNS = (
    posts.c.id,
    posts.c.group_id,
    posts.c.author_id,
    users.c.display_name,
    posts.c.title,
    posts.c.body,
    posts.c.comment_count,
    posts.c.created_at,
    posts.c.updated_at,
)


def post_from_row(row: Any) -> Post:
    return Post(
        id=row.id,
        group_id=row.group_id,
        author=Author(row.author_id, row.display_name),
        title=row.title,
        body=row.body,
        comment_count=row.comment_count,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _comment(row: Any) -> Comment:
    m = row._mapping
    return Comment(
        id=m["id"],
        post_id=m["post_id"],
        author=Author(m["author_id"], m["display_name"]),
        body=m["body"],
        created_at=m["created_at"],
    )


async def _fetch_post(conn: AsyncConnection, post_id: int) -> Post | None:
    row = (
        await conn.execute(
            select(*POST_COLUMNS)
            .join(users, users.c.id == posts.c.author_id)
            .where(posts.c.id == post_id, posts.c.removed_at.is_(None))
        )
    ).first()
    return post_from_row(row) if row else None


async def load_post(conn: AsyncConnection, post_id: int, actor: Actor | None) -> tuple[Post, Group]:
    post = await _fetch_post(conn, post_id)
    if post is None:
        raise NotFound(f"post {post_id} not found")
    try:
        group = await load_group_content(conn, post.group_id, actor)
    except NotFound:
        raise NotFound(f"post {post_id} not found") from None
    return post, group


def _may_moderate(group: Group, actor: Actor) -> bool:
    return group.is_manager or actor.is_moderator


async def create_post(
    conn: AsyncConnection, limit: PostingLimit, group_id: int, actor: Actor, title: str, body: str
) -> Post:
    await load_group_for_members(conn, group_id, actor)
    await limit.spend(actor)
    now = clock.now()
    post_id = (
        await conn.execute(
            insert(posts)
            .values(
                group_id=group_id,
                author_id=actor.id,
                title=title,
                body=body,
                created_at=now,
                updated_at=now,
            )
            .returning(posts.c.id)
        )
    ).scalar_one()
    await announce(conn, PostCreated(post_id, group_id, actor.id))
    return await _fetch_post(conn, post_id)  # type: ignore[return-value]


async def list_posts(
    conn: Reads,
    group_id: int,
    actor: Actor | None,
    *,
    limit: int,
    cursor: str | None = None,
) -> Page[Post]:
    """Newest first, by id (index on group_id, id)."""
    page = await list_post_rows(conn, group_id, actor, limit=limit, cursor=cursor)
    return Page([post_from_row(row) for row in page.items], page.next_cursor)


async def list_post_rows(
    conn: Reads,
    group_id: int,
    actor: Actor | None,
    *,
    limit: int,
    cursor: str | None = None,
) -> Page[Any]:
    """`list_posts` as rows with `Post`'s fields (the author as `author_id` and
    `display_name`), for answers written straight from them.

    One statement: the group's row decides who may see its posts (`LISTED`: public, or
    the viewer is a member), and the page is joined to it only then. No row: no such
    group; a row with a null `id`: a visible group without (more) posts."""
    position = decode_cursor(cursor, IdCursor)
    params: dict[str, Any] = {"group_id": group_id, "limit": limit + 1}
    if actor is not None:
        params["viewer_id"] = actor.id
    if position is not None:
        params["before_id"] = position.id
    statement = _GROUP_POSTS[actor is not None, position is not None]
    rows = await statement.all(conn, params)
    if not rows or not rows[0].visible:
        raise NotFound(f"group {group_id} not found")
    if rows[0].id is None:
        return Page([])
    return cut_page(rows, limit, lambda row: IdCursor(id=row.id))


def _group_posts(for_viewer: bool, after_cursor: bool) -> Prepared:
    """A group's visibility and one page of its posts, built once with bound parameters
    (see events.access)."""
    page = (
        select(*POST_COLUMNS)
        .join(users, users.c.id == posts.c.author_id)
        .where(posts.c.group_id == bindparam("group_id"), posts.c.removed_at.is_(None))
        .order_by(posts.c.id.desc())
        .limit(bindparam("limit"))
    )
    if after_cursor:
        page = page.where(posts.c.id < bindparam("before_id"))
    newest = page.subquery("page")
    source, visible = (GROUPS_WITH_MEMBER, LISTED) if for_viewer else (groups, LISTED_TO_ANYONE)
    return Prepared(
        select(visible.label("visible"), *newest.c)
        .select_from(source.outerjoin(newest, visible))
        .where(groups.c.id == bindparam("group_id"))
        .order_by(newest.c.id.desc())
    )


_GROUP_POSTS = {
    (for_viewer, after_cursor): _group_posts(for_viewer, after_cursor)
    for for_viewer in (False, True)
    for after_cursor in (False, True)
}


async def update_post(
    conn: AsyncConnection, post_id: int, actor: Actor, changes: dict[str, Any]
) -> Post:
    post, _ = await load_post(conn, post_id, actor)
    if post.author.id != actor.id:
        raise Forbidden(N_("only the author may edit a post"))
    values = {k: v for k, v in changes.items() if k in ("title", "body")}
    if values:
        await conn.execute(
            update(posts).where(posts.c.id == post_id).values(**values, updated_at=clock.now())
        )
    return await _fetch_post(conn, post_id)  # type: ignore[return-value]


async def load_post_to_delete(
    conn: AsyncConnection, post_id: int, actor: Actor
) -> tuple[Post, Group]:
    """The post, if this person may delete it (the pages ask before they do)."""
    post, group = await load_post(conn, post_id, actor)
    if post.author.id != actor.id and not _may_moderate(group, actor):
        raise Forbidden(N_("only the author, the group's admins or a moderator may delete it"))
    return post, group


async def delete_post(conn: AsyncConnection, post_id: int, actor: Actor, via: str = "api") -> None:
    """Authors delete their own posts. Anyone else allowed to (the group's admins, a
    moderator) removes it softly instead, and the removal is audited: it is moderation."""
    post, group = await load_post_to_delete(conn, post_id, actor)
    if post.author.id == actor.id:
        await conn.execute(delete(posts).where(posts.c.id == post_id))
        return
    await remove_post(conn, post_id)
    await announce(conn, ContentRemoved("post", post_id, group.id, actor.id, post.title[:80], via))


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
        if not _may_moderate(group, actor):
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
    if comment.author.id != actor.id and not _may_moderate(group, actor):
        raise Forbidden(N_("only the author, the group's admins or a moderator may delete it"))
    return comment, post


async def remove_post(conn: AsyncConnection, post_id: int) -> None:
    """Soft removal (moderation): gone from every list, page and search, kept in the
    database for the audit. Who may do it is the caller's rule (crewup.moderation)."""
    group_id = (
        await conn.execute(
            update(posts)
            .where(posts.c.id == post_id, posts.c.removed_at.is_(None))
            .values(removed_at=clock.now())
            .returning(posts.c.group_id)
        )
    ).scalar_one_or_none()
    if group_id is not None:
        await announce(conn, PostRemoved(post_id, group_id))


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
