"""Great-circle distance, the same number in Python, SQLite and PostgreSQL, and nearest-first
queries on both engines.

Both engines expose `crewup_distance_km(lat1, lon1, lat2, lon2)`: SQLite through a
Python function registered on every connection, PostgreSQL through an SQL function
created by migration 0002.

Nearest first on SQLite pre-filters on a bounding box (read from the table's R*Tree,
migration 0020, or else from the indexed lat/lon columns) and orders by that function.
On PostgreSQL each row's place is also a point on the unit
sphere (a `cube` of x, y, z) in a GiST index beside the id (migration 0011; the contrib
modules cube and btree_gist are trusted, so a database owner can create them). The
index answers "inside this box" and "nearest to this point, ties by id" (KNN), so a
query reads about as many rows as it returns however dense the area is. The
straight-line (chord) distance between two points on the sphere grows with the
great-circle distance, so ordering by it is ordering by distance; the distance shown is
computed from the chord, and the page cursor carries the chord itself, so pages never
drift on a rounding difference.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    TableClause,
    and_,
    bindparam,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.paging import NearCursor

EARTH_RADIUS_KM = 6371.0088
DISTANCE_FUNCTION = "crewup_distance_km"

POSTGRES_DISTANCE_SQL = f"""
CREATE OR REPLACE FUNCTION {DISTANCE_FUNCTION}(
    lat1 double precision, lon1 double precision, lat2 double precision, lon2 double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
  SELECT 2 * {EARTH_RADIUS_KM} * asin(least(1.0, sqrt(
      power(sin(radians(lat2 - lat1) / 2), 2)
      + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2))))
$$
"""


def distance_km(
    lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None
) -> float | None:
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return None
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


def distance_expr(
    lat_col: ColumnElement[float], lon_col: ColumnElement[float], origin: Point
) -> ColumnElement[float]:
    distance: ColumnElement[float] = getattr(func, DISTANCE_FUNCTION)(
        origin.lat, origin.lon, lat_col, lon_col
    )
    return distance


def within_box(
    lat_col: ColumnElement[float], lon_col: ColumnElement[float], origin: Point, radius_km: float
) -> ColumnElement[bool]:
    """An indexable superset of the circle; handles the poles and the antimeridian."""
    lat_low, lat_high, lon_ranges = _box_bounds(origin, radius_km)
    lat_cond = lat_col.between(lat_low, lat_high)
    if lon_ranges == [WHOLE_LON]:
        return and_(lat_cond)
    if len(lon_ranges) == 1:
        return and_(lat_cond, lon_col.between(*lon_ranges[0]))
    # Across the antimeridian: the range east of it ends at 180, the one west starts at -180.
    (east_low, _), (_, west_high) = lon_ranges
    return and_(lat_cond, or_(lon_col >= east_low, lon_col <= west_high))


WHOLE_LON = (-180.0, 180.0)


def _box_bounds(origin: Point, radius_km: float) -> tuple[float, float, list[tuple[float, float]]]:
    """The box of `within_box` as numbers: lat range and one or two lon ranges."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    lat_low, lat_high = origin.lat - dlat, origin.lat + dlat
    cos_lat = math.cos(math.radians(origin.lat))
    whole = [WHOLE_LON]
    if lat_low <= -90 or lat_high >= 90 or cos_lat < 1e-9:
        return max(lat_low, -90), min(lat_high, 90), whole
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat))
    if dlon >= 180:
        return lat_low, lat_high, whole
    lon_low, lon_high = origin.lon - dlon, origin.lon + dlon
    if lon_low < -180:
        return lat_low, lat_high, [(lon_low + 360, 180.0), (-180.0, lon_high)]
    if lon_high > 180:
        return lat_low, lat_high, [(lon_low, 180.0), (-180.0, lon_high - 360)]
    return lat_low, lat_high, [(lon_low, lon_high)]


def rtree_of(conn: AsyncConnection, table_name: str) -> TableClause | None:
    """SQLite: the R*Tree over `table_name`'s places (migration 0020), if this database
    has one (`core.db` looks when it opens a connection); None elsewhere."""
    name = f"{table_name}_rtree"
    if conn.dialect.name != "sqlite" or name not in conn.info.get(RTREES_KEY, ()):
        return None
    return table(name, column("id"), *(column(c) for c in RTREE_COLUMNS))


RTREES_KEY = "crewup_rtrees"
RTREE_COLUMNS = ("lat_min", "lat_max", "lon_min", "lon_max")


