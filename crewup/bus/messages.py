"""What travels on the bus, and what handles it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True)
class Message:
    """One outbox row on its way: `id` is the outbox id (unique in the installation, the
    idempotency key), `name` the domain event (the routing key), `attempt` from 1."""

    id: int
    name: str
    payload: dict[str, Any]
    attempt: int = 1

    def retried(self) -> Message:
        return Message(self.id, self.name, self.payload, self.attempt + 1)


# A handler's work for a batch of messages, in one transaction on the given connection.
HandleBatch = Callable[[AsyncConnection, list[Message]], Awaitable[None]]


@dataclass(frozen=True)
class Handler:
    """A consumer of some domain events. Its effects and the record that it processed a
    message commit together, so redelivery never does the work twice."""

    name: str
    events: frozenset[str]
    handle: HandleBatch
    batch_size: int = 100
    # Sends outside the database (mail, push): runs outside any transaction, at least once.
    external: bool = False

    def wants(self, message: Message) -> bool:
        return message.name in self.events
