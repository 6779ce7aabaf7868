"""The audit log is append-only in the database itself, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from crewup.moderation.audit import OPERATOR, record
from crewup.moderation.tables import audit_log
from crewup.wiring import open_database


async def test_audit_rows_cannot_be_changed_or_deleted(settings) -> None:
    db = open_database(settings)
    try:
        async with db.transaction() as conn:
            await record(conn, OPERATOR, "user.ban", "user", 1, "spam", {"k": 1})
        for change in (
            update(audit_log).values(reason="nothing happened"),
            delete(audit_log),
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                async with db.transaction() as conn:
                    await conn.execute(change)
        async with db.reading() as conn:
            rows = (await conn.execute(audit_log.select())).all()
        assert [(r.action, r.reason) for r in rows] == [("user.ban", "spam")]
    finally:
        await db.dispose()
