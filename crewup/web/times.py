"""Times and numbers on pages, in the page's language.

Times are written in UTC by the server and shown in the reader's own zone by
static/js/local-times.js where scripts run (in the page's language, from `<html lang>`).
Without scripts the UTC text stands: English keeps its fixed house format, other
languages get Babel's month and day names and their own word order.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from markupsafe import Markup

from crewup.core.days import Day
from crewup.web.i18n import DEFAULT, N_, current_locale, gettext

STYLES = {
    "long": "%a %d %b %Y, %H:%M",
    "short": "%d %b %H:%M",
    "date": "%d %b %Y",
    "time": "%H:%M",
}
# The same readings as CLDR patterns, for every language but English.
PATTERNS = {
    "long": "EEE d MMM y, HH:mm",
    "short": "d MMM HH:mm",
    "date": "d MMM y",
    "time": "HH:mm",
}


def time_element(moment: datetime, style: str = "long") -> Markup:
    """`<time>` with the exact instant for the script and a UTC reading for everyone."""
    utc = moment.astimezone(UTC)
    lang = current_locale()
    if lang == DEFAULT:
        text = utc.strftime(STYLES[style])
    else:
        text = format_datetime(utc, PATTERNS[style], tzinfo=UTC, locale=lang)
    text += "" if style == "date" else " UTC"
    return Markup('<time datetime="{}" data-local="{}">{}</time>').format(
        utc.strftime("%Y-%m-%dT%H:%M:%SZ"), style, text
    )


def month_year(moment: datetime) -> str:
    """`{{ since | month_year }}`: "December 2026", "décembre 2026"."""
    lang = current_locale()
    if lang == DEFAULT:
        return moment.strftime("%B %Y")
    return format_datetime(moment, "LLLL y", tzinfo=UTC, locale=lang)


def decimal(number: float, pattern: str = "#,##0.0") -> str:
    """`{{ km | decimal }}`: "2.5" in English, "2,5" in French (CLDR number patterns)."""
    return format_decimal(number, format=pattern, locale=current_locale())


# core.days names the nearest days in English; these say them in the page's language.
_NEAR_DAYS = {"Today": N_("Today"), "Tomorrow": N_("Tomorrow")}


def day_heading(day: Day[object]) -> str:
    """`{{ day | day_heading }}`: a list's day heading, "Today" or "samedi 12 décembre"."""
    lang = current_locale()
    if lang == DEFAULT:
        return day.heading
    if day.heading in _NEAR_DAYS:
        return gettext(_NEAR_DAYS[day.heading])
    with_year = day.heading.endswith(str(day.day.year))
    return _format_day(day.day, "EEEE d MMMM y" if with_year else "EEEE d MMMM", lang)


def _format_day(day: date, pattern: str, lang: str) -> str:
    return format_date(day, pattern, locale=lang)
