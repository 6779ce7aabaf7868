"""Highlighted snippets that are safe to put into HTML as they are.

The engines mark matched words with two control characters (never in stored text: the
input validators refuse control characters, and stray ones are dropped here); everything
else is escaped, and the marks become our own balanced <mark> tags.
"""

from __future__ import annotations

import html
import re

START = "\x02"
STOP = "\x03"
ELLIPSIS = "…"
PG_OPTIONS = f"StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=10, ShortWord=2"


# Control characters other than the marks, tabs and line ends: dropped.
_STRAY = re.compile(r"[\x00\x01\x04-\x08\x0b-\x1f]")
_MARKS = re.compile(f"([{START}{STOP}])")


def render(raw: str | None) -> str:
    """Escaped text with <mark>...</mark> around matched words, always balanced."""
    # A split and a regular expression, not a loop over characters: this runs for every
    # result of every search.
    out: list[str] = []
    open_mark = False
    for piece in _MARKS.split(_STRAY.sub("", raw or "")):
        if piece == START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif piece == STOP:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        elif piece:
            out.append(html.escape(piece, quote=True))
    if open_mark:
        out.append("</mark>")
    return "".join(out)
