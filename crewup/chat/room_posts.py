"""Chat messages to one room persisted together when they queue up.

A busy room is bound by commits, not by work: its messages take turns on the room's lock
(service.py: ids must commit in order), so a room can take only as many messages a
second as commits fit in a second. So while one transaction for a room is on its way,
the messages that arrive meanwhile wait in this process's queue for that room and go
together in the next transaction: one commit for all of them, in the order they
arrived, then each is delivered, in id order, as before. A lone message goes at once;
nobody waits longer than the transaction ahead of them.

Each process has its own queues; processes' transactions take turns on the room's lock
like any other writers, so ids still increase in commit order whatever the number of
processes.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy import exc as sa

from crewup.chat.access import Room
from crewup.chat.service import Message, NewMessage, clean_body, post_messages
from crewup.core.db import Database
from crewup.core.identity import Actor

log = logging.getLogger("crewup.chat")

# One transaction's messages; a longer queue takes several turns (each still one commit).
MOST_AT_ONCE = 200


@dataclass
class _Waiting:
    new: NewMessage
    answer: asyncio.Future[Message] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class RoomPosts:
    def __init__(self, db: Database) -> None:
        self._db = db
        # A room is present while its transactions are running; its list is who waits.
        self._waiting: dict[str, list[_Waiting]] = {}
        self._running: set[asyncio.Task[None]] = set()

    async def post(
        self, room: Room, actor: Actor, body: str, client_id: str | None, *, max_chars: int
    ) -> Message:
        """Persist a message (refusals as service.post_message raises them); its live
        delivery follows the commit."""
        waiting = _Waiting(NewMessage(actor, clean_body(body, max_chars), client_id))
        queue = self._waiting.get(room.key)
        if queue is None:
            self._waiting[room.key] = [waiting]
            task = asyncio.create_task(self._post_in_turns(room), name="crewup-room-posts")
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        else:
            queue.append(waiting)
        # A message whose socket is gone may still be persisted and delivered: like a
        # request cut off after its COMMIT was sent.
        return await waiting.answer

    async def drain(self) -> None:
        """Let the transactions on their way finish (at shutdown, before the pool closes)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def _post_in_turns(self, room: Room) -> None:
        try:
            while queue := self._waiting[room.key]:
                turn, self._waiting[room.key] = queue[:MOST_AT_ONCE], queue[MOST_AT_ONCE:]
                await self._post_turn(room, turn)
        finally:
            # Empty unless the task was cancelled (shutdown): those left are refused.
            for waiting in self._waiting.pop(room.key, ()):
                _fail(waiting, asyncio.CancelledError())

    async def _post_turn(self, room: Room, turn: list[_Waiting]) -> None:
        try:
            async with self._db.transaction() as conn:
                outcomes = await post_messages(conn, room, [w.new for w in turn])
        except sa.IntegrityError as error:
            if len(turn) > 1:
                # One message the database refused (its author deleted meanwhile) must not
                # sink the others: each again in a transaction of its own, in order. Only
                # for a refusal, which rolled everything back: after a lost connection
                # the commit may have happened, and trying again could double messages.
                for waiting in turn:
                    await self._post_turn(room, [waiting])
                return
            for waiting in turn:
                _fail(waiting, error)
            return
        except BaseException as error:  # unreachable pool, cancellation, a bug: never a hang
            if not isinstance(error, asyncio.CancelledError | sa.TimeoutError):
                log.exception("posting chat messages together failed")
            for waiting in turn:
                _fail(waiting, error)
            if isinstance(error, asyncio.CancelledError):
                raise
            return
        for waiting, outcome in zip(turn, outcomes, strict=True):
            if waiting.answer.done():
                continue
            if isinstance(outcome, Message):
                waiting.answer.set_result(outcome)
            else:
                waiting.answer.set_exception(outcome)


def _fail(waiting: _Waiting, error: BaseException) -> None:
    if not waiting.answer.done():
        if isinstance(error, asyncio.CancelledError):
            waiting.answer.cancel()
        else:
            waiting.answer.set_exception(error)
