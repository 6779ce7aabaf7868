"""Posts inside groups: members write, visibility follows the group. Their comments are
crewup.posts.comments."""

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
from crewup.posts.domain_events import ContentRemoved, PostCreated, PostRemoved
from crewup.posts.tables import posts
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


def may_moderate(group: Group, actor: Actor) -> bool:
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
    if post.author.id != actor.id and not may_moderate(group, actor):
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


async def remove_post(conn: AsyncConnection, post_id: int) -> None:
    """Soft removal (moderation): gone from every list, page and search, kept in the
    database for the audit. Who may do it is the caller's rule (crewup.moderation).
    FOR UPDATE first: a notification fan-out holding the post (KEY SHARE) finishes
    before, so the notifications it made are found and deleted with it."""
    await conn.execute(select(posts.c.id).where(posts.c.id == post_id).with_for_update())
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
