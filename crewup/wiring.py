"""The one place where domain events meet their subscribers, and where the database every
face uses (web, CLI, worker) is opened with them.

Domains never import each other's services sideways: a lower domain announces what
happened and a higher one reacts here, in the same transaction. Order matters where
reactions build on each other: on `user.deleted`, groups go first (an owner's refusal
stops everything; leaving a private group frees its seats), then the remaining seats.
"""

from __future__ import annotations

import logging

from crewup.auth import subscribers as auth
from crewup.bus import outbox
from crewup.bus.messages import Handler
from crewup.bus.scheduler import Job
from crewup.core.db import Database
from crewup.core.dispatch import Dispatcher, DomainEvent
from crewup.core.settings import Settings
from crewup.events import subscribers as events
from crewup.groups import subscribers as groups
from crewup.groups.domain_events import GroupMadePrivate, MemberLeft
from crewup.users.domain_events import UserBanned, UserDeleted

log = logging.getLogger("crewup.domain")


async def _log_committed(event: DomainEvent) -> None:
    log.info(event.name, extra={"domain_event": event.name, **event.payload()})


def build_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()
    dispatcher.subscribe(UserDeleted, groups.leave_groups_of_deleted)
    dispatcher.subscribe(UserDeleted, events.free_seats_of_deleted)
    dispatcher.subscribe(UserDeleted, auth.end_sessions_of_deleted)
    dispatcher.subscribe(UserBanned, auth.end_sessions_of_banned)
    dispatcher.subscribe(MemberLeft, events.free_seats_of_private_leaver)
    dispatcher.subscribe(GroupMadePrivate, events.free_seats_of_outsiders)
    dispatcher.subscribe_every(outbox.record)  # the change and its message commit together
    dispatcher.after_commit_every(_log_committed)
    return dispatcher


def build_handlers(settings: Settings) -> list[Handler]:
    """Every bus handler, in the order they see a message."""
    return []


def build_jobs(settings: Settings) -> list[Job]:
    """Every scheduled job the worker runs."""
    return []


def open_database(settings: Settings, *, pool_size: int | None = None) -> Database:
    """The database with every subscriber wired; no I/O until first used."""
    return Database(
        settings.effective_database_url,
        build_dispatcher(),
        pool_size=pool_size or settings.database_pool_size,
    )
