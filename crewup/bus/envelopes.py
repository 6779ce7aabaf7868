"""How messages travel in RabbitMQ: several outbox rows of one event name in one AMQP
message (an envelope), each row keeping its own id and attempt count.

Every AMQP message costs a socket write, a confirm and a delivery on both sides of the
broker, whatever its size; carrying a relay batch as a few envelopes rather than hundreds
of messages is what lets one worker keep up with thousands of notifications a second.
Nothing else changes: the routing key is the event name, an envelope is acknowledged
only after all its messages are handled or on their way to a retry, and a redelivered
envelope is deduplicated message by message (processed table). A message with no
envelope header (published by an earlier version) still reads as one message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, HeadersType

from crewup.bus.messages import Message

ENVELOPE_HEADER = "x-crewup-envelope"
ATTEMPT_HEADER = "x-crewup-attempt"
ERROR_HEADER = "x-crewup-error"
# Small enough that a redelivered envelope repeats little work (and the processed table
# skips it); large enough that the per-message cost of AMQP disappears.
MAX_PER_ENVELOPE = 100


def envelopes(messages: Sequence[Message]) -> Iterator[tuple[str, aio_pika.Message]]:
    """(routing key, AMQP message) for `messages`, in outbox order: each run of one name
    is an envelope (up to MAX_PER_ENVELOPE), so a handler of several names still sees an
    `event.changed` before the `event.cancelled` that followed it."""
    run: list[Message] = []
    for message in messages:
        if run and (message.name != run[0].name or len(run) == MAX_PER_ENVELOPE):
            yield run[0].name, envelope(run)
            run = []
        run.append(message)
    if run:
        yield run[0].name, envelope(run)


def envelope(messages: Sequence[Message], error: str | None = None) -> aio_pika.Message:
    """One AMQP message carrying `messages` (all of one event name)."""
    body = [[m.id, m.attempt, m.payload] for m in messages]
    headers: HeadersType = {ENVELOPE_HEADER: 1}
    if error is not None:
        headers[ERROR_HEADER] = error[:500]
    return aio_pika.Message(
        body=json.dumps(body, separators=(",", ":")).encode(),
        content_type="application/json",
        message_id=str(messages[0].id),
        type=messages[0].name,
        headers=headers,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


def opened(raw: AbstractIncomingMessage) -> list[Message]:
    """The messages an AMQP message carries."""
    headers = raw.headers or {}
    name = str(raw.type or raw.routing_key or "")
    if headers.get(ENVELOPE_HEADER):
        return [
            Message(id=int(mid), name=name, payload=payload, attempt=int(attempt))
            for mid, attempt, payload in json.loads(raw.body)
        ]
    attempt = headers.get(ATTEMPT_HEADER, 1)
    return [
        Message(
            id=int(raw.message_id or 0),
            name=name,
            payload=json.loads(raw.body),
            attempt=int(attempt) if isinstance(attempt, int) else 1,
        )
    ]
