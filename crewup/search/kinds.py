"""What search finds, kind by kind: which rows a viewer may see and how each ranks.

Visibility is the domains' own rules (groups' LISTED, events' VISIBLE, the users domain's
shown_account), so a search never shows what the lists would hide.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    case,
    func,
    literal,
    select,
)

from crewup.core.db import UtcDateTime
from crewup.core.text import TextIndex, matches_row
from crewup.events.tables import EVENT_TEXT, events
from crewup.groups.access import GROUPS_WITH_MEMBER, LISTED, LISTED_TO_ANYONE
from crewup.groups.tables import GROUP_TEXT, groups
from crewup.posts.tables import COMMENT_TEXT, POST_TEXT, comments, posts
from crewup.users.service import shown_account
from crewup.users.tables import USER_TEXT, users


class Kind(enum.StrEnum):
    groups = "groups"
    events = "events"
    posts = "posts"
    comments = "comments"
    users = "users"


# The order kinds take among equally ranked, equally recent results (and on pages).
KIND_ORDER = tuple(Kind)


class Tier(enum.IntEnum):
    """How well a row matches: the whole name or title is the query, every word is in the
    name or title, or the words are elsewhere in its text."""

    text = 1
    title = 2
    exact = 3


@dataclass(frozen=True)
class KindSearch:
    kind: Kind
    index: TextIndex
    created_at: ColumnElement[Any]
    # The rows this viewer may see, before any text condition; `anyone`: for a signed-out
    # visitor, who belongs to no group (no membership is joined for every candidate row).
    visible_rows: Callable[[bool], Select[Any]]


# Lean visibility joins: search needs only "may this viewer see it", never the viewer's
# RSVP (EVENTS_WITH_VIEWER joins it for the event pages).
def _groups_of(anyone: bool) -> tuple[Any, ColumnElement[bool]]:
    return (groups, LISTED_TO_ANYONE) if anyone else (GROUPS_WITH_MEMBER, LISTED)


def _groups(anyone: bool) -> Select[Any]:
    listed, rule = _groups_of(anyone)
    return select().select_from(listed).where(rule)


def _events(anyone: bool) -> Select[Any]:
    listed, rule = _groups_of(anyone)
    return select().select_from(events.join(listed, groups.c.id == events.c.group_id)).where(rule)


def _posts(anyone: bool) -> Select[Any]:
    listed, rule = _groups_of(anyone)
    return (
        select()
        .select_from(posts.join(listed, groups.c.id == posts.c.group_id))
        .where(rule, posts.c.removed_at.is_(None))
    )


def _comments(anyone: bool) -> Select[Any]:
    listed, rule = _groups_of(anyone)
    return (
        select()
        .select_from(
            comments.join(posts, posts.c.id == comments.c.post_id).join(
                listed, groups.c.id == posts.c.group_id
            )
        )
        # A removed post takes its comments out of search with it.
        .where(rule, comments.c.removed_at.is_(None), posts.c.removed_at.is_(None))
    )


def _users(anyone: bool) -> Select[Any]:
    return select().select_from(users).where(shown_account(NOW))


KINDS: dict[Kind, KindSearch] = {
    Kind.groups: KindSearch(Kind.groups, GROUP_TEXT, groups.c.created_at, _groups),
    Kind.events: KindSearch(Kind.events, EVENT_TEXT, events.c.created_at, _events),
    Kind.posts: KindSearch(Kind.posts, POST_TEXT, posts.c.created_at, _posts),
    Kind.comments: KindSearch(Kind.comments, COMMENT_TEXT, comments.c.created_at, _comments),
    Kind.users: KindSearch(Kind.users, USER_TEXT, users.c.created_at, _users),
}


# The statement is built once per engine, kinds and paging (see crewup.search.query); what
# a search changes is only these values.
ANY_TEXT = bindparam("search_any", type_=String)
PHRASE = bindparam("search_phrase", type_=String)
NOW = bindparam("search_now", type_=UtcDateTime())
LIMIT = bindparam("search_limit", type_=Integer)


def title_text(kind: Kind) -> BindParameter[str]:
    """The title-only query text of one kind (on SQLite it names the kind's column)."""
    return bindparam(f"search_title_{kind.value}", type_=String)


def ranked(
    spec: KindSearch,
    dialect: str,
    ids: ColumnElement[Any],
    after: Callable[[ColumnElement[Any], ColumnElement[Any], int, ColumnElement[Any]], Any] | None,
    *,
    anyone: bool,
) -> Select[Any]:
    """(kind, id, tier, created_at) of the best LIMIT visible rows among `ids`, after the
    cursor: each kind's own LIMIT, so no kind ever sorts more than its candidates."""
    index = spec.index
    table = index.table
    tier: ColumnElement[Any] = literal(int(Tier.text), Integer)
    if index.has_title:
        title_match = matches_row(
            dialect, index, title_text(spec.kind), table.c.id, index.vector, title_only=True
        )
        tier = case(
            (func.lower(index.title) == PHRASE, int(Tier.exact)),
            (title_match, int(Tier.title)),
            else_=int(Tier.text),
        )
    kind = KIND_ORDER.index(spec.kind)
    tier_column = tier.label("tier")
    query = spec.visible_rows(anyone).add_columns(
        literal(kind, Integer).label("kind"),
        table.c.id.label("id"),
        tier_column,
        spec.created_at.label("created_at"),
    )
    query = query.where(table.c.id.in_(ids))
    if after is not None:
        query = query.where(after(tier, spec.created_at, kind, table.c.id))
    # SQLite evaluates a repeated expression again, and the title tier's FTS5 lookup with
    # it: ordered by the selected column's name, it reads the title matches once.
    # PostgreSQL already matches the ORDER BY to the selected expression (its statement
    # is left as it was).
    order_tier = tier_column if dialect == "sqlite" else tier
    return query.order_by(order_tier.desc(), spec.created_at.desc(), table.c.id.desc()).limit(LIMIT)
