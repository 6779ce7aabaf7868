"""Word search written once for every list that filters by `q=`.

PostgreSQL matches word prefixes against a `to_tsvector('simple', ...)` of the columns
(the same expression the tables index with GIN, see `text_vector`); SQLite looks for each
word inside any of the columns. Both treat the query as words: punctuation never reaches
the engine, so no input can break the query.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal_column, or_

from crewup.core.errors import FieldError, Invalid

MAX_WORDS = 8


def words_of(q: str) -> list[str]:
    words = re.findall(r"[^\W_]+", q.lower())[:MAX_WORDS]
    if not words:
        raise Invalid("q needs at least one letter or digit", [FieldError("q", "no words")])
    return words


def text_vector(*columns: ColumnElement[Any]) -> ColumnElement[Any]:
    """The indexed document of a row: the columns joined by spaces."""
    document: ColumnElement[Any] = columns[0]
    for column in columns[1:]:
        document = document.op("||")(literal_column("' '")).op("||")(column)
    return func.to_tsvector(literal_column("'simple'"), document)


def matches_words(dialect: str, q: str, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Every word of `q` occurs in the columns (as a word prefix on PostgreSQL)."""
    words = words_of(q)
    if dialect == "postgresql":
        query = func.to_tsquery(literal_column("'simple'"), " & ".join(f"{w}:*" for w in words))
        return text_vector(*columns).op("@@")(query)
    return and_(
        *(or_(*(func.lower(c).contains(w, autoescape=True) for c in columns)) for w in words)
    )
