"""What a result shows: its title, a highlighted snippet and where it lives.

One statement for a whole page of results, one part per kind on the page, and only for
the rows on the page: snippets re-read the text, so they are made for nothing else. Each
kind's ids are one parameter, so the text does not change with the number of ids: an
array (`= ANY`) on PostgreSQL, where it runs as a prepared statement on the quick path
(crewup/core/quick_reads.py), and a JSON array (crewup/core/bound_rows.py) on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    String,
    any_,
    bindparam,
    func,
    literal,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)

from crewup.core import bound_rows
from crewup.core.db import UtcDateTime
from crewup.core.quick_reads import Prepared, Reads
from crewup.core.text import PG_CONFIG, TextIndex, fts5_query, fts_table, pg_query
from crewup.events.tables import events
from crewup.posts.tables import comments, posts
from crewup.search import snippets
from crewup.search.kinds import KIND_ORDER, KINDS, Kind
from crewup.users.tables import users


@dataclass(frozen=True)
class Hit:
    kind: Kind
    id: int
    title: str
    snippet: str  # HTML: escaped text and <mark> tags
    created_at: datetime
    group_id: int | None = None
    post_id: int | None = None
    starts_at: datetime | None = None


def _base(kind: Kind) -> Any:
    """(kind, id, title, group_id, post_id, starts_at) of one kind's rows. Every part of
    the page's statement gives each column the same type (the first part's types are
    the statement's: a NULL start time is still a UTC time on SQLite)."""
    table = KINDS[kind].index.table
    none = null().cast(Integer)
    no_start = type_coerce(null(), UtcDateTime())
    position = literal_column(str(KIND_ORDER.index(kind)), Integer).label("kind")
    if kind is Kind.groups:
        return select(
            position,
            table.c.id,
            table.c.name.label("title"),
            table.c.id.label("group_id"),
            none.label("post_id"),
            no_start.label("starts_at"),
        )
    if kind is Kind.events:
        return select(
            position,
            events.c.id,
            events.c.title,
            events.c.group_id,
            none.label("post_id"),
            events.c.starts_at,
        )
    if kind is Kind.posts:
        return select(
            position,
            posts.c.id,
            posts.c.title,
            posts.c.group_id,
            posts.c.id.label("post_id"),
            no_start.label("starts_at"),
        )
    if kind is Kind.comments:
        return select(
            position,
            comments.c.id,
            posts.c.title,
            posts.c.group_id,
            comments.c.post_id,
            no_start.label("starts_at"),
        ).select_from(comments.join(posts, posts.c.id == comments.c.post_id))
    return select(
        position,
        users.c.id,
        users.c.display_name.label("title"),
        none.label("group_id"),
        none.label("post_id"),
        no_start.label("starts_at"),
    )


_WORDS = bindparam("words", type_=String)


def _ids_key(kind: Kind) -> str:
    return f"ids_{kind.value}"


def _among_ids(kind: Kind, dialect: str) -> ColumnElement[bool]:
    """The kind's rows whose ids are in its parameter (see the module docstring)."""
    row_id = KINDS[kind].index.table.c.id
    if dialect == "postgresql":
        return row_id == any_(bindparam(_ids_key(kind), type_=ARRAY(Integer)))
    return row_id.in_(select(bound_rows.json_values(dialect, _ids_key(kind), Integer())))


def _with_snippet(kind: Kind, dialect: str) -> Any:
    """The kind's rows among its ids, with a snippet for the query text `words`."""
    index: TextIndex = KINDS[kind].index
    query = _base(kind).where(_among_ids(kind, dialect))
    if dialect == "postgresql":
        # The tsquery made once, not per row (see core.text.matches_row).
        words = select(func.to_tsquery(PG_CONFIG, _WORDS)).scalar_subquery()
        headline = func.ts_headline(PG_CONFIG, index.body, words, literal(snippets.PG_OPTIONS))
        return query.add_columns(headline.label("snippet"))
    fts = fts_table(index)
    snippet = func.snippet(
        literal_column(index.fts_name),
        len(index.fts_columns) - 1,
        snippets.START,
        snippets.STOP,
        snippets.ELLIPSIS,
        16,
    )
    # snippet() works only in a statement that MATCHes its FTS5 table. One MATCH for the
    # page's rows of the kind, read once (MATERIALIZED), the ids tested on each match
    # (`+rowid`: not handed to FTS5): FTS5 given `rowid = ?` with a prefix query expands
    # the prefix again for every row, 0.1 ms a row for two words, 170 ms for a page of
    # events matching "b" (12 ms in one pass).
    of_page = (
        select(fts.c.rowid.label("id"), snippet.label("snippet"))
        .where(
            literal_column(index.fts_name).op("MATCH")(_WORDS),
            literal_column(f"+{index.fts_name}.rowid", Integer).in_(
                select(bound_rows.json_values(dialect, _ids_key(kind), Integer()))
            ),
        )
        .cte(f"{index.fts_name}_page")
        .prefix_with("MATERIALIZED")
    )
    # Outer: a row the words do not match (an exact name, see search.candidates) is
    # still shown, without a snippet, as before.
    return query.add_columns(of_page.c.snippet).outerjoin(of_page, of_page.c.id == index.table.c.id)


@lru_cache(maxsize=64)  # every set of kinds a page holds, per engine
def _page_statement(kinds: tuple[Kind, ...], dialect: str) -> Prepared:
    """Built once per set of kinds and engine (building it per request cost more than
    running it)."""
    parts = [_with_snippet(kind, dialect) for kind in kinds]
    return Prepared(union_all(*parts) if len(parts) > 1 else parts[0])


async def describe(
    conn: Reads, words: list[str], found: list[tuple[Kind, int, datetime]]
) -> list[Hit]:
    """The page's results in the order found, each with its title and snippet."""
    if not found:
        return []
    dialect = conn.dialect.name
    params: dict[str, Any] = {
        "words": pg_query(words) if dialect == "postgresql" else fts5_query(words)
    }
    ids: dict[Kind, list[int]] = {}
    for kind, row_id, _ in found:
        ids.setdefault(kind, []).append(row_id)
    for kind, of_kind in ids.items():
        params[_ids_key(kind)] = of_kind if dialect == "postgresql" else bound_rows.encode(of_kind)
    kinds = tuple(kind for kind in KIND_ORDER if kind in ids)
    rows = {
        (KIND_ORDER[row.kind], row.id): row
        for row in await _page_statement(kinds, dialect).all(conn, params)
    }
    hits = []
    for kind, row_id, created_at in found:
        shown = rows.get((kind, row_id))
        if shown is None:  # deleted between the two statements
            continue
        hits.append(
            Hit(
                kind=kind,
                id=row_id,
                title=shown.title,
                snippet=snippets.render(shown.snippet),
                created_at=created_at,
                group_id=shown.group_id,
                post_id=shown.post_id,
                starts_at=shown.starts_at,
            )
        )
    return hits
