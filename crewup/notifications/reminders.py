"""Event reminders, 24 hours and 1 hour before, to the people going. Each reminder is
recorded before it is sent (in the same transaction), so however many workers tick, and
however often, it goes out once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.db import insert_new
from crewup.events.tables import event_participants, events
from crewup.notifications.kinds import Kind
from crewup.notifications.service import notify
from crewup.notifications.tables import event_reminders

# (label, how long before the start); an event planned at short notice gets only the
# reminders whose moment has not passed.
LEADS = (("24h", timedelta(hours=24), timedelta(hours=1)), ("1h", timedelta(hours=1), None))


async def send_reminders(conn: AsyncConnection) -> int:
    now = clock.now()
    sent = 0
    for label, lead, later_lead in LEADS:
        starting = select(events.c.id, events.c.title, events.c.starts_at).where(
            events.c.status == "scheduled",
            events.c.starts_at > now + (later_lead or timedelta(0)),
            events.c.starts_at <= now + lead,
        )
        due = {row.id: row for row in await conn.execute(starting)}
        rows = [{"event_id": e, "lead_time": label, "sent_at": now} for e in sorted(due)]
        fresh = await insert_new(conn, event_reminders, rows, ["event_id", "lead_time"], "event_id")
        for event_id in sorted(fresh):
            going = select(event_participants.c.user_id).where(
                event_participants.c.event_id == event_id,
                event_participants.c.status == "going",
            )
            event = due[event_id]
            # The time left, not the reminder's label: an event planned two hours ahead
            # gets the "24h" reminder at once, and read "starts in 24 hours" (a trial).
            left = event.starts_at - now
            data: dict[str, object] = {
                "event": event.title,
                "lead_time": "1 hour" if label == "1h" else "24 hours",  # which reminder
            }
            if left < timedelta(hours=1):  # "1 hour" for ten minutes away misleads too
                data["minutes"] = max(1, round(left / timedelta(minutes=1)))
            else:
                data["hours"] = round(left / timedelta(hours=1))
            sent += await notify(conn, Kind.event_reminder, going, data, f"/events/{event_id}")
    return sent
