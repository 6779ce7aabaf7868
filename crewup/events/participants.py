"""Who is going, waiting and interested: one list at a time, keyset-paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, literal_column, null, select, union_all

from crewup.core.errors import NotFound
from crewup.core.identity import Actor
from crewup.core.paging import LineCursor, Page, UserCursor, cut_page, decode_cursor
from crewup.core.quick_reads import Prepared, Reads
from crewup.events.access import RsvpStatus, visible_state, visible_state_query
from crewup.events.tables import event_participants
from crewup.users import reputation
from crewup.users.service import is_banned
from crewup.users.tables import users


@dataclass(frozen=True)
class Participant:
    user_id: int
    display_name: str
    status: str
    waitlist_position: int | None
    waitlist_seq: int | None
    created_at: datetime
    # Reputation rides along from the account row the list joins anyway: no extra query.
    rating_count: int = 0
    rating_sum: int = 0
    avatar: str | None = None

    @property
    def reputation_mean(self) -> float | None:
        return reputation.mean(self.rating_count, self.rating_sum)


async def list_participants(
    conn: Reads,
    event_id: int,
    actor: Actor | None,
    *,
    status: RsvpStatus,
    limit: int,
    cursor: str | None = None,
) -> Page[Participant]:
    """One status at a time: going and interested by user id, the waitlist in arrival
    order with positions 1..n."""
    await visible_state(conn, event_id, actor)  # 404 for hidden events; a light query
    params = {"event_id": event_id, "status": status.value, "limit": limit + 1}
    if status is RsvpStatus.waitlisted:
        line = decode_cursor(cursor, LineCursor)
        start = line.position if line is not None else 0
        if line is None:
            rows = await _LINE.all(conn, params)
        else:
            rows = await _LINE_AFTER.all(conn, {**params, "after_seq": line.seq})
        found = [_participant(row, start + i + 1) for i, row in enumerate(rows)]
        return cut_page(found, limit, _line_position)
    after = decode_cursor(cursor, UserCursor)
    if after is None:
        rows = await _BY_USER.all(conn, params)
    else:
        rows = await _BY_USER_AFTER.all(conn, {**params, "after_user": after.user_id})
    return cut_page([_participant(row, None) for row in rows], limit, _user_position)


async def first_pages(
    conn: Reads, event_id: int, actor: Actor | None, *, limit: int
) -> dict[RsvpStatus, Page[Participant]]:
    """The first page of every list in one statement: the three lists and a row that
    says the viewer may see the event (the lists are read only then); round trips were
    most of what this read cost."""
    params: dict[str, Any] = {"event_id": event_id, "limit": limit + 1}
    if actor is not None:
        params["viewer_id"] = actor.id
    rows = await _FIRST_PAGES[actor is not None].all(conn, params)
    found: dict[str, list[Any]] = {status.value: [] for status in RsvpStatus}
    found[_SEEN] = []
    for row in rows:
        found[row.status].append(row)
    if not found[_SEEN]:
        raise NotFound(f"event {event_id} not found")
    pages: dict[RsvpStatus, Page[Participant]] = {}
    for status in RsvpStatus:
        kept = found[status.value]
        if status is RsvpStatus.waitlisted:
            kept.sort(key=lambda row: row.waitlist_seq)
            line = [_participant(row, i + 1) for i, row in enumerate(kept)]
            pages[status] = cut_page(line, limit, _line_position)
        else:
            kept.sort(key=lambda row: row.user_id)
            listed = [_participant(row, None) for row in kept]
            pages[status] = cut_page(listed, limit, _user_position)
    return pages


# Built once with bound parameters (see events.access): the waitlist in arrival order,
# the other lists by user id, each with and without a cursor.
_PARTICIPANT_COLUMNS = (
    event_participants.c.user_id,
    users.c.display_name,
    event_participants.c.status,
    event_participants.c.waitlist_seq,
    event_participants.c.created_at,
    users.c.rating_count,
    users.c.rating_sum,
    users.c.avatar,
    users.c.banned_at,
    users.c.ban_expires_at,
)
_OF_EVENT = (
    select(*_PARTICIPANT_COLUMNS)
    .join(users, users.c.id == event_participants.c.user_id)
    .where(event_participants.c.event_id == bindparam("event_id"))
    .limit(bindparam("limit"))
)
_ONE_STATUS = _OF_EVENT.where(event_participants.c.status == bindparam("status"))
_IN_LINE = _ONE_STATUS.order_by(event_participants.c.waitlist_seq)
_LINE = Prepared(_IN_LINE)
_LINE_AFTER = Prepared(_IN_LINE.where(event_participants.c.waitlist_seq > bindparam("after_seq")))
_IN_USER_ORDER = _ONE_STATUS.order_by(event_participants.c.user_id)
_BY_USER = Prepared(_IN_USER_ORDER)
_BY_USER_AFTER = Prepared(
    _IN_USER_ORDER.where(event_participants.c.user_id > bindparam("after_user"))
)


def _line_position(p: Participant) -> LineCursor:
    return LineCursor(seq=p.waitlist_seq or 0, position=p.waitlist_position or 0)


def _user_position(p: Participant) -> UserCursor:
    return UserCursor(user_id=p.user_id)


def _participant(row: Any, position: int | None) -> Participant:
    return Participant(
        user_id=row.user_id,
        display_name=row.display_name,
        status=row.status,
        waitlist_position=position,
        waitlist_seq=row.waitlist_seq,
        created_at=row.created_at,
        # Nobody sees a banned person's picture while the ban lasts.
        avatar=None if is_banned(row.banned_at, row.ban_expires_at) else row.avatar,
        rating_count=row.rating_count,
        rating_sum=row.rating_sum,
    )


def _first_page_of(status: RsvpStatus, seen: Any) -> Any:
    order = (
        event_participants.c.waitlist_seq
        if status is RsvpStatus.waitlisted
        else event_participants.c.user_id
    )
    # The status written into the SQL: each list reads its own part of the
    # (event_id, status, waitlist_seq) index.
    named: Any = literal_column(f"'{status.value}'")
    shown = exists(select(seen.c.status))
    listed = _OF_EVENT.where(event_participants.c.status == named, shown).order_by(order)
    return select(listed.subquery())


# The status of the one row that says the viewer may see the event.
_SEEN = "seen"


def _first_pages(signed_in: bool) -> Prepared:
    """Rows of the three lists together, and the visibility row; grouped and ordered
    again in Python, as a union promises no order."""
    seen = visible_state_query(signed_in).cte("seen")
    visibility_row = select(
        *(
            literal_column(f"'{_SEEN}'") if column.key == "status" else null()
            for column in _PARTICIPANT_COLUMNS
        )
    ).select_from(seen)
    lists = (_first_page_of(status, seen) for status in RsvpStatus)
    return Prepared(union_all(*lists, visibility_row))


_FIRST_PAGES = {signed_in: _first_pages(signed_in) for signed_in in (False, True)}
