"""Great-circle distance, the same number in Python, SQLite and PostgreSQL.

Both engines expose `crewup_distance_km(lat1, lon1, lat2, lon2)`: SQLite through a
Python function registered on every connection, PostgreSQL through an inlinable SQL
function created by migration 0002. Nearby queries pre-filter on a bounding box over
indexed lat/lon columns and order by that function.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_

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
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    lat_low, lat_high = origin.lat - dlat, origin.lat + dlat
    cos_lat = math.cos(math.radians(origin.lat))
    if lat_low <= -90 or lat_high >= 90 or cos_lat < 1e-9:
        return and_(lat_col.between(max(lat_low, -90), min(lat_high, 90)))
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat))
    if dlon >= 180:
        return lat_col.between(lat_low, lat_high)
    lon_low, lon_high = origin.lon - dlon, origin.lon + dlon
    if lon_low < -180:
        lon_cond = or_(lon_col >= lon_low + 360, lon_col <= lon_high)
    elif lon_high > 180:
        lon_cond = or_(lon_col >= lon_low, lon_col <= lon_high - 360)
    else:
        lon_cond = lon_col.between(lon_low, lon_high)
    return and_(lat_col.between(lat_low, lat_high), lon_cond)


def nearest_first(
    query: Any,
    lat_col: ColumnElement[float],
    lon_col: ColumnElement[float],
    id_col: ColumnElement[int],
    origin: Point,
    radius_km: float,
    after: NearCursor | None,
) -> Any:
    """Rows within `radius_km` of `origin`, nearest first (ties by id), each with a
    `distance_km` column; `after` is the last row of the previous page."""
    distance = distance_expr(lat_col, lon_col, origin)
    query = (
        query.add_columns(distance.label("distance_km"))
        .where(within_box(lat_col, lon_col, origin, radius_km), distance <= radius_km)
        .order_by(distance, id_col)
    )
    if after is not None:
        query = query.where(or_(distance > after.d, and_(distance == after.d, id_col > after.id)))
    return query
