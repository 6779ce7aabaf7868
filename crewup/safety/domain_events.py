"""What the safety domain announces. The raise and the resolution leave the transaction
(the notifications handler tells the recipients by their preferences); the live frames
go out after commit in this process, through the hub's pub/sub (crewup.wiring)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from crewup.core.dispatch import DomainEvent


@dataclass(frozen=True)
class AlertRaised(DomainEvent):
    name: ClassVar[str] = "safety.alert_raised"
    logged_text: ClassVar[frozenset[str]] = frozenset({"severity"})
    alert_id: int
    author_id: int
    severity: str
    message: str


@dataclass(frozen=True)
class AlertResolved(DomainEvent):
    name: ClassVar[str] = "safety.alert_resolved"
    alert_id: int
    author_id: int
    resolved_by: int
    note: str


@dataclass(frozen=True)
class AlertBroadcast(DomainEvent):
    """A `safety_alert` frame for every recipient's open sockets. Only this process's
    after-commit delivery needs it, and the ids would bloat the outbox."""

    name: ClassVar[str] = "safety.broadcast"
    logged_text: ClassVar[frozenset[str]] = frozenset({"state", "severity"})
    leaves_transaction: ClassVar[bool] = False
    alert_id: int
    state: str  # "open" when raised, "resolved" when resolved
    severity: str
    message: str
    lat: float
    lon: float
    author_id: int
    author_name: str
    created_at: datetime
    note: str | None
    user_ids: tuple[int, ...]

    def payload(self) -> dict[str, Any]:
        """For the log line every committed event writes: how many, not who (thousands)."""
        return {"alert_id": self.alert_id, "state": self.state, "recipients": len(self.user_ids)}
