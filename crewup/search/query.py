"""The search statement, built once per engine, set of kinds and paging (first page or
after a cursor), and run with bind parameters: building and hashing a statement of five
ranked parts costs more Python time than PostgreSQL spends running it. Both statements
are `Prepared` (crewup/core/quick_reads.py): asyncpg prepared statements on the quick
path on PostgreSQL, SQLAlchemy on SQLite.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    bindparam,
    literal,
    or_,
    select,
    union_all,
)

from crewup.core.clock import now
from crewup.core.db import UtcDateTime
from crewup.core.quick_reads import Prepared
from crewup.core.text import query_text
from crewup.search.candidates import MATCHES, candidate_ids, match_count
from crewup.search.kinds import ANY_TEXT, KINDS, LIMIT, NOW, PHRASE, Kind, ranked

# Where the previous page ended (see crewup.search.service.SearchCursor).
AFTER_TIER = bindparam("after_tier", type_=Integer)
AFTER_TIME = bindparam("after_time", type_=UtcDateTime())
AFTER_KIND = bindparam("after_kind", type_=Integer)
AFTER_ID = bindparam("after_id", type_=Integer)


def _after(
    tier: ColumnElement[Any], created_at: ColumnElement[Any], kind: int, row_id: ColumnElement[Any]
) -> ColumnElement[bool]:
    """The rows of one kind that come after the cursor: worse tier, or older, or on the
    same moment a later kind or a smaller id."""
    this_kind = literal(kind, Integer)
    same_moment = or_(this_kind > AFTER_KIND, and_(this_kind == AFTER_KIND, row_id < AFTER_ID))
    return or_(
        tier < AFTER_TIER,
        and_(
            tier == AFTER_TIER,
            or_(created_at < AFTER_TIME, and_(created_at == AFTER_TIME, same_moment)),
        ),
    )


@lru_cache(maxsize=128)  # every subset of the five kinds (search/broad.py), per engine
def counts_statement(dialect: str, kinds: tuple[Kind, ...]) -> Prepared:
    """Each kind's matches, up to MATCHES + 1: one column per kind, named after it."""
    counts: list[Any] = [match_count(KINDS[kind], dialect).label(kind.value) for kind in kinds]
    return Prepared(select(*counts))


@lru_cache(maxsize=512)
def found_statement(
    dialect: str, plan: tuple[tuple[Kind, bool], ...], paged: bool, anyone: bool
) -> Prepared:
    """(kind, id, tier, created_at) of the best LIMIT rows of the kinds in `plan`, each
    with whether it has many matches (see crewup.search.candidates); `anyone`: for a
    signed-out visitor (see crewup.search.kinds.KindSearch)."""
    after = _after if paged else None
    # SQLite keeps the membership join for everyone: with only "the group is public" on
    # the groups side, its planner walked every public group's rows (every post) instead
    # of starting from the candidates: 13 -> 500 ms for a one-word search at 100k posts.
    anyone = anyone and dialect == "postgresql"
    parts = [
        select(
            ranked(
                KINDS[kind],
                dialect,
                candidate_ids(KINDS[kind], dialect, many=many),
                after,
                anyone=anyone,
            ).subquery(f"{kind.value}_ranked")
        )
        for kind, many in plan
    ]
    found = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("found")
    return Prepared(
        select(found.c.kind, found.c.id, found.c.tier, found.c.created_at)
        .order_by(found.c.tier.desc(), found.c.created_at.desc(), found.c.kind, found.c.id.desc())
        .limit(LIMIT)
    )


def plan_of(
    kinds: tuple[Kind, ...], known_many: set[Kind], counts: dict[Kind, int]
) -> tuple[tuple[Kind, bool], ...]:
    """The kinds worth a part of the statement (some match), and which match many: known
    to (crewup/search/broad.py), or counted so."""
    return tuple(
        (kind, kind in known_many or counts[kind] > MATCHES)
        for kind in kinds
        if kind in known_many or counts[kind]
    )


def found_params(
    dialect: str, kinds: tuple[Kind, ...], words: list[str], phrase: str, limit: int
) -> dict[str, Any]:
    """The values of the statement's bind parameters, cursor aside."""
    params: dict[str, Any] = {
        ANY_TEXT.key: query_text(dialect, KINDS[Kind.groups].index, words, title_only=False),
        PHRASE.key: phrase,
        NOW.key: now(),
        LIMIT.key: limit,
    }
    for kind in kinds:
        index = KINDS[kind].index
        if index.has_title:
            params[f"search_title_{kind.value}"] = query_text(
                dialect, index, words, title_only=True
            )
    return params


def cursor_params(tier: int, created_at: Any, kind: int, row_id: int) -> dict[str, Any]:
    return {
        AFTER_TIER.key: tier,
        AFTER_TIME.key: created_at,
        AFTER_KIND.key: kind,
        AFTER_ID.key: row_id,
    }
