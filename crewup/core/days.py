"""Calendar days in the reader's zone: which instants "today", "this weekend" and "this
week" span, and the headings a list of days reads under.

The server keeps and compares instants in UTC. A day, though, only exists in a zone: for
someone in Auckland "today" starts 13 hours before it does in UTC. Pages send the zone
their script reads from the browser; without one we use UTC and say so, rather than
guess from the address or the language.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

T = TypeVar("T")

# A fixed offset as the browser's `getTimezoneOffset` gives it, written +HH:MM.
_OFFSET = re.compile(r"^(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})$")
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")


class Span(enum.StrEnum):
    today = "today"
    weekend = "weekend"
    week = "week"
    range = "range"


@dataclass(frozen=True)
class Zone:
    """The zone days are counted in, and what to call it on the page."""

    tz: tzinfo
    name: str
    guessed: bool  # True: nothing usable came from the page, so this is UTC by default


UTC_ZONE = Zone(UTC, "UTC", guessed=True)


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_zone(raw: str | None) -> Zone | None:
    """An IANA name (Europe/Berlin) or an offset (+05:30); None if it is neither.
    Names must be on the list of known zones, so no other path (a directory such as
    "America", a data file) ever reaches the zone loader."""
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    found = _OFFSET.match(raw)
    if found:
        hours, minutes = int(found["h"]), int(found["m"])
        if hours > 14 or minutes >= 60:
            return None
        delta = timedelta(hours=hours, minutes=minutes)
        offset = delta if found["sign"] == "+" else -delta
        return Zone(timezone(offset), f"UTC{found['sign']}{found['h']}:{found['m']}", False)
    if len(raw) > 64 or not _ZONE_NAME.match(raw) or raw not in _known_zones():
        return None
    try:
        return Zone(ZoneInfo(raw), raw, False)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _start_of(day: date, zone: Zone) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone.tz).astimezone(UTC)


def span_window(
    span: Span, now: datetime, zone: Zone, first: date | None = None, last: date | None = None
) -> tuple[datetime | None, datetime | None]:
    """[from, to) in UTC. A week runs Monday to Sunday; the weekend is Saturday and
    Sunday, and on those days it is what is left of them. A range takes whole days,
    `last` included; either end may be open."""
    today = now.astimezone(zone.tz).date()
    if span is Span.today:
        return now, _start_of(today + timedelta(days=1), zone)
    if span is Span.week:
        return now, _start_of(today + timedelta(days=7 - today.weekday()), zone)
    if span is Span.weekend:
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:
            saturday = today - timedelta(days=1)
        start = max(now, _start_of(saturday, zone))
        return start, _start_of(saturday + timedelta(days=2), zone)
    starts = _start_of(first, zone) if first else None
    ends = _start_of(last + timedelta(days=1), zone) if last else None
    return starts, ends


def day_heading(day: date, today: date) -> str:
    if day == today:
        return "Today"
    if day == today + timedelta(days=1):
        return "Tomorrow"
    text = f"{day:%A} {day.day} {day:%B}"
    return text if day.year == today.year else f"{text} {day.year}"


@dataclass(frozen=True)
class Day(Generic[T]):
    day: date
    heading: str
    items: list[T]


def by_day(
    items: Iterable[T], moment_of: Callable[[T], datetime], zone: Zone, now: datetime
) -> list[Day[T]]:
    """Consecutive items that fall on the same day in `zone`, in the order given (a list
    sorted by time gives each day once; an event already on shows under today)."""
    today = now.astimezone(zone.tz).date()
    days: list[Day[T]] = []
    for item in items:
        day = max(today, moment_of(item).astimezone(zone.tz).date())
        if not days or days[-1].day != day:
            days.append(Day(day, day_heading(day, today), []))
        days[-1].items.append(item)
    return days
