"""Search across groups, events, posts, comments and people: one ranked, paged list.

Every kind ranks the same way on both engines, so results interleave fairly: the tier
(the whole name or title is the query, every word is in the name or title, the words are
elsewhere), then the newest first, then kind and id for a total order the cursor can
resume from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import Field

from crewup.core.clock import CursorMoment
from crewup.core.errors import FieldError, Invalid
from crewup.core.identity import Actor, viewer_params
from crewup.core.marks import N_
from crewup.core.paging import Cursor, Page, RowId, cut_page, decode_cursor
from crewup.core.quick_reads import Reads
from crewup.core.text import words_of
from crewup.search.broad import BroadQueries
from crewup.search.details import Hit, describe
from crewup.search.kinds import ANY_TEXT, KIND_ORDER, Kind, Tier
from crewup.search.query import (
    counts_statement,
    cursor_params,
    found_params,
    found_statement,
    plan_of,
)

MAX_QUERY_LENGTH = 200
SUGGESTIONS = 8


class SearchCursor(Cursor):
    """Where a page ended: tier, creation time, kind, id (see the module docstring)."""

    r: Annotated[int, Field(ge=int(Tier.text), le=int(Tier.exact))]
    t: CursorMoment
    k: Annotated[int, Field(ge=0, lt=len(KIND_ORDER))]
    id: RowId


def check_query(q: str) -> str:
    """The query as searched; Invalid (422) when it is too long or has no words."""
    if len(q) > MAX_QUERY_LENGTH:
        raise Invalid(
            N_("q is limited to %(max)s characters", max=MAX_QUERY_LENGTH),
            [FieldError("q", N_("at most %(max)s characters", max=MAX_QUERY_LENGTH))],
        )
    words_of(q)
    return q


def _phrase(q: str) -> str:
    """The query as a whole name, for the exact tier: spaces squeezed, lower case, without
    the control characters (NUL) no stored name holds and PostgreSQL would refuse."""
    return " ".join("".join(c if c.isprintable() else " " for c in q).split()).lower()


async def search(
    conn: Reads,
    actor: Actor | None,
    q: str,
    kinds: Sequence[Kind] = KIND_ORDER,
    *,
    limit: int,
    cursor: str | None = None,
    broad: BroadQueries | None = None,
) -> Page[Hit]:
    """Visible rows of `kinds` matching every word of `q` as a prefix, best first.
    `broad` remembers which kinds a query matches many of (crewup/search/broad.py).
    Every statement is `Prepared`: `conn` may be a quick connection (`Database.quick()`)."""
    check_query(q)
    words = words_of(q)
    phrase = _phrase(q)
    position = decode_cursor(cursor, SearchCursor)
    dialect = conn.dialect.name
    chosen = tuple(kind for kind in KIND_ORDER if kind in kinds)
    params = {
        **viewer_params(actor),
        **found_params(dialect, chosen, words, phrase, limit + 1),
    }
    if position is not None:
        params.update(cursor_params(position.r, position.t, position.k, position.id))
    text = str(params[ANY_TEXT.key])
    known = broad.known(text, chosen) if broad is not None else set()
    counted = tuple(kind for kind in chosen if kind not in known)
    counts: Sequence[int] = (
        (await counts_statement(dialect, counted).all(conn, params))[0] if counted else ()
    )
    plan = plan_of(chosen, known, dict(zip(counted, counts, strict=True)))
    if broad is not None:
        broad.remember(text, (kind for kind, many in plan if many and kind not in known))
    rows: Sequence[Any] = []
    if plan:
        statement = found_statement(dialect, plan, position is not None, actor is None)
        rows = await statement.all(conn, params)
    tiers = {(KIND_ORDER[row.kind], row.id): row.tier for row in rows}
    hits = await describe(
        conn, words, [(KIND_ORDER[row.kind], row.id, row.created_at) for row in rows]
    )

    def position_of(hit: Hit) -> Cursor:
        return SearchCursor(
            r=tiers[(hit.kind, hit.id)], t=hit.created_at, k=KIND_ORDER.index(hit.kind), id=hit.id
        )

    return cut_page(hits, limit, position_of)


async def suggest(
    conn: Reads, actor: Actor | None, q: str, broad: BroadQueries | None = None
) -> list[Hit]:
    """The best few results for search as you type."""
    return (await search(conn, actor, q, limit=SUGGESTIONS, broad=broad)).items
