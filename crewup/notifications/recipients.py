"""Who hears of what: each domain event that notifies people, turned into a kind, the
query that selects its recipients, the names its wording needs, and where it links.

Recipients are selected by SQL, never loaded into Python one by one, so a post to a group
of thousands costs the same few statements as a post to a group of three. Names are read
at the moment the message is handled (what the person was called then is what they see).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, literal, select, union
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.bus.messages import Message
from crewup.events.tables import event_participants, events
from crewup.groups.tables import group_members, groups
from crewup.notifications.fanout import Members
from crewup.notifications.kinds import Kind
from crewup.posts.tables import comments, posts
from crewup.safety.tables import safety_alert_recipients
from crewup.users.tables import users

WHERE_CHANGES_MATTER = {"starts_at", "ends_at", "location_name", "lat", "lon"}


@dataclass(frozen=True)
class Notice:
    kind: Kind
    # A query of user ids, or a group's members but one (a whole batch of those is one
    # set-based statement: notifications.fanout).
    recipients: Select[Any] | Members
    data: dict[str, Any]
    url: str


# Payload keys that name a person whose name a notice's wording may need.
_NAMED = ("author_id", "user_id", "invited_by")


class Lookup:
    """The names and titles a batch of messages needs, each read once per batch (a
    hundred posts in one group by one person read the group and the person once)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self._people: dict[int, str] = {}
        self._groups: dict[int, str | None] = {}
        self._events: dict[int, Any] = {}
        self._posts: dict[int, Any] = {}

    async def preload(self, payloads: list[dict[str, Any]]) -> None:
        """Read the posts and people a batch mentions in one statement each, rather than
        a round trip per message (a burst of posts is a batch of distinct posts)."""
        post_ids = {p["post_id"] for p in payloads if isinstance(p.get("post_id"), int)}
        post_ids -= set(self._posts)
        if post_ids:
            # A removed post notifies nobody. Its removal deletes the notifications made
            # so far (notifications.removed_posts) and takes the post FOR UPDATE first,
            # which waits for this KEY SHARE: it then finds these notifications, or
            # this batch waits for it and finds the post removed. KEY SHARE, not SHARE:
            # a comment's count update on the post need not wait for a fan-out.
            rows = await self.conn.execute(
                select(posts.c.id, posts.c.title, groups.c.name.label("group"), groups.c.visibility)
                .join(groups, groups.c.id == posts.c.group_id)
                .where(posts.c.id.in_(sorted(post_ids)), posts.c.removed_at.is_(None))
                .order_by(posts.c.id)
                .with_for_update(read=True, key_share=True, of=posts)
            )
            found = {row.id: row for row in rows}
            self._posts.update({post_id: found.get(post_id) for post_id in post_ids})
        people = {p[key] for p in payloads for key in _NAMED if isinstance(p.get(key), int)}
        people -= set(self._people)
        if people:
            rows = await self.conn.execute(
                select(users.c.id, users.c.display_name).where(users.c.id.in_(sorted(people)))
            )
            names = {row.id: str(row.display_name) for row in rows if row.display_name}
            self._people.update({user: names.get(user, "someone") for user in people})

    async def post(self, post_id: int) -> Any:
        """The post's title, its group's name and visibility, or None if it is gone or
        removed."""
        if post_id not in self._posts:
            await self.preload([{"post_id": post_id}])
        return self._posts[post_id]

    async def name(self, user_id: int | None) -> str:
        if user_id is None:
            return "someone"
        if user_id not in self._people:
            found = (
                await self.conn.execute(select(users.c.display_name).where(users.c.id == user_id))
            ).scalar_one_or_none()
            self._people[user_id] = str(found) if found else "someone"
        return self._people[user_id]

    async def group_name(self, group_id: int) -> str | None:
        if group_id not in self._groups:
            found = (
                await self.conn.execute(select(groups.c.name).where(groups.c.id == group_id))
            ).scalar_one_or_none()
            self._groups[group_id] = str(found) if found is not None else None
        return self._groups[group_id]

    async def event(self, event_id: int) -> Any:
        if event_id not in self._events:
            self._events[event_id] = (
                await self.conn.execute(
                    select(events.c.title, events.c.group_id).where(events.c.id == event_id)
                )
            ).first()
        return self._events[event_id]


Plan = Callable[[Lookup, dict[str, Any]], Awaitable[list[Notice]]]


def _just(*user_ids: int) -> Select[Any]:
    return select(users.c.id).where(users.c.id.in_(user_ids))


def _managers(group_id: int) -> Select[Any]:
    return select(group_members.c.user_id).where(
        group_members.c.group_id == group_id, group_members.c.role.in_(["owner", "admin"])
    )


def _participants(event_id: int, statuses: tuple[str, ...]) -> Select[Any]:
    return select(event_participants.c.user_id).where(
        event_participants.c.event_id == event_id, event_participants.c.status.in_(statuses)
    )


async def _actor(lookup: Lookup, user_id: int | None) -> dict[str, Any]:
    """Who did it: the name as it was, and the id, so a name erased since is not shown
    (notifications.service reads it as "deleted user")."""
    return {"actor": await lookup.name(user_id), "actor_id": user_id}


async def join_requested(lookup: Lookup, p: dict[str, Any]) -> list[Notice]:
    group = await lookup.group_name(p["group_id"])
    if group is None:
        return []
    data = {"group": group, **await _actor(lookup, p["user_id"])}
    url = f"/groups/{p['group_id']}"
    return [Notice(Kind.join_request, _managers(p["group_id"]), data, url)]


