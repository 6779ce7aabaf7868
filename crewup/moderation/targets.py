"""What can be reported: finding a target as the reporter sees it, describing targets for
the queue, and removing content. Each kind is read through its own domain's rules."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.chat import service as chat
from crewup.chat.tables import chat_messages
from crewup.core.errors import Invalid, NotFound
from crewup.core.identity import Actor
from crewup.core.marks import N_, W_
from crewup.events.access import load_event
from crewup.events.tables import events
from crewup.groups.access import load_group
from crewup.groups.tables import groups
from crewup.posts import comments as post_comments
from crewup.posts import service as posts
from crewup.posts.tables import comments
from crewup.posts.tables import posts as posts_table
from crewup.ratings import service as ratings
from crewup.ratings.tables import ratings as ratings_table
from crewup.users import service as users
from crewup.users.tables import users as users_table

EXCERPT_CHARS = 80


class TargetType(enum.StrEnum):
    user = "user"
    group = "group"
    event = "event"
    post = "post"
    comment = "comment"
    message = "message"
    rating = "rating"


# Content that `remove_content` soft-deletes; people, groups and events are dealt with
# by banning (or by their own owners).
REMOVABLE = (TargetType.post, TargetType.comment, TargetType.message, TargetType.rating)


@dataclass(frozen=True)
class Target:
    type: TargetType
    id: int
    excerpt: str
    owner_id: int | None  # the person answerable for it: the user, author, owner, creator
    removed: bool = False


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "\u2026"


async def seen_by(conn: AsyncConnection, kind: TargetType, target_id: int, actor: Actor) -> Target:
    """The target if this person can see it; NotFound otherwise (a private group's content
    stays invisible to outsiders, even to report it)."""
    match kind:
        case TargetType.user:
            account = await users.get_account(conn, target_id)
            return Target(kind, target_id, excerpt(account.display_name), account.id)
        case TargetType.group:
            group = await load_group(conn, target_id, actor)
            return Target(kind, target_id, excerpt(group.name), group.owner_id)
        case TargetType.event:
            event = await load_event(conn, target_id, actor)
            return Target(kind, target_id, excerpt(event.title), event.creator_id)
        case TargetType.post:
            post, _ = await posts.load_post(conn, target_id, actor)
            return Target(kind, target_id, excerpt(post.title), post.author.id)
        case TargetType.comment:
            comment, _, _ = await post_comments.load_comment(conn, target_id, actor)
            return Target(kind, target_id, excerpt(comment.body), comment.author.id)
        case TargetType.message:
            message = await chat.load_message(conn, target_id, actor)
            return Target(kind, target_id, excerpt(message.body), message.author_id)
        case TargetType.rating:
            rating = await ratings.seen_rating(conn, target_id, actor)
            return Target(kind, target_id, excerpt(rating.comment), rating.rater_id)
    raise NotFound(f"{kind} {target_id} not found")  # pragma: no cover - enum is closed


_OPERATOR_VIEW = {
    # kind: (table, the column the excerpt shows, the answerable person)
    TargetType.user: (users_table, users_table.c.display_name, users_table.c.id),
    TargetType.group: (groups, groups.c.name, groups.c.owner_id),
    TargetType.event: (events, events.c.title, events.c.creator_id),
    TargetType.post: (posts_table, posts_table.c.title, posts_table.c.author_id),
    TargetType.comment: (comments, comments.c.body, comments.c.author_id),
    TargetType.message: (chat_messages, chat_messages.c.body, chat_messages.c.author_id),
    TargetType.rating: (ratings_table, ratings_table.c.comment, ratings_table.c.rater_id),
}


async def describe(
    conn: AsyncConnection, wanted: Sequence[tuple[TargetType, int]]
) -> dict[tuple[TargetType, int], Target]:
    """The moderators' view of many targets (hidden and removed ones too): one primary-key
    statement per kind on the page, not one per report."""
    found: dict[tuple[TargetType, int], Target] = {}
    for kind in TargetType:
        ids = sorted({i for k, i in wanted if k is kind})
        if not ids:
            continue
        table, text, owner = _OPERATOR_VIEW[kind]
        removed = table.c.removed_at if "removed_at" in table.c else None
        columns = [table.c.id, text.label("text"), owner.label("owner")]
        if removed is not None:
            columns.append(removed.label("removed_at"))
        for row in await conn.execute(select(*columns).where(table.c.id.in_(ids))):
            gone = removed is not None and row.removed_at is not None
            found[(kind, row.id)] = Target(kind, row.id, excerpt(row.text), row.owner, gone)
    return found


async def describe_one(conn: AsyncConnection, kind: TargetType, target_id: int) -> Target:
    found = (await describe(conn, [(kind, target_id)])).get((kind, target_id))
    if found is None:
        raise NotFound(f"{kind} {target_id} no longer exists")
    return found


async def remove(conn: AsyncConnection, target: Target, actor_id: int | None) -> None:
    """Soft-delete content; the row stays for the audit."""
    match target.type:
        case TargetType.post:
            await posts.remove_post(conn, target.id)
        case TargetType.comment:
            await post_comments.remove_comment(conn, target.id)
        case TargetType.message:
            await chat.remove_message(conn, target.id, actor_id)
        case TargetType.rating:
            await ratings.remove_rating(conn, target.id)
        case _:
            raise Invalid(
                N_(
                    "a %(kind)s cannot be removed as content; ban its owner instead",
                    kind=W_(target.type),
                ),
            )