def in_rtree_box(
    id_col: ColumnElement[int], rtree: TableClause, origin: Point, radius_km: float
) -> ColumnElement[bool]:
    """The ids whose place the R*Tree puts in the box. The R*Tree stores 32-bit floats
    rounded outwards, so this is a superset of the exact box: rows still pass the
    exact distance test after. An R*Tree cannot answer OR, so a box across the
    antimeridian is two searches."""
    lat_low, lat_high, lon_ranges = _box_bounds(origin, radius_km)
    searches = [
        select(rtree.c.id).where(
            rtree.c.lat_max >= lat_low,
            rtree.c.lat_min <= lat_high,
            rtree.c.lon_max >= lon_low,
            rtree.c.lon_min <= lon_high,
        )
        for lon_low, lon_high in lon_ranges
    ]
    ids = searches[0] if len(searches) == 1 else union_all(*searches)
    return id_col.in_(ids)


def within_radius(
    query: Any,
    lat_col: ColumnElement[float],
    lon_col: ColumnElement[float],
    origin: Point,
    radius_km: float,
) -> Any:
    """Rows within `radius_km` of `origin`, each with its `distance_km`, in whatever order
    the query already has (lists by date that are also limited to an area)."""
    distance = distance_expr(lat_col, lon_col, origin)
    return query.add_columns(distance.label("distance_km")).where(
        within_box(lat_col, lon_col, origin, radius_km), distance <= radius_km
    )


def earth_point(lat: Any, lon: Any) -> ColumnElement[Any]:
    """PostgreSQL: the place as a unit-sphere point. Migration 0011 indexes exactly this
    expression; the planner matches the index only if the query spells it the same.
    Built with the strict cube(x), cube(c, y) constructors so that a place without
    coordinates is NULL (cube(ARRAY[...]) raises on a NULL element)."""
    cos_lat = func.cos(func.radians(lat))
    x = cos_lat * func.cos(func.radians(lon))
    y = cos_lat * func.sin(func.radians(lon))
    point: ColumnElement[Any] = func.cube(func.cube(func.cube(x), y), func.sin(func.radians(lat)))
    return point


def _unit_vector(origin: Point) -> tuple[float, float, float]:
    lat, lon = math.radians(origin.lat), math.radians(origin.lon)
    return (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))


def chord_of(radius_km: float) -> float:
    """The straight-line distance, on the unit sphere, of a great-circle distance."""
    return 2 * math.sin(min(radius_km / EARTH_RADIUS_KM, math.pi) / 2)


def nearest_first(
    query: Any,
    lat_col: ColumnElement[float],
    lon_col: ColumnElement[float],
    id_col: ColumnElement[int],
    origin: Point,
    radius_km: float,
    after: NearCursor | None,
    dialect: str = "sqlite",
    rtree: TableClause | None = None,
) -> Any:
    """Rows within `radius_km` of `origin`, nearest first (ties by id), each with a
    `distance_km` column and the `near_key` it is ordered by (what the next page's
    cursor carries); `after` is the last row of the previous page. On SQLite, `rtree`
    (from `rtree_of`) finds the box's rows; it must hold every row the query may list.
    On PostgreSQL, run it inside `index_order`; `nearest_statement` is the unbounded
    form that needs no planner settings."""
    if dialect == "postgresql":
        cursor = None if after is None else (after.d, after.id)
        return _nearest_by_index(
            query,
            lat_col,
            lon_col,
            id_col,
            _unit_vector(origin),
            cursor,
            reach=chord_of(radius_km),
        )
    distance = distance_expr(lat_col, lon_col, origin)
    box = (
        within_box(lat_col, lon_col, origin, radius_km)
        if rtree is None
        else in_rtree_box(id_col, rtree, origin, radius_km)
    )
    query = (
        query.add_columns(distance.label("distance_km"), distance.label("near_key"))
        .where(box, distance <= radius_km)
        .order_by(distance, id_col)
    )
    if after is not None:
        query = query.where(or_(distance > after.d, and_(distance == after.d, id_col > after.id)))
    return query