async def join_decided(lookup: Lookup, p: dict[str, Any]) -> list[Notice]:
    group = await lookup.group_name(p["group_id"])
    if group is None:
        return []
    if not p["approved"]:
        # The asker never saw the private group: a refusal does not name it either
        # (a review), and links to the directory rather than to a 404.
        return [Notice(Kind.join_answer, _just(p["user_id"]), {"approved": False}, "/groups")]
    data = {"group": group, "approved": True}
    return [Notice(Kind.join_answer, _just(p["user_id"]), data, f"/groups/{p['group_id']}")]


async def invite_created(lookup: Lookup, p: dict[str, Any]) -> list[Notice]:
    group = await lookup.group_name(p["group_id"])
    if group is None:
        return []
    data = {"group": group, **await _actor(lookup, p["invited_by"])}
    return [Notice(Kind.invite, _just(p["user_id"]), data, f"/groups/{p['group_id']}")]


async def post_created(lookup: Lookup, p: dict[str, Any]) -> list[Notice]:
    post = await lookup.post(p["post_id"])
    if post is None:
        return []
    members = Members(p["group_id"], p["author_id"])
    data = {"group": post.group, "title": post.title, **await _actor(lookup, p["author_id"])}
    return [Notice(Kind.new_post, members, data, f"/posts/{p['post_id']}")]


async def comment_created(lookup: Lookup, p: dict[str, Any]) -> list[Notice]:
    """The post's author and whoever commented before, if they may still read it."""
    post = await lookup.post(p["post_id"])
    if post is None:
        return []
    earlier = select(comments.c.author_id.label("user_id")).where(
        comments.c.post_id == p["post_id"], comments.c.id < p["comment_id"]
    )
    thread = union(select(literal(p["post_author_id"]).label("user_id")), earlier).subquery()
    readers = select(thread.c.user_id).where(thread.c.user_id != p["author_id"])
    if post.visibility == "private":
        readers = readers.where(
            thread.c.user_id.in_(
                select(group_members.c.user_id).where(group_members.c.group_id == p["group_id"])
            )
        )
    data = {"title": post.title, **await _actor(lookup, p["author_id"])}
    return [Notice(Kind.reply, readers, data, f"/posts/{p['post_id']}")]


async def rsvp_promoted(lookup: Lookup, p: dict[str, Any]) -> list[Notice]:
    event = await lookup.event(p["event_id"])
    if event is None or not p["user_ids"]:
        return []
    data = {"event": event.title}
    return [Notice(Kind.promoted, _just(*p["user_ids"]), data, f"/events/{p['event_id']}")]


async def event_cancelled(lookup: Lookup, p: dict[str, Any]) -> list[Notice]:
    event = await lookup.event(p["event_id"])
    if event is None:
        return []
    everyone = _participants(p["event_id"], ("going", "waitlisted", "interested"))
    data = {"event": event.title, "reason": p.get("reason", "")}
    return [Notice(Kind.event_cancelled, everyone, data, f"/events/{p['event_id']}")]


async def event_changed(lookup: Lookup, p: dict[str, Any]) -> list[Notice]:
    if not WHERE_CHANGES_MATTER & set(p.get("fields", ())):
        return []  # a new description is not worth interrupting people for
    event = await lookup.event(p["event_id"])
    if event is None:
        return []
    everyone = _participants(p["event_id"], ("going", "waitlisted", "interested"))
    data = {"event": event.title, "fields": sorted(p["fields"])}
    return [Notice(Kind.event_changed, everyone, data, f"/events/{p['event_id']}")]


def _alert_recipients(alert_id: int) -> Select[Any]:
    """Stored when the alert was raised (crewup.safety.recipients), one row per person."""
    return select(safety_alert_recipients.c.user_id).where(
        safety_alert_recipients.c.alert_id == alert_id
    )


async def alert_raised(lookup: Lookup, p: dict[str, Any]) -> list[Notice]:
    data = {
        **await _actor(lookup, p["author_id"]),
        "severity": p["severity"],
        "message": str(p["message"])[:200],
    }
    url = f"/safety/alerts/{p['alert_id']}"
    return [Notice(Kind.safety_alert, _alert_recipients(p["alert_id"]), data, url)]


async def alert_resolved(lookup: Lookup, p: dict[str, Any]) -> list[Notice]:
    """Everyone it reached; the author too when a moderator resolved it."""
    told = _alert_recipients(p["alert_id"])
    if p["resolved_by"] != p["author_id"]:
        told = union(told, _just(p["author_id"])).subquery().select()
    data = {
        "resolved": True,
        "author": await lookup.name(p["author_id"]),
        "note": str(p.get("note") or "")[:200],
    }
    return [Notice(Kind.safety_alert, told, data, f"/safety/alerts/{p['alert_id']}")]


PLANS: dict[str, Plan] = {
    "join.requested": join_requested,
    "join.decided": join_decided,
    "invite.created": invite_created,
    "post.created": post_created,
    "comment.created": comment_created,
    "rsvp.promoted": rsvp_promoted,
    "event.cancelled": event_cancelled,
    "event.changed": event_changed,
    "safety.alert_raised": alert_raised,
    "safety.alert_resolved": alert_resolved,
}


async def notices_for(lookup: Lookup, message: Message) -> list[Notice]:
    plan = PLANS.get(message.name)
    return await plan(lookup, message.payload) if plan else []
