"""nearest first: groups' GiST place index becomes partial (WHERE lat IS NOT NULL)

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-07 07:15:00

The indexes of 0011 hold the id beside the place (btree_gist), so PostgreSQL could
answer `id = $1` with them, and under generic plans it did: foreign-key checks against
events and groups (every RSVP, every seeded participant) and prepared lookups by id
walked the whole GiST index instead of the primary key (a seed of 100k events stalled
for more than half an hour). An id lookup cannot prove `lat IS NOT NULL`, so a partial
index is never offered to it; the nearest-first query states the predicate and keeps
its index. Events' index became partial on the status in 0020, which an id lookup
cannot prove either.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same expression as crewup.core.geo.earth_point (and migration 0011).
POINT = (
    "cube(cube(cube(cos(radians(lat)) * cos(radians(lon))), "
    "cos(radians(lat)) * sin(radians(lon))), sin(radians(lat)))"
)
INDEXES = (("ix_groups_place_point", "groups"),)


def _rebuild(predicate: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON {table} USING gist (({POINT}), id){predicate}")


def upgrade() -> None:
    _rebuild(" WHERE lat IS NOT NULL")


def downgrade() -> None:
    _rebuild("")
