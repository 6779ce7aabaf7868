"""Running a handler on messages exactly once in effect.

Database handlers: one transaction records each message in `processed_messages` (insert
if new) and runs the handler on the new ones only, so a redelivered message is a no-op
and a failure rolls both back. External handlers (mail, push) cannot roll back what they
sent: they read and send outside any transaction, then record each message as processed;
a crash in between sends that one again (at least once), never loses.

A failing batch is retried message by message, so one poison message does not fail its
neighbours. An outage (database or Redis not answering) is not the message's fault: it
propagates, and the broker retries later without counting it against the message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from crewup.bus import processed
from crewup.bus.messages import Handler, Message
from crewup.core.db import Database
from crewup.core.outages import outage_of
from crewup.core.tasks import being_cancelled

log = logging.getLogger("crewup.bus")


@dataclass(frozen=True)
class Failure:
    message: Message
    error: str


async def _unprocessed(db: Database, handler: Handler, messages: list[Message]) -> list[Message]:
    async with db.reading() as conn:
        done = await processed.already(conn, handler.name, [m.id for m in messages])
    return [m for m in messages if m.id not in done]


def _distinct(messages: list[Message]) -> list[Message]:
    """A message may arrive twice in one batch (published again after a relay crashed
    between the broker's confirm and marking the row sent); its effects happen once."""
    return list({m.id: m for m in messages}.values())


async def _once(db: Database, handler: Handler, messages: list[Message]) -> None:
    messages = _distinct(messages)
    if handler.external:
        # One message at a time, recorded as soon as it is sent: a failure later in the
        # batch then repeats nothing that already went out.
        for message in await _unprocessed(db, handler, messages):
            async with db.reading() as conn:
                await handler.handle(conn, [message])
            async with db.transaction() as conn:
                await processed.record_new(conn, handler.name, [message.id])
        return
    async with db.transaction() as conn:
        new_ids = await processed.record_new(conn, handler.name, [m.id for m in messages])
        fresh = [m for m in messages if m.id in new_ids]
        if fresh:
            await handler.handle(conn, fresh)


async def deliver(db: Database, handler: Handler, messages: list[Message]) -> list[Failure]:
    """Run `handler` on `messages`; answers the messages that failed, and why."""
    if not messages:
        return []
    try:
        await _once(db, handler, messages)
        return []
    except Exception as exc:
        if outage_of(exc) is not None or being_cancelled():
            raise
        if len(messages) == 1:
            log.warning(
                "handler failed",
                extra={"handler": handler.name, "message_id": messages[0].id, "error": repr(exc)},
            )
            return [Failure(messages[0], f"{type(exc).__name__}: {exc}"[:1000])]
    failures: list[Failure] = []
    for message in messages:
        failures += await deliver(db, handler, [message])
    return failures
