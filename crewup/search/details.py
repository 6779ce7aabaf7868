"""What a result shows: its title, a highlighted snippet and where it lives.

One statement per kind for a whole page of results (at most five per page), and only for
the rows on the page: snippets re-read the text, so they are made for nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, String, bindparam, func, literal, literal_column, null, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.text import PG_CONFIG, TextIndex, fts5_query, fts_table, pg_query
from crewup.events.tables import events
from crewup.posts.tables import comments, posts
from crewup.search import snippets
from crewup.search.kinds import KINDS, Kind
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
    """(id, title, group_id, post_id, starts_at) of one kind's rows."""
    table = KINDS[kind].index.table
    none = null().cast(Integer)
    if kind is Kind.groups:
        return select(
            table.c.id,
            table.c.name.label("title"),
            table.c.id.label("group_id"),
            none.label("post_id"),
            null().label("starts_at"),
        )
    if kind is Kind.events:
        return select(
            events.c.id,
            events.c.title,
            events.c.group_id,
            none.label("post_id"),
            events.c.starts_at,
        )
    if kind is Kind.posts:
        return select(
            posts.c.id,
            posts.c.title,
            posts.c.group_id,
            posts.c.id.label("post_id"),
            null().label("starts_at"),
        )
    if kind is Kind.comments:
        return select(
            comments.c.id,
            posts.c.title,
            posts.c.group_id,
            comments.c.post_id,
            null().label("starts_at"),
        ).select_from(comments.join(posts, posts.c.id == comments.c.post_id))
    return select(
        users.c.id,
        users.c.display_name.label("title"),
        none.label("group_id"),
        none.label("post_id"),
        null().label("starts_at"),
    )


_IDS = bindparam("ids", type_=Integer, expanding=True)
_WORDS = bindparam("words", type_=String)


@lru_cache(maxsize=16)
def _with_snippet(kind: Kind, dialect: str) -> Any:
    """Built once per kind and engine (building it per request cost more than running
    it): the rows `ids`, with a snippet for the query text `words`."""
    index: TextIndex = KINDS[kind].index
    query = _base(kind).where(index.table.c.id.in_(_IDS))
    if dialect == "postgresql":
        headline = func.ts_headline(
            PG_CONFIG, index.body, func.to_tsquery(PG_CONFIG, _WORDS), literal(snippets.PG_OPTIONS)
        )
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
    # snippet() works only in a statement that MATCHes its FTS5 table: one row's worth.
    of_row = (
        select(snippet)
        .where(literal_column(index.fts_name).op("MATCH")(_WORDS), fts.c.rowid == index.table.c.id)
        .scalar_subquery()
    )
    return query.add_columns(of_row.label("snippet"))


async def describe(
    conn: AsyncConnection, words: list[str], found: list[tuple[Kind, int, datetime]]
) -> list[Hit]:
    """The page's results in the order found, each with its title and snippet."""
    wanted: dict[Kind, list[int]] = {}
    for kind, row_id, _ in found:
        wanted.setdefault(kind, []).append(row_id)
    rows: dict[tuple[Kind, int], Any] = {}
    dialect = conn.dialect.name
    text = pg_query(words) if dialect == "postgresql" else fts5_query(words)
    for kind, ids in wanted.items():
        statement = _with_snippet(kind, dialect)
        for row in await conn.execute(statement, {"ids": ids, "words": text}):
            rows[(kind, row.id)] = row
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
