"""Counter repair for operators: recompute from the rows and report what was wrong."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.groups.tables import group_members, groups
from crewup.posts.tables import comments, posts


@dataclass(frozen=True)
class CounterFix:
    table: str
    row_id: int
    column: str
    was: int
    now: int


async def _fix(
    conn: AsyncConnection, table: str, ids_and_counts: list[tuple[int, int, int]], column: str
) -> list[CounterFix]:
    target = groups if table == "groups" else posts
    fixes = []
    for row_id, was, actual in ids_and_counts:
        await conn.execute(update(target).where(target.c.id == row_id).values({column: actual}))
        fixes.append(CounterFix(table, row_id, column, was, actual))
    return fixes


async def recount(conn: AsyncConnection) -> list[CounterFix]:
    """member_count and comment_count, checked against the rows in one query each."""
    members = (
        select(group_members.c.group_id, func.count().label("n"))
        .group_by(group_members.c.group_id)
        .subquery()
    )
    actual_members = func.coalesce(members.c.n, 0)
    wrong_groups = (
        await conn.execute(
            select(groups.c.id, groups.c.member_count, actual_members)
            .outerjoin(members, members.c.group_id == groups.c.id)
            .where(groups.c.member_count != actual_members)
            .order_by(groups.c.id)
        )
    ).all()
    replies = (
        select(comments.c.post_id, func.count().label("n")).group_by(comments.c.post_id).subquery()
    )
    actual_comments = func.coalesce(replies.c.n, 0)
    wrong_posts = (
        await conn.execute(
            select(posts.c.id, posts.c.comment_count, actual_comments)
            .outerjoin(replies, replies.c.post_id == posts.c.id)
            .where(posts.c.comment_count != actual_comments)
            .order_by(posts.c.id)
        )
    ).all()
    return [
        *await _fix(conn, "groups", [tuple(r) for r in wrong_groups], "member_count"),
        *await _fix(conn, "posts", [tuple(r) for r in wrong_posts], "comment_count"),
    ]
