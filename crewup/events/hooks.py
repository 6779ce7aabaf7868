"""Where event changes reach people. The notifications module (a later issue) plugs in
here; until then these record what happened in the log, in the same transaction's
context, so nothing is silently dropped from the design."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncConnection

log = logging.getLogger("crewup.events")


async def participants_promoted(conn: AsyncConnection, event_id: int, user_ids: list[int]) -> None:
    log.info("waitlist promoted", extra={"event_id": event_id, "user_ids": user_ids})


async def event_cancelled(conn: AsyncConnection, event_id: int, reason: str) -> None:
    log.info("event cancelled", extra={"event_id": event_id})
