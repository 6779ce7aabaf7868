"""What a person's page offers the viewer: rate them, or change the rating, per event.

The rules are the ratings service's (`service._check_may_rate`), asked of many events in
one statement so the page costs the same however many events two people shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.identity import Actor, viewer_params
from crewup.events.access import EVENTS_WITH_VIEWER, VISIBLE, EventStatus, RsvpStatus, viewer_rsvp
from crewup.events.tables import event_participants, events
from crewup.ratings.service import RATING_WINDOW
from crewup.ratings.tables import ratings


@dataclass(frozen=True)
class SharedEvent:
    """An ended event the viewer and someone else were both going to, inside the rating
    window: the viewer may rate them there (`score` None) or change their rating."""

    event_id: int
    title: str
    ends_at: datetime
    score: int | None
    comment: str | None


async def rateable_together(
    conn: AsyncConnection, viewer: Actor, ratee_id: int, *, limit: int = 20
) -> list[SharedEvent]:
    """For a person's page: the events where `rate` or `edit_rating` would take the
    viewer's rating of them now (the same rules as `_check_may_rate`, for many events in
    one statement), newest ended first. A rating a moderator removed offers nothing."""
    if ratee_id == viewer.id:
        return []
    now = clock.now()
    them = event_participants.alias("them")
    mine = ratings.alias("mine")
    rows = await conn.execute(
        select(events.c.id, events.c.title, events.c.ends_at, mine.c.score, mine.c.comment)
        .select_from(
            EVENTS_WITH_VIEWER.join(
                them,
                and_(
                    them.c.event_id == events.c.id,
                    them.c.user_id == ratee_id,
                    them.c.status == RsvpStatus.going.value,
                ),
            ).outerjoin(
                mine,
                and_(
                    mine.c.rater_id == viewer.id,
                    mine.c.ratee_id == ratee_id,
                    mine.c.event_id == events.c.id,
                ),
            )
        )
        .where(
            viewer_rsvp.c.status == RsvpStatus.going.value,
            VISIBLE,
            events.c.status != EventStatus.cancelled.value,
            events.c.ends_at <= now,
            events.c.ends_at >= now - RATING_WINDOW,
            mine.c.removed_at.is_(None),
        )
        .order_by(events.c.ends_at.desc(), events.c.id.desc())
        .limit(limit),
        viewer_params(viewer),
    )
    return [SharedEvent(r.id, r.title, r.ends_at, r.score, r.comment) for r in rows]
