"""What happens in groups, for the other domains to react to (see crewup.wiring)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from crewup.core.dispatch import DomainEvent


@dataclass(frozen=True)
class MemberJoined(DomainEvent):
    name: ClassVar[str] = "member.joined"
    group_id: int
    user_id: int


@dataclass(frozen=True)
class MemberLeft(DomainEvent):
    """Left, or was removed (`removed_by` the manager), or the account was deleted."""

    name: ClassVar[str] = "member.left"
    group_id: int
    user_id: int
    group_private: bool
    removed_by: int | None = None


@dataclass(frozen=True)
class MemberDemoted(DomainEvent):
    """An admin became a plain member: no longer an organiser of the group's events."""

    name: ClassVar[str] = "member.demoted"
    # Only this process's after-commit callbacks need it (live access to event rooms).
    leaves_transaction: ClassVar[bool] = False
    group_id: int
    user_id: int


@dataclass(frozen=True)
class JoinRequested(DomainEvent):
    name: ClassVar[str] = "join.requested"
    group_id: int
    user_id: int


@dataclass(frozen=True)
class JoinDecided(DomainEvent):
    name: ClassVar[str] = "join.decided"
    group_id: int
    user_id: int
    approved: bool
    decided_by: int


@dataclass(frozen=True)
class InviteCreated(DomainEvent):
    name: ClassVar[str] = "invite.created"
    group_id: int
    user_id: int
    invited_by: int


@dataclass(frozen=True)
class GroupMadePrivate(DomainEvent):
    """A public group turned private: outsiders can no longer see its events."""

    name: ClassVar[str] = "group.made_private"
    group_id: int


@dataclass(frozen=True)
class GroupDeleted(DomainEvent):
    """A group is about to be deleted, with its events (told before the rows go, so the
    events' subscribers can still read them)."""

    name: ClassVar[str] = "group.deleted"
    leaves_transaction: ClassVar[bool] = False
    group_id: int
