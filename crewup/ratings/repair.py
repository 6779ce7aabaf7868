"""`crewup-admin fix reputation`: the counters on accounts against the ratings themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.ratings.tables import ratings
from crewup.users.tables import users


@dataclass(frozen=True)
class ReputationFix:
    user_id: int
    display_name: str
    count_was: int
    count_now: int
    sum_was: int
    sum_now: int


# Ratings a moderator removed count for nobody.
_COUNTED = ratings.c.removed_at.is_(None)


def _tally() -> Any:
    return (
        select(
            ratings.c.ratee_id.label("ratee_id"),
            func.count().label("n"),
            func.sum(ratings.c.score).label("total"),
        )
        .where(_COUNTED)
        .group_by(ratings.c.ratee_id)
        .subquery()
    )


async def recount_reputation(conn: AsyncConnection) -> list[ReputationFix]:
    """Compare every account's counters with its ratings and set the wrong ones right.

    Suspects come from one grouped query; each is then locked and recounted in a
    statement of its own, so a rating committed meanwhile is either in our count or
    applies its increment after us, never both nor neither."""
    tally = _tally()
    suspects = (
        (
            await conn.execute(
                select(users.c.id)
                .outerjoin(tally, tally.c.ratee_id == users.c.id)
                .where(
                    or_(
                        users.c.rating_count != func.coalesce(tally.c.n, 0),
                        users.c.rating_sum != func.coalesce(tally.c.total, 0),
                    )
                )
                .order_by(users.c.id)
            )
        )
        .scalars()
        .all()
    )
    fixes = []
    for user_id in suspects:
        await conn.execute(
            select(users.c.id).where(users.c.id == user_id).with_for_update(key_share=True)
        )
        row = (
            await conn.execute(
                select(
                    users.c.display_name,
                    users.c.rating_count,
                    users.c.rating_sum,
                    select(func.count())
                    .where(ratings.c.ratee_id == user_id, _COUNTED)
                    .scalar_subquery()
                    .label("n"),
                    select(func.coalesce(func.sum(ratings.c.score), 0))
                    .where(ratings.c.ratee_id == user_id, _COUNTED)
                    .scalar_subquery()
                    .label("total"),
                ).where(users.c.id == user_id)
            )
        ).one()
        if (row.rating_count, row.rating_sum) == (row.n, row.total):
            continue
        await conn.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(rating_count=row.n, rating_sum=row.total)
        )
        fixes.append(
            ReputationFix(
                user_id, row.display_name, row.rating_count, row.n, row.rating_sum, row.total
            )
        )
    return fixes
