"""full-text search: tsvector columns + GIN (PostgreSQL), FTS5 tables + triggers (SQLite)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 10:00:00

Both engines index the same words with the same weights: the name or title (A), a short
second field (B: category, place, interests), the long text (C). `crewup.core.text`
queries them; `crewup-admin search reindex` rebuilds them from the rows.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (A, B, C) as SQL expressions over the row; None: no such field.
PG_FIELDS: dict[str, tuple[str | None, str | None, str | None]] = {
    "groups": ("name", "category", "description"),
    "events": ("title", "location_name", "description"),
    "posts": ("title", None, "body"),
    "comments": (None, None, "body"),  # no title: a comment never ranks as one
    "users": ("display_name", "crewup_json_words(interests)", None),
}

# SQLite FTS5 tables: table -> (fts columns, the row's values for them).
SQLITE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "groups": (("name", "category", "description"), ("name", "category", "description")),
    "events": (("title", "place", "description"), ("title", "location_name", "description")),
    "posts": (("title", "body"), ("title", "body")),
    "comments": (("body",), ("body",)),
    "users": (
        ("display_name", "interests"),
        (
            "display_name",
            "(SELECT coalesce(group_concat(value, ' '), '') FROM json_each({row}.interests))",
        ),
    ),
}

# Fired on changes to these columns only (counters change often and are not indexed).
SQLITE_WATCHED: dict[str, str] = {
    "groups": "name, category, description",
    "events": "title, location_name, description",
    "posts": "title, body",
    "comments": "body",
    "users": "display_name, interests",
}

# unaccent is a contrib extension: where the server lacks it (or we may not create it),
# search still works, accent-sensitive.
_UNACCENT = """
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS unaccent;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'unaccent is not available; search will be accent-sensitive';
    END;
    CREATE TEXT SEARCH CONFIGURATION crewup_search (COPY = simple);
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
        ALTER TEXT SEARCH CONFIGURATION crewup_search
            ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
            WITH unaccent, simple;
    END IF;
END
$$;
"""

# Interests are a JSON array; a generated column needs an IMMUTABLE function to read it.
_JSON_WORDS = """
CREATE FUNCTION crewup_json_words(value json) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN json_typeof(value) = 'array'
        THEN (SELECT coalesce(string_agg(item, ' '), '')
              FROM json_array_elements_text(value) AS item)
        ELSE '' END
$$;
"""


def _pg_vector(fields: tuple[str | None, str | None, str | None]) -> str:
    parts = [
        f"setweight(to_tsvector('crewup_search'::regconfig, coalesce({expr}, '')), '{weight}')"
        for expr, weight in zip(fields, "ABC", strict=True)
        if expr is not None
    ]
    return " || ".join(parts)


def _upgrade_postgresql() -> None:
    op.execute(_UNACCENT)
    op.execute(_JSON_WORDS)
    op.execute("DROP INDEX IF EXISTS ix_groups_text")
    op.execute("DROP INDEX IF EXISTS ix_events_text")
    for table, fields in PG_FIELDS.items():
        # A stored generated column: computed for every existing row now (the backfill)
        # and by PostgreSQL on every write after, so no code path can forget it.
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({_pg_vector(fields)}) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search_vector)")


def _downgrade_postgresql() -> None:
    for table in PG_FIELDS:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    op.execute("DROP FUNCTION IF EXISTS crewup_json_words(json)")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS crewup_search")
    # The extension stays: other things may use it, and dropping it needs rights we may
    # not have.
    op.execute(
        "CREATE INDEX ix_groups_text ON groups USING gin "
        "(to_tsvector('simple', name || ' ' || description))"
    )
    op.execute(
        "CREATE INDEX ix_events_text ON events USING gin "
        "(to_tsvector('simple', title || ' ' || location_name))"
    )


def sqlite_fill(table: str) -> str:
    """The statement that (re)fills one FTS5 table from its rows (also used by reindex)."""
    columns, values = SQLITE_FIELDS[table]
    select = ", ".join(v.format(row=table) for v in values)
    return f"INSERT INTO fts_{table} (rowid, {', '.join(columns)}) SELECT id, {select} FROM {table}"


def _upgrade_sqlite() -> None:
    for table, (columns, values) in SQLITE_FIELDS.items():
        # Own content (not external): snippet() then reads exactly what was indexed, and
        # a delete needs only the rowid.
        op.execute(
            f"CREATE VIRTUAL TABLE fts_{table} USING fts5({', '.join(columns)}, "
            "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
        )
        op.execute(sqlite_fill(table))
        new_values = ", ".join(v.format(row="new") if "{" in v else f"new.{v}" for v in values)
        insert = (
            f"INSERT INTO fts_{table} (rowid, {', '.join(columns)}) VALUES (new.id, {new_values});"
        )
        remove = f"DELETE FROM fts_{table} WHERE rowid = old.id;"
        op.execute(f"CREATE TRIGGER fts_{table}_ai AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER fts_{table}_ad AFTER DELETE ON {table} BEGIN {remove} END")
        op.execute(
            f"CREATE TRIGGER fts_{table}_au AFTER UPDATE OF {SQLITE_WATCHED[table]} "
            f"ON {table} BEGIN {remove} {insert} END"
        )


def _downgrade_sqlite() -> None:
    for table in SQLITE_FIELDS:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS fts_{table}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS fts_{table}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _downgrade_postgresql()
    else:
        _downgrade_sqlite()
