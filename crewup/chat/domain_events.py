"""What chat announces. Live delivery happens after commit (crewup.wiring): a message is
persisted before anyone sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from crewup.core.dispatch import DomainEvent


@dataclass(frozen=True)
class MessagePosted(DomainEvent):
    name: ClassVar[str] = "chat.message_posted"
    logged_text: ClassVar[frozenset[str]] = frozenset({"room_kind"})
    # Only this process's after-commit delivery needs it; the outbox would only slow chat.
    leaves_transaction: ClassVar[bool] = False
    id: int
    room_kind: str
    room_id: int
    author_id: int
    author_name: str
    body: str
    created_at: datetime
    client_id: str | None


@dataclass(frozen=True)
class MessageEdited(DomainEvent):
    name: ClassVar[str] = "chat.message_edited"
    logged_text: ClassVar[frozenset[str]] = frozenset({"room_kind"})
    leaves_transaction: ClassVar[bool] = False
    id: int
    room_kind: str
    room_id: int
    body: str
    edited_at: datetime


@dataclass(frozen=True)
class MessageDeleted(DomainEvent):
    name: ClassVar[str] = "chat.message_deleted"
    logged_text: ClassVar[frozenset[str]] = frozenset({"room_kind"})
    leaves_transaction: ClassVar[bool] = False
    id: int
    room_kind: str
    room_id: int
    deleted_by: int


@dataclass(frozen=True)
class MessageRemoved(DomainEvent):
    """A group's admin or a moderator took down someone else's message (soft removal):
    the audit log records it (crewup.moderation via crewup.wiring)."""

    name: ClassVar[str] = "chat.message_removed"
    logged_text: ClassVar[frozenset[str]] = frozenset({"room_kind", "via"})
    leaves_transaction: ClassVar[bool] = False
    id: int
    room_kind: str
    room_id: int
    removed_by: int
    excerpt: str
    via: str
