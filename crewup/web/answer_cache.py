"""Recent answers to anonymous public queries, kept as the response bytes.

A public "what is on near X" page is asked the same question by many people at once; the
answer is the same for all of them until something is written. An entry remembers the
database's write generation from before its query ran and is never served once any write
has committed in this process since, so a person never misses their own change. Writes
made elsewhere (the admin CLI, a second instance) show after at most `ttl_seconds`.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from crewup.core.db import Database


@dataclass(frozen=True)
class _Entry:
    generation: int
    expires_at: float
    body: bytes


class AnswerCache:
    def __init__(self, db: Database, ttl_seconds: float, max_bytes: int = 16 * 2**20) -> None:
        self._db = db
        self._ttl = ttl_seconds
        # Bounded by size, not count: anyone can ask for many different pages.
        self._max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._in_flight: dict[tuple[Hashable, int], asyncio.Future[bytes]] = {}

    async def answer(self, key: Hashable, compute: Callable[[], Awaitable[bytes]]) -> bytes:
        """The stored answer to `key`, or `compute()`'s. People who ask while it is being
        computed share that one query instead of each running their own, but only if no
        write has landed since it began."""
        if self._ttl <= 0:
            return await compute()
        generation = self._db.write_generation
        entry = self._entries.get(key)
        if entry is not None:
            if entry.generation == generation and entry.expires_at > time.monotonic():
                self._entries.move_to_end(key)
                return entry.body
            self._drop(key)
        flight = self._in_flight.get((key, generation))
        if flight is None:
            flight = asyncio.ensure_future(compute())
            self._in_flight[key, generation] = flight
            flight.add_done_callback(lambda done: self._landed(key, generation, done))
        # Shielded: one asker hanging up must not cancel the answer for the others.
        return await asyncio.shield(flight)

    def _landed(self, key: Hashable, generation: int, flight: asyncio.Future[bytes]) -> None:
        del self._in_flight[key, generation]
        if flight.cancelled() or flight.exception() is not None:
            return  # errors are not stored; whoever asked has them
        if generation != self._db.write_generation:
            return  # a write landed while we were asking: this answer may already be old
        body = flight.result()
        if len(body) > self._max_bytes:
            return
        self._drop(key)
        self._entries[key] = _Entry(generation, time.monotonic() + self._ttl, body)
        self._bytes += len(body)
        while self._bytes > self._max_bytes:
            self._drop(next(iter(self._entries)))  # least recently used first

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.body)
