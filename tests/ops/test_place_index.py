"""PostgreSQL's nearest-first place indexes serve nearby searches and nothing else.

They hold the id beside the place (btree_gist), so without care PostgreSQL answered
`id = $1` with them under a generic plan: every foreign-key check against events and
groups walked the whole GiST index (a large seed stalled for half an hour). Both are
now partial on a predicate an id lookup cannot prove; the nearby query still uses them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from crewup.core.geo import Point, nearest_first
from crewup.groups.tables import groups

# Partial on a predicate no lookup by id can prove (migrations 0020 and 0022).
PLACE_INDEXES = {
    "events": ("ix_events_place_scheduled", "WHERE ((status)::text = 'scheduled'::text)"),
    "groups": ("ix_groups_place_point", "WHERE (lat IS NOT NULL)"),
}


@pytest.fixture
async def pg_engine(stack, fresh_database):
    if not stack.is_services:
        pytest.skip("the GiST place indexes are PostgreSQL's (SQLite uses bounding boxes)")
    engine = create_async_engine(fresh_database.replace("postgresql://", "postgresql+asyncpg://"))
    yield engine
    await engine.dispose()


async def test_place_indexes_are_partial_so_id_lookups_cannot_use_them(pg_engine) -> None:
    async with pg_engine.connect() as conn:
        for table, (name, predicate) in PLACE_INDEXES.items():
            definition = (
                await conn.execute(
                    text("SELECT indexdef FROM pg_indexes WHERE tablename = :t AND indexname = :n"),
                    {"t": table, "n": name},
                )
            ).scalar_one()
            assert "USING gist" in definition and definition.endswith(predicate), definition
            # Even told to avoid everything but index scans, a generic plan of the
            # foreign-key check's own query takes the primary key.
            await conn.execute(text("SET enable_seqscan = off"))
            await conn.execute(text("SET plan_cache_mode = force_generic_plan"))
            await conn.exec_driver_sql(
                f"PREPARE by_id_{table}(int) AS SELECT 1 FROM ONLY {table} x WHERE id = $1"
                " FOR KEY SHARE OF x"
            )
            plan = "\n".join(
                row[0] for row in await conn.exec_driver_sql(f"EXPLAIN EXECUTE by_id_{table}(1)")
            )
            assert f"pk_{table}" in plan and name not in plan, plan


async def test_nearby_groups_query_still_reads_the_partial_place_index(pg_engine) -> None:
    table = groups
    query = nearest_first(
        select(table.c.id),
        table.c.lat,
        table.c.lon,
        table.c.id,
        Point(52.52, 13.405),
        10.0,
        None,
        dialect="postgresql",
    ).limit(20)
    async with pg_engine.connect() as conn:
        sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        await conn.execute(text("SET enable_seqscan = off"))
        await conn.execute(text("SET enable_sort = off"))
        plan = "\n".join(row[0] for row in await conn.exec_driver_sql(f"EXPLAIN {sql}"))
    assert f"Index Scan using {PLACE_INDEXES['groups'][0]}" in plan, plan
    assert "Order By" in plan, plan  # nearest first by the index, not a sort
