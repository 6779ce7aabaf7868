"""What is written in groups, for notifications and search to react to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from crewup.core.dispatch import DomainEvent


@dataclass(frozen=True)
class PostCreated(DomainEvent):
    name: ClassVar[str] = "post.created"
    post_id: int
    group_id: int
    author_id: int


@dataclass(frozen=True)
class CommentCreated(DomainEvent):
    name: ClassVar[str] = "comment.created"
    comment_id: int
    post_id: int
    group_id: int
    author_id: int
    post_author_id: int


@dataclass(frozen=True)
class PostRemoved(DomainEvent):
    """A post was taken down (soft removal), by a group's admin or through a report:
    what still points at it (notifications) goes with it."""

    name: ClassVar[str] = "post.removed"
    leaves_transaction: ClassVar[bool] = False
    post_id: int
    group_id: int


@dataclass(frozen=True)
class ContentRemoved(DomainEvent):
    """A group's owner or admin, or a moderator, took down someone else's post or comment
    (soft removal): the audit log records it (crewup.moderation via crewup.wiring).
    `via` is the face it came through (api or page), for the audit row."""

    name: ClassVar[str] = "content.removed"
    logged_text: ClassVar[frozenset[str]] = frozenset({"target_type", "via"})
    leaves_transaction: ClassVar[bool] = False  # nothing outside the transaction reacts
    target_type: str  # post | comment
    target_id: int
    group_id: int
    removed_by: int
    excerpt: str
    via: str
