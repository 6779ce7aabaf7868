"""Word search written once: every `q=` filter and `GET /search` match through here.

The words of a table live in an index migration 0008 builds: a generated `search_vector`
tsvector column with a GIN index on PostgreSQL (text search configuration
`crewup_search`: simple + unaccent where the server has it), and an FTS5 table `fts_<table>`
(unicode61, diacritics removed) kept in step by triggers on SQLite. Both weigh the name or
title first.

User text never reaches either query language: it is cut into words of letters and digits
here, and each word becomes a quoted prefix term we write ourselves, so quotes, `&|!:*()`,
NUL bytes or FTS5 keywords in `q` are only text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    column,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
)

from crewup.core.errors import FieldError, Invalid
from crewup.core.marks import N_

MAX_WORDS = 8
# Longer "words" are pasted junk; cutting them keeps every query cheap and valid.
MAX_WORD_LENGTH = 40
PG_CONFIG: ColumnElement[Any] = literal_column("'crewup_search'::regconfig")


@dataclass(frozen=True)
class TextIndex:
    """Where one table's words are indexed.

    `title` is the name or title column (weight A, the first FTS5 column): a match there
    ranks above a match in the other text. `body` is the long text snippets come from
    (PostgreSQL); `fts_columns` are the FTS5 table's columns, the title first and the
    snippet column last."""

    table: Table
    title: ColumnElement[Any]
    body: ColumnElement[Any]
    fts_columns: tuple[str, ...]

    @property
    def fts_name(self) -> str:
        return f"fts_{self.table.name}"

    @property
    def has_title(self) -> bool:
        return len(self.fts_columns) > 1

    @property
    def vector(self) -> ColumnElement[Any]:
        return literal_column(f"{self.table.name}.search_vector")


def fold(text: str) -> str:
    """Lower case without accents, as both indexes store words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(q: str) -> list[str]:
    """The words of a query (at most MAX_WORDS); Invalid if it has none."""
    words = [w[:MAX_WORD_LENGTH] for w in re.findall(r"[^\W_]+", fold(q))][:MAX_WORDS]
    if not words:
        raise Invalid(N_("q needs at least one letter or digit"), [FieldError("q", N_("no words"))])
    return words


def pg_query(words: list[str], *, title_only: bool = False) -> str:
    """to_tsquery text: every word as a quoted prefix (`:*`), A-weighted for title_only.
    Words hold only letters and digits, so the quotes cannot be escaped from."""
    weight = "A" if title_only else ""
    return " & ".join(f"'{w}':*{weight}" for w in words)


def fts5_query(words: list[str], *, column_name: str | None = None) -> str:
    """FTS5 MATCH text: every word as a quoted prefix phrase, optionally in one column."""
    scope = f"{column_name} : " if column_name else ""
    return " AND ".join(f'{scope}"{w}"*' for w in words)


def fts_table(index: TextIndex) -> Any:
    return table(index.fts_name, column("rowid"), *(column(c) for c in index.fts_columns))


def fts_ids(index: TextIndex, match: str | ColumnElement[Any]) -> Any:
    """Row ids whose FTS5 entry matches (a subquery SQLite runs once per statement)."""
    fts = fts_table(index)
    text = match if isinstance(match, ColumnElement) else literal(match)
    return select(fts.c.rowid).where(literal_column(index.fts_name).op("MATCH")(text))


def query_text(dialect: str, index: TextIndex, words: list[str], *, title_only: bool) -> str:
    """What `matches_query` takes for these words, on this engine (for a bind parameter)."""
    if dialect == "postgresql":
        return pg_query(words, title_only=title_only)
    return fts5_query(words, column_name=index.fts_columns[0] if title_only else None)


def matches_query(
    dialect: str, index: TextIndex, text: ColumnElement[Any], *, title_only: bool = False
) -> ColumnElement[bool]:
    """`matches` with the query text of `query_text` as an expression (a bind parameter),
    so one statement serves every query."""
    if title_only and not index.has_title:
        return false()  # comments: only a body, so never a title match
    if dialect == "postgresql":
        return index.vector.op("@@")(func.to_tsquery(PG_CONFIG, text))
    return index.table.c.id.in_(fts_ids(index, text))


def matches(
    dialect: str, index: TextIndex, words: list[str], *, title_only: bool = False
) -> ColumnElement[bool]:
    """Every word occurs as a word prefix in the indexed text (or in the title only)."""
    text = literal(query_text(dialect, index, words, title_only=title_only))
    return matches_query(dialect, index, text, title_only=title_only)


def matches_row(
    dialect: str,
    index: TextIndex,
    text: ColumnElement[Any],
    row_id: ColumnElement[Any],
    vector: ColumnElement[Any],
    *,
    title_only: bool = False,
) -> ColumnElement[bool]:
    """`matches_query` for a row already in hand (`row_id`, and its `vector` on
    PostgreSQL, read with the row instead of through the index). SQLite reads the
    matching rowids once per statement: an FTS5 lookup per row would expand a prefix
    again for every row. PostgreSQL makes the tsquery once per statement too (a
    subquery): under a generic plan, which a prepared statement gets once planning it
    each time looks dearer, `to_tsquery` of a parameter is not folded into a constant and
    was parsed again for every row tested."""
    if title_only and not index.has_title:
        return false()
    if dialect == "postgresql":
        return vector.op("@@")(select(func.to_tsquery(PG_CONFIG, text)).scalar_subquery())
    return row_id.in_(fts_ids(index, text))


def matches_words(dialect: str, q: str, index: TextIndex) -> ColumnElement[bool]:
    """The `q=` filter of a list: every word of `q` occurs as a prefix in the row's text."""
    return matches(dialect, index, words_of(q))


# Text people write may hold line breaks and tabs, no other control character (PostgreSQL
# cannot even store NUL): the rule of request bodies (web.schemas.PLAIN_TEXT) and of chat
# messages on every face (chat.service.clean_body).
CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NOT_PLAIN_TEXT = N_("may hold line breaks and tabs, but no other control characters")
