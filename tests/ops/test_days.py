"""Day windows and headings in a zone (crewup.core.days): the edges of the week."""

from __future__ import annotations

from datetime import UTC, date, datetime

from crewup.core.days import UTC_ZONE, Span, day_heading, parse_zone, span_window


def test_weekend_from_each_day_of_the_week() -> None:
    saturday = datetime(2026, 12, 12, tzinfo=UTC)
    for offset in range(-5, 2):  # Monday 7th to Sunday 13th
        now = saturday.replace(day=12 + offset, hour=15)
        start, end = span_window(Span.weekend, now, UTC_ZONE)
        assert end == datetime(2026, 12, 14, tzinfo=UTC)
        assert start == max(now, saturday)


def test_week_ends_on_sunday_night_in_the_zone() -> None:
    berlin = parse_zone("Europe/Berlin")
    assert berlin is not None and not berlin.guessed
    now = datetime(2026, 12, 9, 10, tzinfo=UTC)
    assert span_window(Span.week, now, berlin) == (now, datetime(2026, 12, 13, 23, tzinfo=UTC))


def test_zones_from_the_page() -> None:
    assert parse_zone("-03:30") is not None
    assert parse_zone("Pacific/Auckland") is not None
    bad_ones = (
        "",
        "+15:00",
        "+01:75",
        "../etc",
        "Nowhere/Atall",
        "UTC; DROP",
        "America",
        "zone.tab",
    )
    for bad in bad_ones:
        assert parse_zone(bad) is None, bad


def test_headings() -> None:
    today = date(2026, 12, 10)
    assert day_heading(today, today) == "Today"
    assert day_heading(date(2026, 12, 11), today) == "Tomorrow"
    assert day_heading(date(2026, 12, 12), today) == "Saturday 12 December"
    assert day_heading(date(2027, 1, 2), today) == "Saturday 2 January 2027"
