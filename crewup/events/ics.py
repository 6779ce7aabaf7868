"""iCalendar (RFC 5545) for single events and personal feeds, built with `icalendar`."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock, ids
from crewup.core.db import upsert
from crewup.events.access import Event, EventStatus
from crewup.events.tables import calendar_feeds

PRODID = "-//CrewUp//crewup//EN"
_BREAKS = re.compile(r"[\x00-\x1f\x7f]+")


def _one_line(text: str) -> str:
    """Names and places are one line; rows written before that rule may hold breaks or
    control characters, which the calendar format cannot carry outside descriptions."""
    return _BREAKS.sub(" ", text).strip()


def _text(text: str) -> str:
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)


def render(events: list[Event], public_url: str, name: str) -> bytes:
    from icalendar import Calendar, vGeo  # on the first .ics asked for: ~3 MB RSS
    from icalendar import Event as VEvent

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _one_line(name))
    host = public_url.split("://", 1)[-1].split("/", 1)[0]
    for event in events:
        entry = VEvent()
        entry.add("uid", f"event-{event.id}@{host}")
        entry.add("dtstamp", clock.now())
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("summary", _one_line(event.title))
        entry.add("location", _one_line(event.location_name))
        entry["geo"] = vGeo((event.lat, event.lon))
        entry.add("url", f"{public_url}/events/{event.id}")
        entry.add("last-modified", event.updated_at)
        # Clients replace their copy when the sequence grows; edits bump updated_at.
        entry.add("sequence", int(event.updated_at.timestamp()) - int(event.created_at.timestamp()))
        description = event.description
        if event.status is EventStatus.cancelled:
            entry.add("status", "CANCELLED")
            description = f"Cancelled: {event.cancel_reason or ''}\n\n{description}".strip()
        else:
            entry.add("status", "CONFIRMED")
        if description:
            entry.add("description", _text(description))
        calendar.add_component(entry)
    return calendar.to_ical()


async def issue_feed_token(conn: AsyncConnection, user_id: int) -> str:
    """A new secret feed URL; any older one stops working."""
    token = ids.new_token()
    values = {"user_id": user_id, "token_hash": ids.token_digest(token), "created_at": clock.now()}
    await upsert(conn, calendar_feeds, values, keys=["user_id"])
    return token


async def revoke_feed_token(conn: AsyncConnection, user_id: int) -> None:
    await conn.execute(delete(calendar_feeds).where(calendar_feeds.c.user_id == user_id))


async def feed_owner(conn: AsyncConnection, token: str) -> int | None:
    return (
        await conn.execute(
            select(calendar_feeds.c.user_id).where(
                calendar_feeds.c.token_hash == ids.token_digest(token)
            )
        )
    ).scalar_one_or_none()


async def feed_created_at(conn: AsyncConnection, user_id: int) -> datetime | None:
    """When the person's current feed link was made (the link itself is not kept)."""
    return (
        await conn.execute(
            select(calendar_feeds.c.created_at).where(calendar_feeds.c.user_id == user_id)
        )
    ).scalar_one_or_none()
