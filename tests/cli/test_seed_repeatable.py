"""The same seed on the same day makes the same world, row for row; another seed
makes another. (Pure generation: no database is involved in deciding the rows.)"""

from __future__ import annotations

import hashlib

from crewup.seed.generators import GENERATORS
from crewup.seed.plan import make_plan
from crewup.seed.texts import build_texts
from crewup.seed.world import Ids, SqliteEncoding, World

ANCHOR = 1_800_000_000 // 86_400 * 86_400


def _digests(seed: int) -> dict[str, str]:
    plan = make_plan(seed, ANCHOR, people=400, groups=40, events=300, posts=300)
    world = World(plan, build_texts(seed), Ids(6, 3, 4, 2), SqliteEncoding(), "hash")
    digests = {}
    for generator in GENERATORS:
        rows = list(generator.rows(world))
        assert rows and all(len(row) == len(generator.columns) for row in rows), generator.table
        digests[generator.table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def test_same_seed_same_world_other_seed_other_world() -> None:
    first, again, other = _digests(5), _digests(5), _digests(6)
    assert first == again
    assert all(first[table] != other[table] for table in first)
