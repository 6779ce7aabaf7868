"""A pooled PostgreSQL connection that died while it waited is swapped before use.

When PostgreSQL restarts (or ends a backend), it tells each client and closes the socket;
asyncpg, whose socket the event loop watches even while the connection idles in the pool,
marks the connection closed as soon as that arrives. So checking that mark when a
connection leaves the pool catches what SQLAlchemy's `pool_pre_ping` catches in the same
case, without its three round trips (BEGIN, a ping, ROLLBACK) on every checkout, which
cost more than the primary-key read they guard. A connection found closed makes the pool
open a new one (SQLAlchemy's documented "pessimistic, by events" recipe).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine


def replace_dead_on_checkout(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        if record.driver_connection.is_closed():
            raise DisconnectionError("the pooled connection was closed by the server")
