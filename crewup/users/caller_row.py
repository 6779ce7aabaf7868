"""The caller's own account row inside another read: the actor in the same round trip.

A bearer read used to be two statements: the caller's account (is it live, banned, its
role) and then what was asked. A hot read can instead select from the caller's row
outer-joined to what it asks for (`CALLER_SOURCE`, `CALLER_COLUMNS`, `LIVE_CALLER`):
no row means the account is gone; a row gives the Actor (`actor_of`) and, where the
asked-for columns are not null, the answer. The web layer then checks the Actor as it
checks every caller (`web.caller.accept_caller`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_

from crewup.core.identity import VIEWER_ID, Actor, Role
from crewup.users.service import is_banned
from crewup.users.tables import users

CALLER_SOURCE = users.alias("caller")
_FIELDS = (
    "role",
    "banned_at",
    "ban_expires_at",
    "display_name",
    "email_verified_at",
    "locale",
    "tokens_valid_from",
)
PREFIX = "caller_"
CALLER_COLUMNS = tuple(CALLER_SOURCE.c[name].label(PREFIX + name) for name in _FIELDS)
LIVE_CALLER = and_(CALLER_SOURCE.c.id == VIEWER_ID, CALLER_SOURCE.c.deleted_at.is_(None))


def actor_of(user_id: int, row: Any) -> Actor:
    """The Actor of a row carrying `CALLER_COLUMNS`, as `users.service.load_actor`
    builds it."""
    return Actor(
        id=user_id,
        role=Role(row.caller_role),
        banned=is_banned(row.caller_banned_at, row.caller_ban_expires_at),
        display_name=row.caller_display_name,
        verified=row.caller_email_verified_at is not None,
        locale=row.caller_locale,
        tokens_valid_from=row.caller_tokens_valid_from,
    )
