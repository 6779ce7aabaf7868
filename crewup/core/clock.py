"""The one place time comes from, so tests can move it (monkeypatch `clock.now`), and the
range of instants CrewUp accepts from outside."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

from crewup.core.marks import N_

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


def isoformat(moment: datetime) -> str:
    """ISO-8601 UTC with a Z, to the second, as the API promises."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def within_range(value: datetime) -> datetime:
    """In UTC, between 1970 and 2200: the edges of the calendar (year 9999 at -23:59 is
    year 10000 in UTC) are refused here rather than overflowing somewhere deeper."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise ValueError(N_("must be between 1970 and 2200")) from None
    if not EARLIEST <= utc < LATEST:
        raise ValueError(N_("must be between 1970 and 2200"))
    return utc


# An instant from outside (JSON, query strings, cursors): with a zone, normalised to UTC.
UtcMoment = Annotated[AwareDatetime, AfterValidator(within_range)]
