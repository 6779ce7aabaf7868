"""Search's ranking statement starts from the text index's candidates on SQLite, for
signed-out visitors and members alike, whatever the kinds, paging and plan.

SQLite's planner has no statistics here (nothing runs ANALYZE), so it picks the same
plans in a test database as at 100k posts. Once, given only "the group is public" for a
signed-out visitor, it walked every public group's posts (by the visibility index, then
the posts of each group) instead of looking up the few candidates: 500 ms instead of
13 ms a search at 100k posts, with the same answers. This reads the plan of the service's
own statement (EXPLAIN QUERY PLAN), so such a plan fails here before it reaches users.

PostgreSQL is not checked this way: on a test database's few rows its planner rightly
prefers sequential scans, so its plan there says nothing of its plan at scale.
"""

from __future__ import annotations

import itertools
import re

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.search.kinds import KIND_ORDER, Kind
from crewup.search.query import found_statement
from crewup.web.appkeys import DB
from tests.support.databases import Stack

ROW_TABLES = {"groups", "events", "posts", "comments", "users", "group_members"}
# A table read by its id: one row per candidate.
BY_ID = re.compile(r"\((?:.* AND )?(?:rowid|id)=\?")
# Bounded reads that are not by id: the NEWEST newest rows (a LIMIT over the index), the
# exact names, the viewer's membership of one group.
BOUNDED = re.compile(
    r"^SCAN \w+ USING COVERING INDEX ix_\w+_created_at$"
    r"|USING COVERING INDEX ix_\w+_title_nocase \(\w+=\?\)$"
    r"|USING COVERING INDEX sqlite_autoindex_group_members_1 \(group_id=\? AND user_id=\?\)"
)


def unbounded_reads(plan: list[str]) -> list[str]:
    """The plan's reads of a row table neither by id nor bounded (see above)."""
    found = []
    for detail in plan:
        access = re.match(r"(SCAN|SEARCH) (\w+)(?: AS (\w+))?", detail)
        if access is None or access.group(2) not in ROW_TABLES:
            continue
        if not (BY_ID.search(detail) or BOUNDED.search(detail)):
            found.append(detail)
    return found


async def plan_of(
    conn: AsyncConnection, plan: tuple[tuple[Kind, bool], ...], **kw: bool
) -> list[str]:
    compiled = found_statement("sqlite", plan, **kw).statement.compile(dialect=conn.dialect)
    values = (None,) * len(compiled.positiontup or ())
    rows = await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", values)
    return [row[3] for row in rows]


def plans() -> list[tuple[tuple[Kind, bool], ...]]:
    """Each kind alone, with few and with many matches, and every kind at once."""
    alone = [((kind, many),) for kind in KIND_ORDER for many in (False, True)]
    every = [tuple((kind, many) for kind in KIND_ORDER) for many in (False, True)]
    return alone + every


def test_the_guard_sees_a_walk_over_public_groups() -> None:
    """The plan SQLite once chose, as EXPLAIN QUERY PLAN printed it."""
    walked = [
        "CO-ROUTINE posts_ranked",
        "SEARCH groups USING COVERING INDEX ix_groups_visibility_id (visibility=?)",
        "SEARCH posts USING INDEX ix_posts_group_id_id (group_id=? AND id=? AND rowid=?)",
        "SCAN fts_posts VIRTUAL TABLE INDEX 0:M2",
    ]
    assert unbounded_reads(walked) == [walked[1]]
    assert unbounded_reads(["SCAN posts"]) == ["SCAN posts"]


async def test_ranking_starts_from_the_candidates(client: TestClient, stack: Stack) -> None:
    if stack.is_services:
        pytest.skip("PostgreSQL plans small tables differently from large ones (see above)")
    async with client.app[DB].reading() as conn:
        for plan, paged, anyone in itertools.product(plans(), (False, True), (False, True)):
            found = await plan_of(conn, plan, paged=paged, anyone=anyone)
            assert unbounded_reads(found) == [], (plan, paged, anyone, found)
