"""The rules of chat: post, edit, delete, history and replay (read markers and unread counts:
read_markers.py).

Ids increase within a room in commit order: on PostgreSQL a post takes a transaction-level
advisory lock on its room before it inserts, so no message can commit after one with a
higher id (a client replaying "after 1235" would otherwise miss a late 1234). SQLite has
one writer, which gives the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.chat.access import Reader, Room, RoomKind, check_reader
from crewup.chat.domain_events import MessageDeleted, MessageEdited, MessagePosted, MessageRemoved
from crewup.chat.tables import chat_messages
from crewup.core import clock
from crewup.core.dispatch import announce
from crewup.core.errors import Forbidden, Invalid, NotFound
from crewup.core.identity import Actor
from crewup.core.marks import N_
from crewup.core.text import CONTROL_BUT_LINES, NOT_PLAIN_TEXT
from crewup.users.tables import users

# Advisory lock namespaces (the first key of pg_advisory_xact_lock(int, int)).
_LOCK_SPACE = {RoomKind.group: 71_001, RoomKind.event: 71_002}
REPLAY_BATCH = 200


@dataclass(frozen=True)
class Message:
    id: int
    room: Room
    author_id: int
    author_name: str
    body: str
    created_at: datetime
    edited_at: datetime | None
    client_id: str | None


def room_column(room: Room) -> Any:
    return chat_messages.c.group_id if room.kind is RoomKind.group else chat_messages.c.event_id


def clean_body(body: str, max_chars: int) -> str:
    cleaned = body.strip()
    if not cleaned:
        raise Invalid(N_("a message needs some text"))
    if CONTROL_BUT_LINES.search(cleaned):
        raise Invalid(NOT_PLAIN_TEXT)
    if len(cleaned) > max_chars:
        raise Invalid(N_("a message is at most %(max)s characters", max=max_chars))
    return cleaned


@dataclass(frozen=True)
class NewMessage:
    """A message on its way in: its text already cleaned (clean_body)."""

    author: Actor
    body: str
    client_id: str | None


async def post_message(
    conn: AsyncConnection,
    room: Room,
    actor: Actor,
    body: str,
    client_id: str | None,
    *,
    max_chars: int,
) -> Message:
    (outcome,) = await post_messages(
        conn, room, [NewMessage(actor, clean_body(body, max_chars), client_id)]
    )
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


async def post_messages(
    conn: AsyncConnection, room: Room, new: Sequence[NewMessage]
) -> list[Message | Forbidden | NotFound]:
    """Several messages to one room in one transaction, ids in the order given. Each
    author's access is checked as for one message; a refused message is left out (its
    refusal in its place) and the others go."""
    readers: dict[int, Forbidden | NotFound | None] = {}
    for message in new:
        author = message.author
        if author.id not in readers:
            try:
                await check_reader(conn, room, author)
                readers[author.id] = None
            except (Forbidden, NotFound) as refusal:
                readers[author.id] = refusal
    if all(refusal is not None for refusal in readers.values()):
        return [_refusal(readers[m.author.id]) for m in new]
    if conn.dialect.name == "postgresql":
        await conn.execute(
            text("SELECT pg_advisory_xact_lock(:space, :room)"),
            {"space": _LOCK_SPACE[room.kind], "room": room.id},
        )
    outcomes: list[Message | Forbidden | NotFound] = []
    for message in new:
        refused = readers[message.author.id]
        if refused is not None:
            outcomes.append(refused)
        else:
            outcomes.append(await _insert(conn, room, message))
    return outcomes


def _refusal(refusal: Forbidden | NotFound | None) -> Forbidden | NotFound:
    assert refusal is not None
    return refusal


async def _insert(conn: AsyncConnection, room: Room, new: NewMessage) -> Message:
    actor = new.author
    now = clock.now()
    message_id = (
        await conn.execute(
            chat_messages.insert()
            .values(
                {
                    room_column(room).name: room.id,
                    "author_id": actor.id,
                    "body": new.body,
                    "client_id": new.client_id,
                    "created_at": now,
                }
            )
            .returning(chat_messages.c.id)
        )
    ).scalar_one()
    message = Message(
        message_id, room, actor.id, actor.display_name, new.body, now, None, new.client_id
    )
    await announce(
        conn,
        MessagePosted(
            message.id,
            room.kind.value,
            room.id,
            actor.id,
            actor.display_name,
            new.body,
            now,
            new.client_id,
        ),
    )
    return message


_MESSAGE_COLUMNS = (
    chat_messages.c.id,
    chat_messages.c.group_id,
    chat_messages.c.event_id,
    chat_messages.c.author_id,
    users.c.display_name.label("author_name"),
    chat_messages.c.body,
    chat_messages.c.created_at,
    chat_messages.c.edited_at,
    chat_messages.c.client_id,
)
_WITH_AUTHOR = chat_messages.join(users, users.c.id == chat_messages.c.author_id)


def _message_of(row: Any) -> Message:
    if row.group_id is not None:
        room = Room(RoomKind.group, row.group_id)
    else:
        room = Room(RoomKind.event, row.event_id)
    return Message(
        row.id,
        room,
        row.author_id,
        row.author_name,
        row.body,
        row.created_at,
        row.edited_at,
        row.client_id,
    )


async def history(
    conn: AsyncConnection,
    room: Room,
    actor: Actor,
    *,
    before: int | None,
    after: int | None,
    limit: int,
) -> tuple[list[Message], bool]:
    """Newest first (or with `after`, oldest first from there), and whether more exist."""
    await check_reader(conn, room, actor)
    query = (
        select(*_MESSAGE_COLUMNS)
        .select_from(_WITH_AUTHOR)
        .where(room_column(room) == room.id, chat_messages.c.removed_at.is_(None))
    )
    if after is not None:
        query = query.where(chat_messages.c.id > after).order_by(chat_messages.c.id)
    else:
        if before is not None:
            query = query.where(chat_messages.c.id < before)
        query = query.order_by(chat_messages.c.id.desc())
    rows = (await conn.execute(query.limit(limit + 1))).all()
    return [_message_of(row) for row in rows[:limit]], len(rows) > limit


async def newest_id(conn: AsyncConnection, room: Room) -> int:
    """The room's newest message id (0: none yet), by the room's (room, id) index: where
    a socket that subscribes without `since_id` stands, should it need a replay later."""
    found = await conn.execute(
        select(func.max(chat_messages.c.id)).where(room_column(room) == room.id)
    )
    return found.scalar_one() or 0


async def messages_after(conn: AsyncConnection, room: Room, after: int) -> list[Message]:
    """One batch of a replay, oldest first. The caller checked access when subscribing."""
    rows = await conn.execute(
        select(*_MESSAGE_COLUMNS)
        .select_from(_WITH_AUTHOR)
        .where(
            room_column(room) == room.id,
            chat_messages.c.id > after,
            chat_messages.c.removed_at.is_(None),
        )
        .order_by(chat_messages.c.id)
        .limit(REPLAY_BATCH)
    )
    return [_message_of(row) for row in rows]


async def _own_or_managed(
    conn: AsyncConnection, message_id: int, actor: Actor
) -> tuple[Message, Reader | None]:
    row = (
        await conn.execute(
            select(*_MESSAGE_COLUMNS)
            .select_from(_WITH_AUTHOR)
            .where(chat_messages.c.id == message_id, chat_messages.c.removed_at.is_(None))
            .with_for_update(of=chat_messages)
        )
    ).first()
    if row is None:
        raise NotFound(f"message {message_id} not found")
    message = _message_of(row)
    try:
        reader = await check_reader(conn, message.room, actor)
    except (NotFound, Forbidden):
        if message.author_id != actor.id:
            raise NotFound(f"message {message_id} not found") from None
        reader = None  # authors may still delete what they wrote after leaving
    return message, reader


async def edit_message(
    conn: AsyncConnection, message_id: int, actor: Actor, body: str, *, max_chars: int
) -> Message:
    text_ = clean_body(body, max_chars)
    message, reader = await _own_or_managed(conn, message_id, actor)
    if message.author_id != actor.id or reader is None:
        raise Forbidden(N_("only the author may edit a message"))
    now = clock.now()
    await conn.execute(
        update(chat_messages)
        .where(chat_messages.c.id == message_id)
        .values(body=text_, edited_at=now)
    )
    await announce(
        conn, MessageEdited(message.id, message.room.kind.value, message.room.id, text_, now)
    )
    return Message(
        message.id,
        message.room,
        message.author_id,
        message.author_name,
        text_,
        message.created_at,
        now,
        message.client_id,
    )


async def delete_message(
    conn: AsyncConnection, message_id: int, actor: Actor, via: str = "api"
) -> None:
    """Authors delete their own messages. A group's admins and moderators remove others'
    softly, and the removal is audited: it is moderation."""
    message, reader = await _own_or_managed(conn, message_id, actor)
    if message.author_id != actor.id:
        if not (reader is not None and reader.manages):
            raise Forbidden(
                N_("only the author, the group's admins and moderators delete messages")
            )
        await remove_message(conn, message_id, actor.id)
        await announce(
            conn,
            MessageRemoved(
                message.id,
                message.room.kind.value,
                message.room.id,
                actor.id,
                message.body[:80],
                via,
            ),
        )
        return
    await conn.execute(delete(chat_messages).where(chat_messages.c.id == message_id))
    await announce(
        conn, MessageDeleted(message.id, message.room.kind.value, message.room.id, actor.id)
    )


async def load_message(conn: AsyncConnection, message_id: int, actor: Actor) -> Message:
    """A message this person may read (its room's members); NotFound otherwise."""
    row = (
        await conn.execute(
            select(*_MESSAGE_COLUMNS)
            .select_from(_WITH_AUTHOR)
            .where(chat_messages.c.id == message_id, chat_messages.c.removed_at.is_(None))
        )
    ).first()
    if row is None:
        raise NotFound(f"message {message_id} not found")
    message = _message_of(row)
    try:
        await check_reader(conn, message.room, actor)
    except (NotFound, Forbidden):
        raise NotFound(f"message {message_id} not found") from None
    return message


async def remove_message(conn: AsyncConnection, message_id: int, actor_id: int | None) -> None:
    """Soft removal (moderation): out of history and replay, kept for the audit; open
    sockets drop it as they would a deletion. Who may do it is crewup.moderation's rule."""
    row = (
        await conn.execute(
            update(chat_messages)
            .where(chat_messages.c.id == message_id, chat_messages.c.removed_at.is_(None))
            .values(removed_at=clock.now())
            .returning(chat_messages.c.group_id, chat_messages.c.event_id)
        )
    ).first()
    if row is None:
        return
    kind, room_id = (
        (RoomKind.group, row.group_id)
        if row.group_id is not None
        else (RoomKind.event, row.event_id)
    )
    await announce(conn, MessageDeleted(message_id, kind.value, room_id, actor_id or 0))
