"""nearest first: GiST indexes over events' and groups' places as unit-sphere points

PostgreSQL only (SQLite keeps its lat/lon indexes and bounding boxes). Needs the contrib
modules `cube` (the points) and `btree_gist` (the id beside them, so ties are ordered by
the index too); PostgreSQL marks both trusted: a database owner may create them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same expression as crewup.core.geo.earth_point: the planner uses an expression
# index only for a query that spells the expression the same way.
POINT = (
    "cube(cube(cube(cos(radians(lat)) * cos(radians(lon))), "
    "cos(radians(lat)) * sin(radians(lon))), sin(radians(lat)))"
)
EXTENSIONS = ("cube", "btree_gist")
INDEXES = (("ix_events_place_point", "events"), ("ix_groups_place_point", "groups"))


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for extension in EXTENSIONS:
        available = bind.execute(
            sa.text("SELECT 1 FROM pg_available_extensions WHERE name = :name"),
            {"name": extension},
        ).first()
        if available is None:
            raise RuntimeError(
                f"PostgreSQL's contrib module {extension!r} is not installed on the database "
                "server; install the server's contrib package (Debian: postgresql-contrib) "
                "and migrate again"
            )
        op.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
    for name, table in INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} USING gist (({POINT}), id)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    # The extensions stay: other objects of the database may use them.
