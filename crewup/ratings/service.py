"""Ratings between people who went to the same event, and the reputation they add up to.

Who may rate whom: after an event has ended (and it was not cancelled), two people who were
both `going` may rate each other, once per event, 1 to 5 with an optional comment. A rating
can be given and changed until `RATING_WINDOW` after the event ended.

Reputation is the `rating_count` and `rating_sum` counters on the rated person's account.
They move only here, by SQL increments in the same transaction as the rating, after the
rated person's account row is locked in a statement of its own (lock, then read: under
READ COMMITTED the ratings we read next are then the newest). So they always equal the
aggregate of the ratings table; `repair.recount_reputation` proves it and mends tampering.

Ratings by people banned later stay and keep counting: they were given by someone who
really went, at a time they were allowed to, and a ban (which may expire by itself) says
nothing about whether a past rating was fair. An unfair one is a moderation matter for that
rating, not for every rating its author ever gave: a moderator removes that one rating
(`remove_rating`, a resolved report), which then leaves the counters and every face.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from crewup.core.identity import Actor, viewer_params
from crewup.core.marks import N_
from crewup.core.paging import IdCursor, Page, cut_page, decode_cursor
from crewup.events.access import EVENTS_WITH_VIEWER, VISIBLE, EventStatus, RsvpStatus, visible_state
from crewup.events.tables import event_participants, events
from crewup.ratings.tables import ratings
from crewup.users.service import lock_account
from crewup.users.tables import users

RATING_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class Rating:
    id: int
    rater_id: int
    rater_name: str
    ratee_id: int
    event_id: int | None
    event_title: str | None
    score: int
    comment: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Coattendee:
    """Someone the viewer went to an event with and may still rate there."""

    user_id: int
    display_name: str


_rater = users.alias("rater")

_RATING_COLUMNS = (
    ratings.c.id,
    ratings.c.rater_id,
    _rater.c.display_name.label("rater_name"),
    ratings.c.ratee_id,
    ratings.c.event_id,
    events.c.title.label("event_title"),
    ratings.c.score,
    ratings.c.comment,
    ratings.c.created_at,
    ratings.c.updated_at,
)


def _rating(row: Any) -> Rating:
    return Rating(**row._mapping)


async def _load(conn: AsyncConnection, rating_id: int) -> Rating:
    row = (
        await conn.execute(
            select(*_RATING_COLUMNS)
            .select_from(
                ratings.join(_rater, _rater.c.id == ratings.c.rater_id).outerjoin(
                    events, events.c.id == ratings.c.event_id
                )
            )
            .where(ratings.c.id == rating_id)
        )
    ).one()
    return _rating(row)


async def _check_may_rate(
    conn: AsyncConnection, rater: Actor, ratee_id: int, event_id: int
) -> None:
    """Every rule but "not yet rated", in the order a person can best act on."""
    if ratee_id == rater.id:
        raise Invalid(N_("you cannot rate yourself"), [FieldError("user_id", N_("is you"))])
    event = await visible_state(conn, event_id, rater)  # hidden is NotFound, never Forbidden
    if event.status == EventStatus.cancelled.value:
        raise Conflict(
            N_("a cancelled event cannot be rated"),
            [FieldError("event_id", N_("event was cancelled"))],
        )
    now = clock.now()
    if event.ends_at > now:
        raise Conflict(
            N_("the event has not ended yet; ratings open when it ends"),
            [FieldError("event_id", N_("has not ended yet"))],
        )
    if now > event.ends_at + RATING_WINDOW:
        raise Conflict(
            N_(
                "ratings for this event closed %(days)s days after it ended (%(closed)s)",
                days=RATING_WINDOW.days,
                closed=clock.isoformat(event.ends_at + RATING_WINDOW),
            ),
            [FieldError("event_id", N_("rating window closed"))],
        )
    going = set(
        (
            await conn.execute(
                select(event_participants.c.user_id).where(
                    event_participants.c.event_id == event_id,
                    event_participants.c.user_id.in_((rater.id, ratee_id)),
                    event_participants.c.status == RsvpStatus.going.value,
                )
            )
        ).scalars()
    )
    if rater.id not in going:
        raise Forbidden(N_("only people who were going to the event may rate there"))
    if ratee_id not in going:
        raise Forbidden(
            N_("you can only rate people who were going to the same event"),
            [FieldError("user_id", N_("was not going to this event"))],
        )


def _same_rating(
    rater_id: int, ratee_id: int | ColumnElement[int], event_id: int
) -> ColumnElement[bool]:
    return and_(
        ratings.c.rater_id == rater_id,
        ratings.c.ratee_id == ratee_id,
        ratings.c.event_id == event_id,
    )


async def _move_counters(conn: AsyncConnection, ratee_id: int, count: int, total: int) -> None:
    """Increments in SQL, never a value computed in Python from an earlier read."""
    await conn.execute(
        update(users)
        .where(users.c.id == ratee_id)
        .values(
            rating_count=users.c.rating_count + count,
            rating_sum=users.c.rating_sum + total,
        )
    )


async def rate(
    conn: AsyncConnection, rater: Actor, ratee_id: int, event_id: int, score: int, comment: str
) -> Rating:
    # The rated person's row lock serialises every change to their ratings and counters.
    await lock_account(conn, ratee_id)
    await _check_may_rate(conn, rater, ratee_id, event_id)
    taken = (
        await conn.execute(select(ratings.c.id).where(_same_rating(rater.id, ratee_id, event_id)))
    ).first()
    if taken is not None:
        raise Conflict(
            N_(
                "you already rated this person for this event; edit that rating instead "
                "(PATCH /api/v1/users/%(user)s/ratings/%(event)s)",
                user=ratee_id,
                event=event_id,
            ),
            [FieldError("event_id", N_("already rated"))],
        )
    now = clock.now()
    try:
        rating_id = (
            await conn.execute(
                ratings.insert()
                .values(
                    rater_id=rater.id,
                    ratee_id=ratee_id,
                    event_id=event_id,
                    score=score,
                    comment=comment,
                    created_at=now,
                    updated_at=now,
                )
                .returning(ratings.c.id)
            )
        ).scalar_one()
    except IntegrityError:  # the unique constraint, should a writer slip past the lock
        raise Conflict(N_("you already rated this person for this event")) from None
    await _move_counters(conn, ratee_id, 1, score)
    return await _load(conn, rating_id)


async def edit_rating(
    conn: AsyncConnection,
    rater: Actor,
    ratee_id: int,
    event_id: int,
    changes: dict[str, Any],
) -> Rating:
    await lock_account(conn, ratee_id)
    await _check_may_rate(conn, rater, ratee_id, event_id)
    # Read after the lock: the score we subtract is the one stored now.
    found = (
        await conn.execute(
            select(ratings.c.id, ratings.c.score, ratings.c.removed_at).where(
                _same_rating(rater.id, ratee_id, event_id)
            )
        )
    ).first()
    if found is None:
        raise NotFound(f"you have not rated user {ratee_id} for event {event_id}")
    if found.removed_at is not None:
        raise Conflict(
            N_("a moderator removed this rating; it can no longer be changed"),
            [FieldError("event_id", N_("rating was removed"))],
        )
    values = {k: v for k, v in changes.items() if k in ("score", "comment")}
    if values:
        await conn.execute(
            update(ratings).where(ratings.c.id == found.id).values(**values, updated_at=clock.now())
        )
    if "score" in values:
        await _move_counters(conn, ratee_id, 0, values["score"] - found.score)
    return await _load(conn, found.id)


async def list_ratings(
    conn: AsyncConnection,
    ratee_id: int,
    viewer: Actor | None,
    *,
    limit: int,
    cursor: str | None = None,
) -> Page[Rating]:
    """Newest first. Ratings given at events the viewer cannot see are left out, so a
    private group's events (and what was said about them) stay inside the group; the
    counters still include them, which tells nothing about where they came from."""
    await _live_account(conn, ratee_id)
    after = decode_cursor(cursor, IdCursor)
    query = (
        select(*_RATING_COLUMNS)
        .select_from(
            ratings.join(_rater, _rater.c.id == ratings.c.rater_id).outerjoin(
                EVENTS_WITH_VIEWER, events.c.id == ratings.c.event_id
            )
        )
        .where(
            ratings.c.ratee_id == ratee_id,
            ratings.c.removed_at.is_(None),
            or_(ratings.c.event_id.is_(None), VISIBLE),
        )
        .order_by(ratings.c.id.desc())
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(ratings.c.id < after.id)
    rows = await conn.execute(query, viewer_params(viewer))
    return cut_page([_rating(row) for row in rows], limit, lambda r: IdCursor(id=r.id))


async def seen_rating(conn: AsyncConnection, rating_id: int, viewer: Actor) -> Rating:
    """One rating as `list_ratings` would show it to this person (to report it): removed
    ones, those of deleted accounts and those from events the viewer cannot see are 404."""
    row = (
        await conn.execute(
            select(*_RATING_COLUMNS)
            .select_from(
                ratings.join(_rater, _rater.c.id == ratings.c.rater_id)
                .join(users, users.c.id == ratings.c.ratee_id)
                .outerjoin(EVENTS_WITH_VIEWER, events.c.id == ratings.c.event_id)
            )
            .where(
                ratings.c.id == rating_id,
                ratings.c.removed_at.is_(None),
                users.c.deleted_at.is_(None),
                or_(ratings.c.event_id.is_(None), VISIBLE),
            ),
            viewer_params(viewer),
        )
    ).first()
    if row is None:
        raise NotFound(f"rating {rating_id} not found")
    return _rating(row)


async def remove_rating(conn: AsyncConnection, rating_id: int) -> bool:
    """Soft removal (moderation): the rating leaves the rated person's counters in the
    same transaction, under the same row lock as `rate`, and leaves every list; the row
    stays for the audit. Who may do it is the caller's rule. False if already removed."""
    ratee_id = (
        await conn.execute(select(ratings.c.ratee_id).where(ratings.c.id == rating_id))
    ).scalar_one_or_none()
    if ratee_id is None:
        raise NotFound(f"rating {rating_id} not found")
    # Not lock_account: a deleted person's counters must stay exact too.
    await conn.execute(
        select(users.c.id).where(users.c.id == ratee_id).with_for_update(key_share=True)
    )
    score = (
        await conn.execute(
            update(ratings)
            .where(ratings.c.id == rating_id, ratings.c.removed_at.is_(None))
            .values(removed_at=clock.now())
            .returning(ratings.c.score)
        )
    ).scalar_one_or_none()
    if score is None:
        return False
    await _move_counters(conn, ratee_id, -1, -score)
    return True


