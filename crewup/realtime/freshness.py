"""Cached public answers stay fresh across processes: every commit here tells the other
processes, through the pub/sub, that their cached answers may be stale (the answer cache
keys on the database's write generation; see crewup.web.answer_cache).

Commits are coalesced: however many land in one turn of the event loop, one envelope
goes out."""

from __future__ import annotations

import asyncio
from typing import Any

from crewup.core.db import Database
from crewup.realtime.hub import Hub

KIND = "writes"


class Freshness:
    def __init__(self, db: Database, hub: Hub) -> None:
        self._db = db
        self._hub = hub
        self._pending = False
        db.on_commit.append(self._committed)
        hub.on_kind(KIND, self._elsewhere)

    def _committed(self) -> None:
        if self._pending:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # committed outside an event loop's task (a thread): nothing to tell
        self._pending = True
        loop.call_soon(self._send)

    def _send(self) -> None:
        self._pending = False
        self._hub.spawn(self._hub.publish({"k": KIND, "origin": self._hub.origin}))

    def _elsewhere(self, envelope: dict[str, Any]) -> None:
        if envelope.get("origin") != self._hub.origin:
            self._db.written_elsewhere()
