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