async def _live_account(conn: AsyncConnection, user_id: int) -> None:
    found = (
        await conn.execute(
            select(users.c.id).where(users.c.id == user_id, users.c.deleted_at.is_(None))
        )
    ).first()
    if found is None:
        raise NotFound(f"user {user_id} not found")


async def may_still_rate(conn: AsyncConnection, event_id: int, viewer: Actor) -> list[Coattendee]:
    """For the event page: the others who were going, that the viewer has not rated yet,
    while the window is open and the viewer was going. One statement for any number."""
    state = await visible_state(conn, event_id, viewer)
    now = clock.now()
    if state.status == EventStatus.cancelled.value or not (
        state.ends_at <= now <= state.ends_at + RATING_WINDOW
    ):
        return []
    me = event_participants.alias("me")
    rated = (
        select(ratings.c.id)
        .where(_same_rating(viewer.id, event_participants.c.user_id, event_id))
        .exists()
    )
    rows = await conn.execute(
        select(event_participants.c.user_id, users.c.display_name)
        .join(users, users.c.id == event_participants.c.user_id)
        .join(
            me,
            and_(
                me.c.event_id == event_id,
                me.c.user_id == viewer.id,
                me.c.status == RsvpStatus.going.value,
            ),
        )
        .where(
            event_participants.c.event_id == event_id,
            event_participants.c.status == RsvpStatus.going.value,
            event_participants.c.user_id != viewer.id,
            users.c.deleted_at.is_(None),
            ~rated,
        )
        .order_by(users.c.display_name, event_participants.c.user_id)
        .limit(200)
    )
    return [Coattendee(row.user_id, row.display_name) for row in rows]
