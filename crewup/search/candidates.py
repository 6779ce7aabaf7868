"""Which rows of one kind a search ranks: a bounded set, however common the words.

Ranking needs each candidate's row (tier, creation time, visibility), so its cost grows
with the candidates. A query matching at most MATCHES rows of a kind (most queries: whole
words, names, prefixes of four letters or more) ranks every match, found through the text
index. A query matching more (one or two letters typed so far) ranks at most MATCHES of
them taken as the text index gives them, plus the matches among the kind's NEWEST newest
rows, plus every row whose whole name or title is the query: an exact name still comes
first and the newest matches still lead, but older title matches may be missed. Such a
query asks to be typed further, and it never costs more than MATCHES + NEWEST rows a kind.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, union

from crewup.core.text import matches_query, matches_row
from crewup.search.kinds import ANY_TEXT, PHRASE, KindSearch

MATCHES = 500
NEWEST = 500


def candidate_ids(spec: KindSearch, dialect: str) -> ColumnElement[Any]:
    """A subquery of the ids to rank, for `id IN (...)`."""
    index = spec.index
    table = index.table
    name = spec.kind.value
    found = (
        select(table.c.id)
        .where(matches_query(dialect, index, ANY_TEXT))
        .limit(MATCHES)
        .cte(f"{name}_found")
    )
    # Only a query with more matches than MATCHES pays for the other two parts.
    many = select(func.count()).select_from(found).scalar_subquery() >= MATCHES
    newest = (
        select(table.c.id, index.vector.label("search_vector"))
        if dialect == "postgresql"
        else select(table.c.id)
    )
    window = newest.order_by(spec.created_at.desc()).limit(NEWEST).subquery(f"{name}_newest")
    vector = window.c.search_vector if dialect == "postgresql" else window.c.id
    parts: list[Select[Any]] = [
        select(found.c.id),
        select(window.c.id).where(
            and_(many, matches_row(dialect, index, ANY_TEXT, window.c.id, vector))
        ),
    ]
    if index.has_title:
        parts.append(select(table.c.id).where(and_(many, func.lower(index.title) == PHRASE)))
    return union(*parts).scalar_subquery()
