"""The nearby API's answers against a plain SQL truth, for the benchmarks that time it:
a figure for a wrong answer is worth nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from common import http_json

# The demo world's city centres (crewup/seed/places.py), as in near_points.lua.
CITIES = ((52.52, 13.405), (53.55, 9.99), (48.14, 11.58), (51.51, -0.09), (48.86, 2.35))


def check_nearby_answers(base: str, database_url: str, points: int = 30) -> int:
    """The API's nearest-first pages against a plain SQL truth (visible, scheduled,
    not over, within the radius, ordered by distance then id) at random points: ids and
    order of three pages must match. Raises on any difference; answers rows compared."""
    import random
    from urllib.parse import quote

    from sqlalchemy import func, select

    from crewup.core.db import Database
    from crewup.core.dispatch import Dispatcher
    from crewup.events.tables import events
    from crewup.groups.tables import groups

    rng = random.Random(30)
    compared = 0

    def truth_query(lat: float, lon: float, radius: float, n: int) -> Any:
        distance = func.crewup_distance_km(lat, lon, events.c.lat, events.c.lon)
        return (
            select(events.c.id)
            .join(groups, groups.c.id == events.c.group_id)
            .where(
                groups.c.visibility == "public",
                events.c.status == "scheduled",
                events.c.ends_at > datetime.now(UTC),
                distance <= radius,
            )
            .order_by(distance, events.c.id)
            .limit(n)
        )

    async def truth(lat: float, lon: float, radius: float, n: int) -> list[int]:
        db = Database(database_url, Dispatcher(), pool_size=1)
        try:
            async with db.reading() as conn:
                rows = await conn.execute(truth_query(lat, lon, radius, n))
                return [row[0] for row in rows.all()]
        finally:
            await db.dispose()

    for _ in range(points):
        lat, lon = rng.choice(CITIES)
        lat, lon = lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.3, 0.3)
        radius = rng.choice((1, 5, 10))
        got: list[int] = []
        cursor = ""
        more = True
        for _page in range(3):
            url = f"{base}/api/v1/events?near={lat:.5f},{lon:.5f}&radius_km={radius}&limit=20"
            page = http_json(url + cursor)
            got += [item["id"] for item in page["items"]]
            more = bool(page["next_cursor"])
            if not more:
                break
            cursor = f"&cursor={quote(page['next_cursor'])}"
        expected = asyncio.run(truth(round(lat, 5), round(lon, 5), radius, len(got) + 1))
        # Equal so far, and where the API said "no more", the truth has no more either.
        if got != expected[: len(got)] or (not more and len(expected) != len(got)):
            raise SystemExit(f"nearby answer differs from SQL at {lat:.5f},{lon:.5f} r={radius}")
        compared += len(got)
    return compared
