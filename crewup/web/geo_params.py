"""Query parameters shared by the nearby searches: `near=lat,lon` and `radius_km`."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from crewup.core.geo import Point

MAX_RADIUS_KM = 500.0


def parse_near(value: object) -> object:
    if isinstance(value, Point) or value is None:
        return value
    parts = str(value).split(",")
    if len(parts) != 2:
        raise ValueError("near must be 'lat,lon', e.g. near=52.52,13.40")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError("near must be two numbers: 'lat,lon'") from None
    if not -90 <= lat <= 90:
        raise ValueError("latitude must be between -90 and 90")
    if not -180 <= lon <= 180:
        raise ValueError("longitude must be between -180 and 180")
    return Point(lat, lon)


Near = Annotated[Point | None, BeforeValidator(parse_near)]
RadiusKm = Annotated[
    float,
    Field(25.0, gt=0, le=MAX_RADIUS_KM, description=f"search radius, at most {MAX_RADIUS_KM:g} km"),
]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
