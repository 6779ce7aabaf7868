"""The plain nearby search on PostgreSQL: "upcoming events around here", with no other
filter, the hottest read there is (every map move asks it).

Its statements are built once, with the place, the previous page's last row and the
page size as bound parameters: building and keying a statement per request cost more
CPU than PostgreSQL spends answering it. They ask for the nearest events with no radius
in the SQL (see `geo.nearest_statement`), so the KNN index scan is the plan at every
table size without planner settings, and the radius is applied to the page here.
SQLite, and searches with other filters, go through `service.list_events`' general
query (a bounding box, then the distance)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, bindparam, literal_column

from crewup.core import clock, geo
from crewup.core.db import UtcDateTime
from crewup.core.identity import Actor
from crewup.core.paging import NearCursor
from crewup.core.quick_reads import Prepared, Reads
from crewup.events.access import EventStatus, visible_events_query
from crewup.events.tables import events


def _statement(signed_in: bool, paged: bool) -> Any:
    # The status written into the SQL, as the partial place index's predicate (0020).
    scheduled: Any = literal_column(f"'{EventStatus.scheduled.value}'")
    query = visible_events_query(signed_in).where(
        events.c.status == scheduled, events.c.ends_at > bindparam("now", type_=UtcDateTime)
    )
    return geo.nearest_statement(query, events.c.lat, events.c.lon, events.c.id, paged=paged).limit(
        bindparam("page_rows", type_=Integer)
    )


_STATEMENTS = {
    (signed_in, paged): Prepared(_statement(signed_in, paged))
    for signed_in in (False, True)
    for paged in (False, True)
}


async def nearest_events(
    conn: Reads,
    actor: Actor | None,
    origin: geo.Point,
    radius_km: float,
    after: NearCursor | None,
    limit: int,
) -> list[Any]:
    """Up to `limit + 1` rows (the extra one says another page exists): the visible
    upcoming events within `radius_km` of `origin`, nearest first, ties by id, after
    the `after` row."""
    params: dict[str, Any] = {
        **geo.nearest_params(origin, after),
        "now": clock.now(),
        "page_rows": limit + 1,
    }
    if actor is not None:
        params["viewer_id"] = actor.id
    statement = _STATEMENTS[actor is not None, after is not None]
    rows = await statement.all(conn, params)
    return geo.reached(rows, radius_km)
