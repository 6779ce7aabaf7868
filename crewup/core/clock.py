"""The one place time comes from, so tests can move it (monkeypatch `clock.now`), and the
range of instants CrewUp accepts from outside."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator

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


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def written_out(value: object) -> object:
    """pydantic reads a number, or a string of one ("1893456000", "1.9e9"), as Unix
    seconds: not the written date and time with its zone the API asks for (a black-box
    trial's 1893456000). A string must begin with its date."""
    if isinstance(value, int | float) or (
        isinstance(value, str) and not _ISO_DATE.match(value.strip())
    ):
        raise ValueError(N_("must be a date and time with its zone, like 2027-05-01T18:00+02:00"))
    return value


# An instant in our own cursors: with a zone, normalised to UTC. (Cursors are strict
# models read from JSON; a before-validator would hand the string on as Python input,
# which strict mode refuses for a datetime.)
CursorMoment = Annotated[AwareDatetime, AfterValidator(within_range)]
# An instant from people (JSON bodies, query strings): written out, with a zone.
UtcMoment = Annotated[AwareDatetime, BeforeValidator(written_out), AfterValidator(within_range)]
