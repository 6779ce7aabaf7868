"""Bodies, queries and answers of chat, over REST and in WebSocket frames."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crewup.chat.access import Room, RoomKind
from crewup.chat.service import Message

MAX_ID = 2**63 - 1


class UserRef(BaseModel):
    id: int
    display_name: str


class MessageOut(BaseModel):
    id: int
    group_id: int | None = None
    event_id: int | None = None
    author: UserRef
    body: str
    created_at: datetime
    edited_at: datetime | None = None
    client_id: str | None = None

    @classmethod
    def of(cls, message: Message) -> MessageOut:
        return cls(
            id=message.id,
            **message.room.fields,
            author=UserRef(id=message.author_id, display_name=message.author_name),
            body=message.body,
            created_at=message.created_at,
            edited_at=message.edited_at,
            client_id=message.client_id,
        )


class MessagePage(BaseModel):
    items: list[MessageOut]
    # Ask again with before=<this> for older messages (or after=<this> when paging forward).
    next_before: int | None = None
    next_after: int | None = None


class HistoryQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    before: int | None = Field(None, ge=1, le=MAX_ID)
    after: int | None = Field(None, ge=0, le=MAX_ID)
    limit: int = Field(50, ge=1, le=100)

    @model_validator(mode="after")
    def _one_direction(self) -> HistoryQuery:
        if self.before is not None and self.after is not None:
            raise ValueError("give before or after, not both")
        return self


class MessageEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(max_length=100_000)


class ReadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    up_to_id: int = Field(ge=0, le=MAX_ID)


class UnreadRoom(BaseModel):
    group_id: int | None = None
    event_id: int | None = None
    count: int


class UnreadOut(BaseModel):
    items: list[UnreadRoom]
    total: int


# -- WebSocket frames (client -> server) ----------------------------------------------


class RoomFrame(BaseModel):
    """Names one room: `group_id` or `event_id`. Strict: JSON's own types only, so
    `"group_id": true` or `"1"` is refused, not read as group 1 (a black-box trial)."""

    model_config = ConfigDict(extra="ignore", strict=True)
    type: str
    group_id: int | None = Field(None, ge=1, lt=2**31)
    event_id: int | None = Field(None, ge=1, lt=2**31)

    @model_validator(mode="after")
    def _one_room(self) -> RoomFrame:
        if (self.group_id is None) == (self.event_id is None):
            raise ValueError("name one room: group_id or event_id")
        return self

    @property
    def room(self) -> Room:
        if self.group_id is not None:
            return Room(RoomKind.group, self.group_id)
        assert self.event_id is not None
        return Room(RoomKind.event, self.event_id)


class SubscribeFrame(RoomFrame):
    since_id: int | None = Field(None, ge=0, le=MAX_ID)


class MessageFrame(RoomFrame):
    body: str = Field(max_length=100_000)
    # Echoed back to the client as it came; no control characters (NUL cannot be stored).
    client_id: str | None = Field(None, max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")


class ReadFrame(RoomFrame):
    up_to_id: int = Field(ge=0, le=MAX_ID)


def message_frame(message: Message) -> dict[str, Any]:
    """{"type": "message", ...}: the same fields as the REST answer."""
    return {"type": "message", **MessageOut.of(message).model_dump(mode="json")}
