"""Who may read a chat room. A group's room is for its members; an event's for the
people going or waitlisted and its organisers (creator, group owner and admins).

Hidden rooms are NotFound; visible ones you may not read are Forbidden (the socket
answers both with the same `forbidden` frame)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core.errors import Forbidden
from crewup.core.identity import Actor
from crewup.core.marks import N_
from crewup.events.access import RsvpStatus, load_event
from crewup.groups.access import load_group_content


class RoomKind(enum.StrEnum):
    group = "group"
    event = "event"


@dataclass(frozen=True)
class Room:
    kind: RoomKind
    id: int

    @property
    def key(self) -> str:
        """The hub's name for it (crewup.realtime.rooms)."""
        return f"{self.kind.value}:{self.id}"

    @property
    def fields(self) -> dict[str, int]:
        return {f"{self.kind.value}_id": self.id}


@dataclass(frozen=True)
class Reader:
    """What access to a room allows beyond reading."""

    room: Room
    group_id: int
    manages: bool  # may delete others' messages


async def check_reader(conn: AsyncConnection, room: Room, actor: Actor) -> Reader:
    if room.kind is RoomKind.group:
        group = await load_group_content(conn, room.id, actor)
        if not group.is_member:
            raise Forbidden(N_("the chat is for the group's members"))
        return Reader(room, group.id, group.is_manager or actor.is_moderator)
    event = await load_event(conn, room.id, actor)
    organiser = event.may_manage or event.creator_id == actor.id
    if not organiser and event.my_status not in (RsvpStatus.going, RsvpStatus.waitlisted):
        raise Forbidden(N_("the chat is for people going or waitlisted and the organisers"))
    return Reader(room, event.group_id, event.may_manage or actor.is_moderator)
