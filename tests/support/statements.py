"""Counting the SQL statements an app sends, to prove list endpoints have no N+1."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import event

from crewup.web.appkeys import DB
from crewup.web.observability import current_request_id


class StatementCounter:
    """Statements sent while answering requests; the bus's background work (the relay,
    the scheduler) runs outside any request and is not counted."""

    def __init__(self, app: web.Application) -> None:
        self.count = 0
        self._engine = app[DB].engine.sync_engine

    def _seen(self, *_: Any) -> None:
        if current_request_id.get() is not None:
            self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self._engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: Any) -> None:
        event.remove(self._engine, "before_cursor_execute", self._seen)
