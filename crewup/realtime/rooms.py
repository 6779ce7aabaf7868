"""Room names: "group:7", "event:3". Every room frame carries `group_id` or `event_id`."""

from __future__ import annotations

from typing import Any

ROOM_KINDS = ("group", "event")


def room_key(kind: str, room_id: int) -> str:
    return f"{kind}:{room_id}"


def room_fields(room: str) -> dict[str, Any]:
    """The frame fields that name a room: {"group_id": 7}."""
    kind, _, number = room.partition(":")
    return {f"{kind}_id": int(number)}
