"""Telling an outage from a bug: a dependency that does not answer (Redis, the database,
a pool with no free connection, a deadlock PostgreSQL broke) is a 503 with Retry-After,
answered at once, and the next request tries again. redis-py reconnects by itself and
SQLAlchemy discards connections found dead, so service resumes when the dependency does,
without a restart."""

from __future__ import annotations

import sys

from limits.errors import StorageError
from sqlalchemy import exc as sa

from crewup.core.marks import N_
from crewup.core.media import MediaStoreUnreachable
from crewup.core.quick_reads import DatabaseConnectionLost

RETRY_AFTER_SECONDS = 5
_TOO_MANY_CONNECTIONS = "53300"  # max_connections reached: busy, try again shortly
_BUSY_SQLSTATES = {"40P01", "40001", "55P03"}  # deadlock, serialization failure, lock timeout


# How long start-up waits for the database's first answer (asyncpg's own is 60 s).
STARTUP_CHECK_SECONDS = 20.0


def failure_reason(error: BaseException) -> str:
    """One line for an operator about why a dependency could not be used; never empty
    (a timeout's own text is)."""
    if isinstance(error, TimeoutError):
        return "no answer in time (is something else listening on that port?)"
    text = str(getattr(error, "orig", None) or error).strip()
    return text or type(error).__name__


def sqlstate_of(error: sa.DBAPIError) -> str | None:
    """PostgreSQL's SQLSTATE behind a SQLAlchemy error, whichever driver raised it."""
    orig = error.orig
    for candidate in (orig, getattr(orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def outage_of(error: BaseException) -> str | None:
    """What is unavailable, in a few words for the person; None for anything else."""
    # Not imported here: a process that never loaded redis-py has no such error.
    redis_errors = sys.modules.get("redis.exceptions")
    if redis_errors is not None and isinstance(
        error, redis_errors.ConnectionError | redis_errors.TimeoutError
    ):
        return N_("a service CrewUp needs (Redis) is not answering")
    if isinstance(error, StorageError):
        return N_("a service CrewUp needs (Redis) is not answering")
    if isinstance(error, sa.TimeoutError):
        return N_("the database is too busy to take this request")
    if isinstance(error, DatabaseConnectionLost):
        return N_("the database is not answering")
    if isinstance(error, sa.DBAPIError):
        if sqlstate_of(error) == _TOO_MANY_CONNECTIONS:
            return N_("the database is too busy to take this request")
        if sqlstate_of(error) in _BUSY_SQLSTATES:
            return N_("the database is busy with other changes to the same thing")
        if error.connection_invalidated or isinstance(
            error, sa.OperationalError | sa.InterfaceError
        ):
            return N_("the database is not answering")
        return None
    # Likewise for asyncpg (a process on SQLite).
    asyncpg = sys.modules.get("asyncpg")
    if asyncpg is not None and isinstance(
        error, asyncpg.PostgresConnectionError | asyncpg.CannotConnectNowError
    ):
        return N_("the database is not answering")
    if asyncpg is not None and isinstance(error, asyncpg.TooManyConnectionsError):
        return N_("the database is too busy to take this request")
    if isinstance(error, MediaStoreUnreachable):
        return N_("the picture store is not answering")
    if isinstance(error, ConnectionError | TimeoutError):
        return N_("a service CrewUp needs is not answering")
    return None
