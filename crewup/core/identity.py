"""Who is asking: the caller of a request, a CLI operator's stand-in, a worker's subject.

The web layer resolves the caller once per request (see crewup.web.caller) with a loader
the composition root provides; services receive the `Actor` and never read the request.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import Integer, bindparam

from crewup.core.errors import Forbidden
from crewup.core.marks import N_
from crewup.core.quick_reads import Reads


class Role(enum.StrEnum):
    user = "user"
    moderator = "moderator"
    admin = "admin"


# What an access token that verified says (auth's AccessClaims): the web layer and the
# WebSocket handshake compare its issue time with `Actor.tokens_valid_from`.
class TokenSubject(Protocol):
    @property
    def user_id(self) -> int: ...

    @property
    def issued_at_ms(self) -> int: ...


ENDED_SIGN_IN = "this sign-in has ended (a new password or a ban); sign in again"


@dataclass(frozen=True)
class Actor:
    """Read fresh for each request, so a ban or a role change applies at once."""

    id: int
    role: Role
    banned: bool
    display_name: str = ""
    verified: bool = True  # the e-mail address was confirmed
    locale: str | None = None  # the language the person chose for pages; None: the browser's
    # Access tokens issued before this are void (the password changed, or a ban, then).
    tokens_valid_from: datetime | None = None

    def accepts_token_issued_at(self, issued_at_ms: int) -> bool:
        """Compared to the millisecond (`iat` alone is whole seconds, and a token a thief
        refreshed in the very second of the change would have lived on)."""
        ended = self.tokens_valid_from
        return ended is None or issued_at_ms >= int(ended.timestamp() * 1000)

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.moderator, Role.admin)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin


# How the web layer turns a user id into an Actor (None: no such live account); the users
# domain provides it, so the web layer needs no domain import.
ActorLoader = Callable[[Reads, int], Awaitable[Actor | None]]

# Lists that show "my role", "my RSVP" and the like join on this one bound parameter, so
# the statement is the same for every viewer and SQLAlchemy caches it once.
VIEWER_ID = bindparam("viewer_id", type_=Integer)
NOBODY = -1


def viewer_params(actor: Actor | None) -> dict[str, int]:
    return {"viewer_id": actor.id if actor is not None else NOBODY}


def ensure_may_create(actor: Actor, *, verified_required: bool) -> None:
    """Installations may ask for a confirmed address before people create groups and
    events (`require_verified_email`): it slows down throwaway spam accounts."""
    if verified_required and not actor.verified:
        raise Forbidden(N_("confirm your e-mail address first: open the link we sent you"))
