"""Counting the SQL statements an app sends, to prove list endpoints have no N+1."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import event

from crewup.web.appkeys import DB


class StatementCounter:
    def __init__(self, app: web.Application) -> None:
        self.count = 0
        self._engine = app[DB].engine.sync_engine

    def _seen(self, *_: Any) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self._engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: Any) -> None:
        event.remove(self._engine, "before_cursor_execute", self._seen)
