"""Keyset paging: opaque cursors validated when read, and the `limit + 1` page cut.

A cursor is the position of the last row of a page, as base64url JSON. Clients must treat
it as opaque; the server validates it against the shape the list expects (strict types,
ids in range, finite distances), so a forged or stale cursor is a 400, never a 500.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crewup.core.clock import CursorMoment
from crewup.core.errors import BadRequest

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
RowId = Annotated[int, Field(ge=0, lt=2**31)]
# Half the Earth's circumference bounds every great-circle distance.
DistanceKm = Annotated[float, Field(ge=0, le=20_040, allow_inf_nan=False)]


class Cursor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class IdCursor(Cursor):
    """Newest first by id (posts, comments, groups)."""

    id: RowId


class UserCursor(Cursor):
    """People in a list, by user id (members, join requests, going, interested)."""

    user_id: RowId


class LineCursor(Cursor):
    """A place in line (the waitlist): the arrival number to continue after, and the
    position it had, so the next page goes on counting."""

    seq: RowId
    position: RowId


class NearCursor(Cursor):
    """Nearest first: distance, ties by id."""

    d: DistanceKm
    id: RowId


class TimeCursor(Cursor):
    """Soonest first: start time, ties by id."""

    t: CursorMoment
    id: RowId

    @property
    def moment(self) -> datetime:
        return self.t


C = TypeVar("C", bound=Cursor)
T = TypeVar("T")

_MALFORMED = "cursor is malformed; use next_cursor from the previous page"
# Ours are well under it; a longer one is malformed (400), not a validation error (422).
MAX_CURSOR_LENGTH = 500


def encode_cursor(position: Cursor) -> str:
    raw = position.model_dump_json().encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str | None, shape: type[C]) -> C | None:
    """The position in `cursor`, or None for the first page; BadRequest if it is not a
    cursor of this list."""
    if cursor is None:
        return None
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise BadRequest(_MALFORMED)
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        return shape.model_validate_json(raw)
    except (binascii.Error, ValueError, UnicodeError, ValidationError):
        raise BadRequest(_MALFORMED) from None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and where the next one starts (None: this is the last)."""

    items: list[T]
    next_cursor: str | None = None


def cut_page(rows: Sequence[T], limit: int, position_of: Callable[[T], Cursor]) -> Page[T]:
    """Lists fetch `limit + 1` rows; the extra one only says that another page exists."""
    if len(rows) <= limit:
        return Page(list(rows))
    kept = list(rows[:limit])
    return Page(kept, encode_cursor(position_of(kept[-1])))
