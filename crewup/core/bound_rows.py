"""A list of rows sent as ONE bound parameter (a JSON array) and read as a table in SQL.

A statement built this way has the same text whatever the list's length, so SQLAlchemy
compiles it once and PostgreSQL prepares it once; an IN list or a multi-row VALUES is a
new statement for every length, and compiling it can cost more than running it (the bus
handles batches of any size, hundreds a second).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import JSON, String, bindparam, cast, column, func
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import FromClause
from sqlalchemy.types import TypeEngine


def encode(rows: Iterable[Any]) -> str:
    """The parameter's value: rows as JSON objects, or plain values for `json_values`."""
    return json.dumps(list(rows), separators=(",", ":"))


def json_rows(
    dialect: str, name: str, columns: Mapping[str, TypeEngine[Any]]
) -> tuple[FromClause, dict[str, ColumnElement[Any]]]:
    """A FROM item reading the bound parameter `name` (a JSON array of objects with the
    keys of `columns`), and an expression per column to select or join on."""
    param = bindparam(name, type_=String())
    if dialect == "postgresql":
        typed = [column(key, type_) for key, type_ in columns.items()]
        table = (
            func.json_to_recordset(cast(param, JSON))
            .table_valued(*typed)
            .render_derived(name=f"{name}_rows", with_types=True)
        )
        return table, {key: table.c[key] for key in columns}
    each = func.json_each(param).table_valued("value").alias(f"{name}_rows")
    return each, {key: _extracted(each.c.value, key, type_) for key, type_ in columns.items()}


def _extracted(value: ColumnElement[Any], key: str, type_: TypeEngine[Any]) -> ColumnElement[Any]:
    # json_extract answers an object or array as its JSON text: what a JSON column stores.
    return func.json_extract(value, f"$.{key}", type_=type_)


def json_values(dialect: str, name: str, type_: TypeEngine[Any]) -> ColumnElement[Any]:
    """A one-column set of the scalars in the bound JSON array `name`, for `IN (...)`."""
    param = bindparam(name, type_=String())
    if dialect == "postgresql":
        elements = func.json_array_elements_text(cast(param, JSON)).table_valued("value")
        return cast(elements.c.value, type_)
    each = func.json_each(param).table_valued("value")
    return each.c.value
