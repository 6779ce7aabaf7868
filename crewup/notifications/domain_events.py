"""What the notifications domain announces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from crewup.core.dispatch import DomainEvent


@dataclass(frozen=True)
class NotificationsCreated(DomainEvent):
    """For live delivery to open sockets after commit; nothing to do elsewhere, so it
    stays out of the outbox (a post to a big group makes thousands at once)."""

    name: ClassVar[str] = "notifications.created"
    leaves_transaction: ClassVar[bool] = False
    user_ids: tuple[int, ...]


@dataclass(frozen=True)
class DeliveryRequested(DomainEvent):
    """A notification the person wants by e-mail or push as well."""

    name: ClassVar[str] = "notification.delivery_requested"
    notification_id: int
    user_id: int
    email: bool
    push: bool
