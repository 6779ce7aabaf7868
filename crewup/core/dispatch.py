"""Domain events inside the transaction that caused them.

A service announces what happened (`await announce(conn, MemberLeft(...))`); the
subscribers declared in one place (crewup.wiring) react on the same connection, in the
same transaction, so their changes commit or roll back with the change itself. A
subscriber that raises a domain error refuses the whole change (an owner cannot delete
their account while they own groups).

This is how one domain reacts to another without importing it: groups announces
`member.left`, events subscribes and releases the seats. The outbox is one more
subscriber of every event; after-commit callbacks (live updates, cache invalidation)
run only once the transaction has committed.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

log = logging.getLogger("crewup.dispatch")

MAX_DEPTH = 8
_UNIT_KEY = "crewup.unit_of_work"


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    """Something that happened; subclasses are frozen dataclasses with a dotted `name`."""

    name: ClassVar[str] = "domain.event"
    # Written to the outbox for handlers elsewhere; False for events that only matter to
    # subscribers and after-commit callbacks in this process.
    leaves_transaction: ClassVar[bool] = True

    # Text fields the log may carry (kinds, states, names of fields). Any other text is
    # what people wrote (chat, alerts, ban reasons) or a secret (sealed tokens): an
    # operator's log is no place for it.
    logged_text: ClassVar[frozenset[str]] = frozenset()

    def payload(self) -> dict[str, Any]:
        """JSON-ready fields (instants as ISO-8601 UTC strings)."""
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in dataclasses.asdict(self).items()
        }

    def log_fields(self) -> dict[str, Any]:
        """What the log says of it: ids, counts, flags, instants and `logged_text`; not
        what people wrote, where they are (coordinates), or secrets."""
        fields: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            key, value = field.name, getattr(self, field.name)
            if isinstance(value, datetime):
                fields[key] = value.isoformat()
            elif value is None or isinstance(value, int) or key in self.logged_text:
                fields[key] = value  # int covers bool
            elif isinstance(value, tuple) and all(isinstance(v, int) for v in value):
                fields[key] = list(value) if len(value) <= _LOGGED_IDS else f"{len(value)} ids"
        return fields


_LOGGED_IDS = 20  # a broadcast to thousands is one log line, not a page of ids


E = TypeVar("E", bound=DomainEvent)
Subscriber = Callable[[AsyncConnection, Any], Awaitable[None]]
Callback = Callable[[Any], Awaitable[None]]


class Dispatcher:
    """Who reacts to what. Built once by the composition root, shared by every face."""

    def __init__(self) -> None:
        self._subscribers: dict[type[DomainEvent], list[Subscriber]] = defaultdict(list)
        self._every: list[Subscriber] = []
        self._callbacks: dict[type[DomainEvent], list[Callback]] = defaultdict(list)
        self._every_callback: list[Callback] = []

    def subscribe(
        self, kind: type[E], subscriber: Callable[[AsyncConnection, E], Awaitable[None]]
    ) -> None:
        """React inside the announcing transaction."""
        self._subscribers[kind].append(subscriber)

    def subscribe_every(self, subscriber: Subscriber) -> None:
        """React to every event inside its transaction (the outbox)."""
        self._every.append(subscriber)

    def after_commit(self, kind: type[E], callback: Callable[[E], Awaitable[None]]) -> None:
        """Run once the announcing transaction has committed; never on rollback."""
        self._callbacks[kind].append(callback)

    def after_commit_every(self, callback: Callback) -> None:
        self._every_callback.append(callback)

    def subscribers_of(self, kind: type[DomainEvent]) -> list[Subscriber]:
        return [*self._subscribers.get(kind, ()), *self._every]

    async def dispatch(self, conn: AsyncConnection, event: DomainEvent, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise RuntimeError(f"domain events nest deeper than {MAX_DEPTH}: {event.name}")
        for subscriber in self.subscribers_of(type(event)):
            await subscriber(conn, event)

    async def committed(self, events: list[DomainEvent]) -> None:
        """After commit: a failing callback is logged, never undoes what was committed."""
        for event in events:
            for callback in (*self._callbacks.get(type(event), ()), *self._every_callback):
                try:
                    await callback(event)
                except Exception:
                    log.exception("after-commit callback failed", extra={"event": event.name})


class UnitOfWork:
    """The events announced in one transaction, kept for the after-commit callbacks."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.announced: list[DomainEvent] = []
        self.depth = 0
        self._info: dict[Any, Any] | None = None

    def bind(self, conn: AsyncConnection) -> None:
        self._info = conn.info
        self._info[_UNIT_KEY] = self

    def unbind(self) -> None:
        # Through the dict kept at bind time: a connection a cancellation interrupted
        # refuses every access (even to `info`) until rolled back, and the original
        # error must surface, not that refusal.
        if self._info is not None:
            self._info.pop(_UNIT_KEY, None)
            self._info = None

    async def after_commit(self) -> None:
        await self.dispatcher.committed(self.announced)


async def announce(conn: AsyncConnection, event: DomainEvent) -> None:
    """Tell the subscribers, inside this transaction. Only connections opened by
    `Database.transaction()` carry a unit of work; anything else is a programming error."""
    unit = conn.info.get(_UNIT_KEY)
    if not isinstance(unit, UnitOfWork):
        raise RuntimeError(f"announce({event.name}) needs a connection from Database.transaction()")
    unit.announced.append(event)
    unit.depth += 1
    try:
        await unit.dispatcher.dispatch(conn, event, unit.depth)
    finally:
        unit.depth -= 1
