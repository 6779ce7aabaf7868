"""nearby at scale: a GiST index of upcoming-capable events only (PostgreSQL), R*Trees (SQLite)

PostgreSQL: the nearest-first index of events (0011) held every event, so a nearby
query's KNN scan also read cancelled and ended events and threw them away after a heap
fetch. The new index holds scheduled events only (partial) and carries `ends_at`, so
"not over yet" is checked on the index entry, before the row is read.

SQLite: an R*Tree per table answers "inside this box" without reading every row whose
latitude alone is in range (the lat/lon B-tree can only use one of the two ranges).
Triggers keep it in step; events' R*Tree holds scheduled events only, like the index
above. Skipped where SQLite was built without R*Tree (`crewup.core.geo` then keeps the
plain bounding box).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same expression as crewup.core.geo.earth_point (and migration 0011).
POINT = (
    "cube(cube(cube(cos(radians(lat)) * cos(radians(lon))), "
    "cos(radians(lat)) * sin(radians(lon))), sin(radians(lat)))"
)

# (R*Tree, table, the condition a row must meet to be in it)
RTREES = (("events_rtree", "events", "status = 'scheduled'"), ("groups_rtree", "groups", ""))


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            f"CREATE INDEX ix_events_place_scheduled ON events USING gist (({POINT}), id, ends_at)"
            " WHERE status = 'scheduled'"
        )
        op.execute("DROP INDEX IF EXISTS ix_events_place_point")
        return
    if not has_rtree(bind):
        return
    for rtree, table, condition in RTREES:
        _create_rtree(rtree, table, condition)


def has_rtree(bind: sa.Connection) -> bool:
    options = {row[0] for row in bind.execute(sa.text("PRAGMA compile_options"))}
    return "ENABLE_RTREE" in options


def _create_rtree(rtree: str, table: str, condition: str) -> None:
    def kept(row: str) -> str:
        placed = f"{row}.lat IS NOT NULL AND {row}.lon IS NOT NULL"
        return f"{placed} AND {row}.{condition}" if condition else placed

    place = "new.id, new.lat, new.lat, new.lon, new.lon"
    op.execute(f"CREATE VIRTUAL TABLE {rtree} USING rtree(id, lat_min, lat_max, lon_min, lon_max)")
    op.execute(
        f"INSERT INTO {rtree} SELECT id, lat, lat, lon, lon FROM {table} WHERE {kept(table)}"
    )
    op.execute(
        f"CREATE TRIGGER {rtree}_insert AFTER INSERT ON {table} WHEN {kept('new')}"
        f" BEGIN INSERT INTO {rtree} VALUES ({place}); END"
    )
    # Any change of place or status: out, and back in if it still belongs.
    watched = "lat, lon, status" if condition else "lat, lon"
    op.execute(
        f"CREATE TRIGGER {rtree}_update AFTER UPDATE OF {watched} ON {table}"
        f" BEGIN DELETE FROM {rtree} WHERE id = old.id;"
        f" INSERT INTO {rtree} SELECT {place} WHERE {kept('new')}; END"
    )
    op.execute(
        f"CREATE TRIGGER {rtree}_delete AFTER DELETE ON {table}"
        f" BEGIN DELETE FROM {rtree} WHERE id = old.id; END"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_events_place_point ON events USING gist (({POINT}), id)")
        op.execute("DROP INDEX IF EXISTS ix_events_place_scheduled")
        return
    for rtree, _table, _condition in RTREES:
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {rtree}_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {rtree}")