def _nearest_by_index(
    query: Any,
    lat_col: ColumnElement[float],
    lon_col: ColumnElement[float],
    id_col: ColumnElement[int],
    centre: tuple[Any, Any, Any],
    after: tuple[Any, Any] | None,
    *,
    reach: float | None,
) -> Any:
    """`centre` and `after` (chord, id) are values, or bound parameters in a statement
    built once; `reach` None leaves the radius to the caller (unbounded)."""
    place = earth_point(lat_col, lon_col)
    chord = place.op("<->", return_type=Float())(func.cube(array(list(centre))))
    distance = 2 * EARTH_RADIUS_KM * func.asin(func.least(1.0, chord / 2))
    # For a point, "overlaps the box" is "inside the box". Written as `&&`, whose
    # estimate is 0.5% of the rows where `<@` gets 0.1%, nearer the truth of a dense
    # city: from about 100k events the planner then picks the KNN scan even without
    # `index_order` (with `<@` it sorted the box: 45 ms instead of 0.5).
    # Ties by id through the index too (btree_gist's `id <-> 0` is the id): a GiST
    # index can order by several distances, but the planner uses an ordering index only
    # when it yields the whole ORDER BY, so a plain `id` second key would mean a sort.
    by_id = id_col.op("<->", return_type=Float())(literal_column("0"))
    query = (
        query.add_columns(distance.label("distance_km"), chord.label("near_key"))
        # Groups' place index is partial on lat IS NOT NULL (migration 0022), events' on
        # the status, so that lookups by id, which prove neither, never pick them over
        # the key. PostgreSQL would infer this one from the strict place expression;
        # saying it keeps the match plain.
        .where(lat_col.is_not(None))
        .order_by(chord, by_id)
    )
    # Unbounded, the statement is "the page's nearest rows": with no box to estimate,
    # the KNN scan, which stops after the page, is the only cheap plan at any table size,
    # generic plans included, so no planner settings are needed (`index_order`). It
    # reads the page whatever the density; in an empty area it reads the page's worth of
    # far rows, which the caller drops (`reached`). Bounded (for queries whose other
    # filters may keep few rows, which an unbounded scan would read far for), the box
    # stops the scan, and `index_order` keeps the planner on it.
    if reach is not None:
        box = func.cube(array([c - reach for c in centre]), array([c + reach for c in centre]))
        query = query.where(place.op("&&")(box), chord <= reach)
    if after is not None:
        after_d, after_id = after
        query = query.where(or_(chord > after_d, and_(chord == after_d, id_col > after_id)))
    return query


NEAR_PARAMS = ("near_x", "near_y", "near_z", "after_d", "after_id")


def nearest_statement(
    query: Any,
    lat_col: ColumnElement[float],
    lon_col: ColumnElement[float],
    id_col: ColumnElement[int],
    *,
    paged: bool,
) -> Any:
    """PostgreSQL, built once: `query`'s rows nearest first, unbounded (the caller keeps
    those within reach, `reached`), with the place and, if `paged`, the previous page's
    last row as bound parameters (`nearest_params`)."""
    x, y, z, after_d, after_id = NEAR_PARAMS
    centre = (bindparam(x, type_=Float), bindparam(y, type_=Float), bindparam(z, type_=Float))
    after = (bindparam(after_d, type_=Float), bindparam(after_id, type_=Integer))
    return _nearest_by_index(
        query, lat_col, lon_col, id_col, centre, after if paged else None, reach=None
    )


def nearest_params(origin: Point, after: NearCursor | None) -> dict[str, float]:
    """The parameters of a `nearest_statement`."""
    x, y, z, after_d, after_id = NEAR_PARAMS
    params = dict(zip((x, y, z), _unit_vector(origin), strict=True))
    if after is not None:
        params.update({after_d: after.d, after_id: after.id})
    return params


def reached(rows: Sequence[Any], radius_km: float) -> list[Any]:
    """Of a `nearest_statement`'s answer, the rows
    within `radius_km`: ordered by `near_key`, so they are a prefix of the page. The
    comparison is the one the bounded SQL makes (chord against chord, in doubles)."""
    reach = chord_of(radius_km)
    return [row for row in rows if row.near_key <= reach]


_PREFER_INDEX_ORDER = text(
    "SELECT set_config('enable_sort', 'off', false),"
    " set_config('plan_cache_mode', 'force_custom_plan', false)"
)
_RESET_PLANNER = text(
    "SELECT set_config(name, reset_val, false) FROM pg_settings"
    " WHERE name IN ('enable_sort', 'plan_cache_mode')"
)


@asynccontextmanager
async def index_order(conn: AsyncConnection, nearest: bool = True) -> AsyncIterator[None]:
    """Run a nearest-first query so that PostgreSQL reads it in index order.

    The planner cannot estimate how many rows a `cube` box holds (it assumes 0.1%), so
    in a dense city it believes "fetch the whole box and sort it" is cheap and reads
    thousands of rows (75-150 ms at 100k events) where the KNN index scan reads about
    the page (~1 ms). Sorting stays possible, only priced high, for this statement; and
    each execution is planned for its own point (asyncpg prepares statements, and after
    five runs PostgreSQL may switch to one generic plan that knows no box: 15 ms a call
    instead of 5 in a dense city). Session settings, put back after, because `reading()`
    runs in autocommit, where SET LOCAL does nothing."""
    if not nearest or conn.dialect.name != "postgresql":
        yield
        return
    await conn.execute(_PREFER_INDEX_ORDER)
    try:
        yield
    finally:
        await conn.execute(_RESET_PLANNER)
