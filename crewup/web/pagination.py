"""Opaque cursors and the list envelope `{"items": [...], "next_cursor": ...}`."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any, TypeVar

from pydantic import Field

from crewup.core.errors import BadRequest

T = TypeVar("T")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

Limit = Annotated[int, Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)]


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str | None, *keys: str) -> dict[str, Any] | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadRequest("cursor is malformed; use next_cursor from the previous page") from None
    if not isinstance(position, dict) or not all(k in position for k in keys):
        raise BadRequest("cursor is malformed; use next_cursor from the previous page")
    return position


def keyset_page(items: list[T], limit: int, key: str) -> tuple[list[T], str | None]:
    """Services fetch limit + 1 rows; the extra one only says another page exists."""
    if len(items) <= limit:
        return items, None
    kept = items[:limit]
    return kept, encode_cursor({key: getattr(kept[-1], key)})


def cursor_value(cursor: str | None, key: str) -> int | None:
    position = decode_cursor(cursor, key)
    if position is None:
        return None
    value = position[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadRequest("cursor is malformed; use next_cursor from the previous page")
    return value
