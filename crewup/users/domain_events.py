"""What happens to accounts, for the other domains to react to (see crewup.wiring)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from crewup.core.dispatch import DomainEvent


@dataclass(frozen=True)
class UserDeleted(DomainEvent):
    """Personal data is erased in this transaction; the others give back what the person
    held (seats, memberships, sessions). A subscriber may refuse with a domain error."""

    name: ClassVar[str] = "user.deleted"
    user_id: int


@dataclass(frozen=True)
class UserBanned(DomainEvent):
    name: ClassVar[str] = "user.banned"
    user_id: int
    reason: str
    expires_at: datetime | None


@dataclass(frozen=True)
class UserUnbanned(DomainEvent):
    name: ClassVar[str] = "user.unbanned"
    user_id: int


@dataclass(frozen=True)
class UserRoleChanged(DomainEvent):
    name: ClassVar[str] = "user.role_changed"
    logged_text: ClassVar[frozenset[str]] = frozenset({"role"})
    user_id: int
    role: str


@dataclass(frozen=True)
class UserRegistered(DomainEvent):
    """A new account: its address gets a confirmation link."""

    name: ClassVar[str] = "user.registered"
    user_id: int
    # The language the person was reading when they asked (pages only): their mail
    # speaks it unless their own setting says otherwise.
    locale: str | None = None
