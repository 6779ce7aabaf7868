"""Times on pages: written in UTC by the server, shown in the reader's own zone by
static/js/local-times.js where scripts run. Without scripts the UTC text stands."""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup

STYLES = {
    "long": "%a %d %b %Y, %H:%M",
    "short": "%d %b %H:%M",
    "date": "%d %b %Y",
    "time": "%H:%M",
}


def time_element(moment: datetime, style: str = "long") -> Markup:
    """`<time>` with the exact instant for the script and a UTC reading for everyone."""
    utc = moment.astimezone(UTC)
    text = utc.strftime(STYLES[style]) + ("" if style == "date" else " UTC")
    return Markup('<time datetime="{}" data-local="{}">{}</time>').format(
        utc.strftime("%Y-%m-%dT%H:%M:%SZ"), style, text
    )
