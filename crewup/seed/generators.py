"""Every generated table, in the order rows must arrive (each after those it refers to).

Adding a table (chat messages, ratings) is one more `TableRows` here: its generator reads
the plan, and if other rows must agree with it (a counter), they draw from the same
per-group streams, as events and their participants do."""

from __future__ import annotations

from crewup.seed.events import EVENTS, PARTICIPANTS
from crewup.seed.groups import GROUP_MEMBERS, GROUPS, JOIN_REQUESTS
from crewup.seed.people import USERS
from crewup.seed.posts import COMMENTS_TABLE, POSTS
from crewup.seed.world import TableRows

GENERATORS: tuple[TableRows, ...] = (
    USERS,
    GROUPS,
    GROUP_MEMBERS,
    JOIN_REQUESTS,
    EVENTS,
    PARTICIPANTS,
    POSTS,
    COMMENTS_TABLE,
)
