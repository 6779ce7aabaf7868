"""How events react to what happens in groups and to accounts: seats are given back."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.core import clock
from crewup.core.dispatch import announce
from crewup.core.errors import Conflict
from crewup.core.images import ImageKind
from crewup.core.marks import N_
from crewup.core.picture_events import discarded
from crewup.events.rsvp import (
    release_all_rsvps,
    release_outsiders,
    release_private_group_rsvps,
    release_upcoming_rsvps,
)
from crewup.events.seats import lock_upcoming_events_of_group
from crewup.events.tables import event_participants, events
from crewup.groups.domain_events import GroupDeleted, GroupMadePrivate, MemberLeft
from crewup.users.domain_events import UserBanned, UserDeleted


async def refuse_while_people_are_expected(conn: AsyncConnection, event: GroupDeleted) -> None:
    """A group's events go with it, and nobody would be told: an event still ahead that
    people are going to or waiting for must be cancelled first (which tells them and
    keeps it, cancelled, in their calendars). The events still ahead are locked first
    (in id order, as every seat change does), so an RSVP cannot commit between this
    check and the deletion (a review)."""
    await lock_upcoming_events_of_group(conn, event.group_id)
    expected = (
        await conn.execute(
            select(events.c.title)
            .where(
                events.c.group_id == event.group_id,
                events.c.status == "scheduled",
                events.c.ends_at > clock.now(),
                select(event_participants.c.user_id)
                .where(
                    event_participants.c.event_id == events.c.id,
                    event_participants.c.status.in_(("going", "waitlisted")),
                )
                .exists(),
            )
            .order_by(events.c.starts_at)
            .limit(1)
        )
    ).scalar_one_or_none()
    if expected is not None:
        raise Conflict(
            N_(
                "people are going to “%(title)s”: cancel the group's upcoming events first,"
                " so they are told",
                title=expected,
            )
        )


async def free_seats_of_banned_for_good(conn: AsyncConnection, event: UserBanned) -> None:
    """A ban with an end keeps the person's places (they may come back in time)."""
    if event.expires_at is None:
        await release_upcoming_rsvps(conn, event.user_id)


async def free_seats_of_private_leaver(conn: AsyncConnection, event: MemberLeft) -> None:
    """Someone who leaves a private group can no longer see its events."""
    if event.group_private:
        await release_private_group_rsvps(conn, event.group_id, event.user_id)


async def free_seats_of_deleted(conn: AsyncConnection, event: UserDeleted) -> None:
    await release_all_rsvps(conn, event.user_id)


async def free_seats_of_outsiders(conn: AsyncConnection, event: GroupMadePrivate) -> None:
    """A public group turned private: non-members can no longer see its events."""
    await release_outsiders(conn, event.group_id)


async def discard_covers_of_group(conn: AsyncConnection, event: GroupDeleted) -> None:
    """The group's events go with it (a cascade): their covers must stop loading too."""
    covers = await conn.execute(
        select(events.c.cover).where(
            events.c.group_id == event.group_id, events.c.cover.is_not(None)
        )
    )
    gone = discarded(ImageKind.cover, list(covers.scalars()))
    if gone is not None:
        await announce(conn, gone)
