"""`seed_demo`: the one way demo data gets into a database (the CLI's `seed demo` and
every benchmark call it).

1. Refuse a site with real people in it unless forced; with `if_empty`, leave any site
   that has accounts alone.
2. Hash the demo password once: argon2 at the configured cost is slow on purpose, and
   every demo person shares it.
3. The demo cast through the users service, and with all five of them new, today's demo
   content through the domain services (a waitlist, a private group, a post).
4. The generated world: a plan in compact arrays, then each table streamed in bulk
   inside one transaction, so a failed run leaves nothing half-made.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.db import Database
from crewup.core.errors import Conflict
from crewup.events.tables import events
from crewup.groups.tables import groups
from crewup.posts.tables import posts
from crewup.seed.bulk import NoProgress, Progress, Written, encoding_for, reserve_ids, write_table
from crewup.seed.cast import DEMO_PASSWORD, DEMO_PEOPLE, count_other_people, create_cast
from crewup.seed.demo_content import DEMO_COUNTS, create_demo_content
from crewup.seed.generators import GENERATORS
from crewup.seed.plan import DAY, Plan, make_plan
from crewup.seed.sizes import WorldSize
from crewup.seed.texts import build_texts
from crewup.seed.world import Ids, World
from crewup.users import service as users_service
from crewup.users.tables import users


@dataclass(frozen=True)
class SeedRequest:
    size: WorldSize
    seed: int
    if_empty: bool = False
    force: bool = False


@dataclass(frozen=True)
class SeedResult:
    skipped: bool = False  # `if_empty` and the site had accounts
    cast: int = 0  # demo people created
    content: list[str] = field(default_factory=list)  # what the demo content made
    written: list[Written] = field(default_factory=list)  # generated rows, per table
    seconds: float = 0.0


def world_anchor() -> int:
    """Midnight UTC of today: the same seed on the same day makes the same world."""
    return int(clock.now().timestamp()) // DAY * DAY


async def _refuse_real_sites(conn: AsyncConnection, force: bool) -> None:
    if force:
        return
    others = await count_other_people(conn)
    if others:
        raise Conflict(
            f"the site already has {others} people who are not demo people; refusing to "
            "mix demo data in (--force seeds anyway)"
        )


async def _generate(
    db: Database, plan: Plan, password_hash: str, progress: Progress
) -> list[Written]:
    counts = (
        (users, plan.people),
        (groups, plan.groups),
        (events, plan.events),
        (posts, plan.posts),
    )
    texts = build_texts(plan.seed)
    if db.dialect == "postgresql":  # taken and committed at once: see reserve_ids
        async with db.transaction() as conn:
            firsts = [await reserve_ids(conn, table, n) for table, n in counts]
    async with db.transaction() as conn:
        if db.dialect != "postgresql":
            firsts = [await reserve_ids(conn, table, n) for table, n in counts]
        else:
            # Opens the transaction on the driver connection before COPY uses it; and the
            # commit need not wait for the disk (a demo world lost to a crash is seeded
            # again; a half one is never kept).
            await conn.execute(text("SET LOCAL synchronous_commit = off"))
        world = World(plan, texts, Ids(*firsts), encoding_for(conn), password_hash)
        written = [await write_table(conn, generator, world, progress) for generator in GENERATORS]
    if db.dialect == "postgresql":  # fresh statistics, or the first queries plan blind
        async with db.transaction() as conn:
            await conn.execute(text(f"ANALYZE {', '.join(g.table.name for g in GENERATORS)}"))
    return written


async def seed_demo(
    db: Database,
    request: SeedRequest,
    hash_password: Callable[[str], Awaitable[str]],
    progress: Progress | None = None,
) -> SeedResult:
    started = time.perf_counter()
    async with db.transaction() as conn:
        if request.if_empty and await users_service.count_accounts(conn) > 0:
            return SeedResult(skipped=True)
        await _refuse_real_sites(conn, request.force)
    password_hash = await hash_password(DEMO_PASSWORD)
    size = request.size
    async with db.transaction() as conn:
        cast = await create_cast(conn, min(size.users, len(DEMO_PEOPLE)), password_hash)
    content: list[str] = []
    demo = WorldSize(0, 0, 0, 0)
    if len(cast) == len(DEMO_PEOPLE):  # groups and events need the whole cast, new
        content = await create_demo_content(db, cast)
        demo = DEMO_COUNTS
    plan = make_plan(
        request.seed,
        world_anchor(),
        people=max(0, size.users - len(DEMO_PEOPLE)),
        groups=max(0, size.groups - demo.groups),
        events=max(0, size.events - demo.events),
        posts=max(0, size.posts - demo.posts),
    )
    written = (
        await _generate(db, plan, password_hash, progress or NoProgress()) if plan.people else []
    )
    return SeedResult(False, len(cast), content, written, time.perf_counter() - started)
