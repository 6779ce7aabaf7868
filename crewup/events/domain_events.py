"""What happens to events and their seats, for notifications and live updates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from crewup.core.dispatch import DomainEvent


@dataclass(frozen=True)
class RsvpPromoted(DomainEvent):
    """People moved from the waitlist to `going`, in arrival order."""

    name: ClassVar[str] = "rsvp.promoted"
    event_id: int
    user_ids: tuple[int, ...]


@dataclass(frozen=True)
class EventCancelled(DomainEvent):
    name: ClassVar[str] = "event.cancelled"
    event_id: int
    reason: str


@dataclass(frozen=True)
class EventChanged(DomainEvent):
    """Managers edited the event; `fields` names what changed (time and place matter)."""

    name: ClassVar[str] = "event.changed"
    logged_text: ClassVar[frozenset[str]] = frozenset({"fields"})
    event_id: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class RsvpWithdrawn(DomainEvent):
    """Someone going or waitlisted is no longer either: they withdrew, turned to
    `interested`, or their place was released (they left a private group, it turned
    private, the account went). What only participants may read, the event's chat room,
    may be closed to them now."""

    name: ClassVar[str] = "rsvp.withdrawn"
    # Only this process's after-commit callbacks need it (live access to the chat room).
    leaves_transaction: ClassVar[bool] = False
    event_id: int
    user_id: int
