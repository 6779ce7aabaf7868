"""The RSVP button of every face, with first RSVPs to one event gathered into one statement.

A storm of first RSVPs is bound by commits on the event's row, not by work: each decision
holds that row's lock until its commit is flushed (first_rsvp.py). So while one statement
for an event is on its way, the people who press meanwhile wait in this process's queue
for that event and go together in the next statement: one commit for all of them, in the
order they pressed. A lone press goes at once, as before; nobody waits longer than the
statement ahead of them.

Each process has its own queue; processes' statements take turns on the event's lock like
any other writers, so the decisions stay exact whatever the number of processes.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy import exc as sa

from crewup.core.db import Database
from crewup.core.identity import Actor
from crewup.core.outages import sqlstate_of
from crewup.events.access import RsvpStatus
from crewup.events.first_rsvp import Decision, first_rsvps
from crewup.events.rsvp import RsvpResult, rsvp

log = logging.getLogger("crewup.events")

# One statement's array; larger storms take several turns (each still one commit).
MOST_AT_ONCE = 500
_DEADLOCK = "40P01"

_Key = tuple[int, RsvpStatus]


@dataclass
class _Press:
    user_id: int
    answer: asyncio.Future[Decision | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class FirstRsvps:
    """RSVPs through the one-statement path first on PostgreSQL, with concurrent first
    RSVPs to an event decided together; the general path (rsvp.py) for everything else."""

    def __init__(self, db: Database) -> None:
        self._db = db
        # A key is present while its statements are running; its list is who waits.
        self._waiting: dict[_Key, list[_Press]] = {}
        self._running: set[asyncio.Task[None]] = set()

    async def rsvp(self, event_id: int, actor: Actor, wanted: RsvpStatus) -> RsvpResult:
        if not self._db.is_sqlite:
            decided = await self._first(event_id, actor.id, wanted)
            if decided is not None:
                return RsvpResult(*decided)
        async with self._db.transaction() as conn:
            return await rsvp(conn, event_id, actor, wanted)

    async def drain(self) -> None:
        """Let the statements on their way finish (at shutdown, before the pool closes)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def _first(self, event_id: int, user_id: int, wanted: RsvpStatus) -> Decision | None:
        key = (event_id, wanted)
        press = _Press(user_id)
        queue = self._waiting.get(key)
        if queue is None:
            self._waiting[key] = [press]
            task = asyncio.create_task(self._decide_in_turns(key), name="crewup-first-rsvps")
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        else:
            queue.append(press)
        # A press whose request is gone may still be decided: like a request cut off after
        # its COMMIT was sent, the RSVP stands and shows on the next read.
        return await press.answer

    async def _decide_in_turns(self, key: _Key) -> None:
        try:
            while queue := self._waiting[key]:
                turn, self._waiting[key] = queue[:MOST_AT_ONCE], queue[MOST_AT_ONCE:]
                await self._decide(key, turn)
        finally:
            # Empty unless the task was cancelled: then the general path decides for them.
            for press in self._waiting.pop(key, ()):
                _answer(press, None)

    async def _decide(self, key: _Key, turn: list[_Press]) -> None:
        """Answer every press of the turn: a decision, None (the general path decides) or
        the error that made the database unreachable."""
        event_id, wanted = key
        first: dict[int, _Press] = {}
        for press in turn:
            first.setdefault(press.user_id, press)
        try:
            decided = await self._statement(event_id, list(first), wanted)
        except sa.TimeoutError as error:
            # No pooled connection in time: the general path would wait again. A 503 each.
            for press in turn:
                _fail(press, error)
            return
        except asyncio.CancelledError as error:
            for press in turn:
                _fail(press, error)
            raise
        except Exception as error:  # a bug: never a hang for those waiting, nor for the rest
            log.exception("deciding first RSVPs together failed")
            for press in turn:
                _fail(press, error)
            return
        for press in turn:
            # A second press by the same person in one turn learns it from the general path.
            _answer(press, decided.get(press.user_id) if first[press.user_id] is press else None)

    async def _statement(
        self, event_id: int, user_ids: list[int], wanted: RsvpStatus
    ) -> dict[int, Decision]:
        """The statement, tried again once when someone's own RSVP committed meanwhile (a
        second press in another process): the new snapshot leaves that person out. Any
        other database error sends the turn to the general path, which is safe to repeat
        for a first RSVP (pressing again answers the place already held)."""
        for attempt in range(2):
            try:
                async with self._db.statement_at_a_time() as conn:
                    return await first_rsvps(conn, event_id, user_ids, wanted)
            except sa.IntegrityError:
                if attempt:
                    return {}
            except sa.DBAPIError as error:
                if sqlstate_of(error) != _DEADLOCK:
                    log.warning("first RSVPs go the general way: %s", type(error).__name__)
                return {}
        return {}


def _answer(press: _Press, decision: Decision | None) -> None:
    if not press.answer.done():
        press.answer.set_result(decision)


def _fail(press: _Press, error: BaseException) -> None:
    if not press.answer.done():
        if isinstance(error, asyncio.CancelledError):
            press.answer.cancel()
        else:
            press.answer.set_exception(error)
