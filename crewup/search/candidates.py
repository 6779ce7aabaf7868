"""Which rows of one kind a search ranks: a bounded set, however common the words.

Ranking needs each candidate's row (tier, creation time, visibility), so its cost grows
with the candidates. A search first counts each kind's matches, up to MATCHES + 1, through
the text index (`match_count`). A kind with at most MATCHES matches (most queries: whole
words, names, longer prefixes) ranks every match; a kind without any is left out. A kind
with more (one or two letters typed so far) ranks the matches among its NEWEST newest
rows, plus every row whose whole name or title is the query (found through an index:
lower(name) on PostgreSQL, name COLLATE NOCASE on SQLite): an exact name still comes
first and the newest matches lead in the right order, but older matches are not offered
(paging ends with the newest rows). Such a query asks to be typed further; it never
costs more than about MATCHES + NEWEST rows a kind.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, union

from crewup.core.text import matches_query, matches_row
from crewup.search.kinds import ANY_TEXT, PHRASE, KindSearch

MATCHES = 200
NEWEST = 150


def match_count(spec: KindSearch, dialect: str) -> ColumnElement[int]:
    """How many rows of the kind match, counted up to MATCHES + 1 (more is "many")."""
    table = spec.index.table
    found = (
        select(table.c.id)
        .where(matches_query(dialect, spec.index, ANY_TEXT))
        .limit(MATCHES + 1)
        .subquery(f"{spec.kind.value}_counted")
    )
    return select(func.count()).select_from(found).scalar_subquery()


def exact_name(title: ColumnElement[Any], dialect: str) -> ColumnElement[bool]:
    """The whole name or title is PHRASE (lower case), written as its engine's index can
    answer it (migrations 0024, 0028). On SQLite both lower() and NOCASE fold ASCII
    letters only, so for a lower-case PHRASE they hold for the same rows; without the
    index SQLite read the whole table (25 ms at 100k posts)."""
    if dialect == "sqlite":
        return title.collate("NOCASE") == PHRASE
    return func.lower(title) == PHRASE


def candidate_ids(spec: KindSearch, dialect: str, *, many: bool) -> ColumnElement[Any]:
    """A subquery of the ids to rank, for `id IN (...)`."""
    index = spec.index
    table = index.table
    found = select(table.c.id).where(matches_query(dialect, index, ANY_TEXT)).limit(MATCHES)
    if not many:
        return found.scalar_subquery()
    newest = (
        select(table.c.id, index.vector.label("search_vector"))
        if dialect == "postgresql"
        else select(table.c.id)
    )
    window = (
        newest.order_by(spec.created_at.desc()).limit(NEWEST).subquery(f"{spec.kind.value}_newest")
    )
    vector = window.c.search_vector if dialect == "postgresql" else window.c.id
    parts: list[Select[Any]] = [
        select(window.c.id).where(matches_row(dialect, index, ANY_TEXT, window.c.id, vector))
    ]
    if index.has_title:
        # Bounded too: a thousand posts titled alike must not make one search rank them all.
        exact = select(table.c.id).where(exact_name(index.title, dialect)).limit(MATCHES)
        parts.append(select(exact.subquery(f"{spec.kind.value}_exact").c.id))
    return union(*parts).scalar_subquery()
