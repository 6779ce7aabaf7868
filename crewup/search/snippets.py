"""Highlighted snippets that are safe to put into HTML as they are.

The engines mark matched words with two control characters (never in stored text: the
input validators refuse control characters, and stray ones are dropped here); everything
else is escaped, and the marks become our own balanced <mark> tags.
"""

from __future__ import annotations

import html

START = "\x02"
STOP = "\x03"
ELLIPSIS = "…"
PG_OPTIONS = f"StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=10, ShortWord=2"


def render(raw: str | None) -> str:
    """Escaped text with <mark>...</mark> around matched words, always balanced."""
    out: list[str] = []
    open_mark = False
    for piece in _pieces(raw or ""):
        if piece == START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif piece == STOP:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(html.escape(piece, quote=True))
    if open_mark:
        out.append("</mark>")
    return "".join(out)


def _pieces(raw: str) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    for char in raw:
        if char in (START, STOP):
            pieces.append("".join(current))
            pieces.append(char)
            current = []
        elif char >= " " or char in "\n\t":
            current.append(char)
    pieces.append("".join(current))
    return [p for p in pieces if p]
