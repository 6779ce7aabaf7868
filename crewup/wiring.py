"""The one place where domain events meet their subscribers, and where the database every
face uses (web, CLI, worker) is opened with them.

Domains never import each other's services sideways: a lower domain announces what
happened and a higher one reacts here, in the same transaction. Order matters where
reactions build on each other: on `user.deleted`, groups go first (an owner's refusal
stops everything; leaving a private group frees its seats), then the remaining seats.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from email.utils import parseaddr

from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.auth import subscribers as auth
from crewup.auth.domain_events import SessionsEnded
from crewup.auth.handlers import auth_mail_handler
from crewup.auth.service import prune_expired
from crewup.bus import outbox
from crewup.bus.messages import Handler, Message
from crewup.bus.metrics import BusMetrics
from crewup.bus.scheduler import Job
from crewup.bus.upkeep import prune_bus_records
from crewup.chat import live as chat_live
from crewup.chat import revocation as chat_revocation
from crewup.chat.domain_events import MessageDeleted, MessageEdited, MessagePosted, MessageRemoved
from crewup.core.db import Database
from crewup.core.dispatch import Dispatcher, DomainEvent
from crewup.core.images import ImageKind, file_names
from crewup.core.mail import Mailer, mailer_for, sender_of
from crewup.core.media_prune import (
    PruneOutcome,
    discard_files,
    prune_unreferenced,
    still_referenced,
)
from crewup.core.media_stores import open_media_store
from crewup.core.picture_events import PicturesDiscarded
from crewup.core.settings import Settings, secret_key_of
from crewup.core.signing import Sealer, Signer
from crewup.events import subscribers as events
from crewup.events.domain_events import RsvpWithdrawn
from crewup.events.ended import MARK_EVERY, mark_ended_events
from crewup.events.tables import events as events_table
from crewup.groups import subscribers as groups
from crewup.groups.domain_events import GroupDeleted, GroupMadePrivate, MemberDemoted, MemberLeft
from crewup.groups.invite_links import prune_links
from crewup.groups.tables import groups as groups_table
from crewup.moderation import subscribers as moderation
from crewup.notifications import live as notifications_live
from crewup.notifications.chat_digests import chat_digests
from crewup.notifications.domain_events import NotificationsCreated
from crewup.notifications.handlers import Deliveries, notifications_handler
from crewup.notifications.push import Pusher
from crewup.notifications.reminders import send_reminders
from crewup.notifications.removed_posts import forget_notifications_of_removed_post
from crewup.posts.domain_events import ContentRemoved, PostRemoved
from crewup.realtime.handshake import FORBIDDEN, UNAUTHORIZED
from crewup.realtime.hub import Hub
from crewup.realtime.rooms import room_key
from crewup.safety import live as safety_live
from crewup.safety.domain_events import AlertBroadcast
from crewup.users.domain_events import UserBanned, UserDeleted
from crewup.users.service import lift_expired_bans
from crewup.users.tables import users as users_table

log = logging.getLogger("crewup.domain")


# Names a LogRecord already has: `extra` may not overwrite them (logging raises KeyError,
# and the line was lost, e.g. for an alert's `message`).
_RECORD_NAMES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


async def _log_committed(event: DomainEvent) -> None:
    fields = {
        (f"event_{key}" if key in _RECORD_NAMES else key): value
        for key, value in event.log_fields().items()
    }
    log.info(event.name, extra={"domain_event": event.name, **fields})


def build_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()
    dispatcher.subscribe(UserDeleted, groups.leave_groups_of_deleted)
    dispatcher.subscribe(UserDeleted, events.free_seats_of_deleted)
    dispatcher.subscribe(UserDeleted, auth.end_sessions_of_deleted)
    dispatcher.subscribe(UserBanned, auth.end_sessions_of_banned)
    dispatcher.subscribe(UserBanned, events.free_seats_of_banned_for_good)
    dispatcher.subscribe(MemberLeft, events.free_seats_of_private_leaver)
    dispatcher.subscribe(GroupMadePrivate, events.free_seats_of_outsiders)
    dispatcher.subscribe(GroupDeleted, events.refuse_while_people_are_expected)
    dispatcher.subscribe(GroupDeleted, events.discard_covers_of_group)
    dispatcher.subscribe(ContentRemoved, moderation.audit_content_removed)
    dispatcher.subscribe(PostRemoved, forget_notifications_of_removed_post)
    dispatcher.subscribe(MessageRemoved, moderation.audit_message_removed)
    dispatcher.subscribe_every(outbox.record)  # the change and its message commit together
    dispatcher.after_commit_every(_log_committed)
    return dispatcher


def wire_notification_badges(db: Database, hub: Hub) -> None:
    """New notifications update the badge on the person's open pages (in the worker too,
    which runs the notifications handler when RabbitMQ is in use)."""
    db.dispatcher.after_commit(NotificationsCreated, notifications_live.on_created(db, hub))


def wire_live_updates(dispatcher: Dispatcher, hub: Hub) -> None:
    """After commit, what changed goes live on every process through the hub's pub/sub:
    chat messages to their room; safety alerts and their resolution to every recipient; a
    ban, a deletion or the end of every sign-in closes the person's sockets; leaving a
    group ends its chat subscription, and access to event rooms is checked again after a
    withdrawn RSVP, a left group or a demotion (crewup.chat.revocation)."""
    dispatcher.after_commit(MessagePosted, chat_live.on_posted(hub))
    dispatcher.after_commit(MessageEdited, chat_live.on_edited(hub))
    dispatcher.after_commit(MessageDeleted, chat_live.on_deleted(hub))
    dispatcher.after_commit(AlertBroadcast, safety_live.on_broadcast(hub))

    async def banned(event: UserBanned) -> None:
        await hub.drop_user(event.user_id, FORBIDDEN, "this account is banned")

    async def deleted(event: UserDeleted) -> None:
        await hub.drop_user(event.user_id, UNAUTHORIZED, "this account was deleted")

    async def signed_out(event: SessionsEnded) -> None:
        await hub.drop_user(event.user_id, UNAUTHORIZED, "signed out everywhere")

    async def left(event: MemberLeft) -> None:
        await hub.remove_from_room(event.user_id, room_key("group", event.group_id))
        # An organiser of its events may be one no longer (their RSVPs announce their own).
        await chat_revocation.recheck(hub, event.user_id)

    async def withdrawn(event: RsvpWithdrawn) -> None:
        await chat_revocation.recheck(hub, event.user_id, event.event_id)

    async def demoted(event: MemberDemoted) -> None:
        await chat_revocation.recheck(hub, event.user_id)

    dispatcher.after_commit(UserBanned, banned)
    dispatcher.after_commit(UserDeleted, deleted)
    dispatcher.after_commit(SessionsEnded, signed_out)
    dispatcher.after_commit(MemberLeft, left)
    dispatcher.after_commit(RsvpWithdrawn, withdrawn)
    dispatcher.after_commit(MemberDemoted, demoted)


def pusher_for(settings: Settings) -> Pusher:
    address = parseaddr(sender_of(settings))[1] or "no-reply@localhost"
    return Pusher(
        settings.data_dir / "vapid",
        f"mailto:{address}",
        allow_private=settings.push_allow_insecure_endpoints,
    )


def build_handlers(
    settings: Settings,
    db: Database,
    metrics: BusMetrics | None = None,
    mailer: Mailer | None = None,
) -> list[Handler]:
    """Every bus handler, in the order they see a message. Whoever runs them passes the
    `mailer` and closes it once the bus has stopped (it keeps SMTP connections open);
    callers that only read the handlers' names and topology may leave it out."""
    secret = secret_key_of(settings)
    signer = Signer(secret)
    mailer = mailer or mailer_for(settings)
    deliveries = Deliveries(db, settings, mailer, pusher_for(settings), signer, metrics)
    return [
        notifications_handler(),
        deliveries.handler(),
        auth_mail_handler(settings, mailer, Sealer(secret), signer),
        discarded_pictures_handler(settings),
    ]


# Every column that holds an image key (crewup.core.images): a file whose key none of
# them holds is pruned. A new kind of picture adds its column here.
MEDIA_REFERENCES = (users_table.c.avatar, groups_table.c.cover, events_table.c.cover)
PRUNE_MEDIA = "prune-media"
PRUNE_MEDIA_EVERY = timedelta(hours=1)


def media_pruner(
    settings: Settings, grace: timedelta | None = None
) -> Callable[[AsyncConnection], Awaitable[PruneOutcome]]:
    """The `prune-media` job (and `crewup-admin media prune`): unreferenced image files
    older than the grace period go."""
    keep = grace if grace is not None else timedelta(seconds=settings.media_prune_grace_seconds)

    async def prune(conn: AsyncConnection) -> PruneOutcome:
        async with open_media_store(settings) as store:
            return await prune_unreferenced(conn, store, MEDIA_REFERENCES, keep)

    return prune


def discarded_pictures_handler(settings: Settings) -> Handler:
    """Deletes discarded pictures' files after the commit (external: a deleted file
    cannot roll back; a repeat finds nothing left to delete)."""

    async def discard(conn: AsyncConnection, messages: list[Message]) -> None:
        keys = [str(key) for message in messages for key in message.payload["keys"]]
        kept = await still_referenced(conn, MEDIA_REFERENCES, keys)
        async with open_media_store(settings) as store:
            for message in messages:
                kind = ImageKind[str(message.payload["kind"])]
                at = datetime.fromisoformat(str(message.payload["at"]))
                for key in map(str, message.payload["keys"]):
                    if key not in kept:
                        await discard_files(store, file_names(key, kind), at)

    return Handler(
        "discarded-pictures", frozenset({PicturesDiscarded.name}), discard, external=True
    )


def build_jobs(settings: Settings) -> list[Job]:
    """Every scheduled job the worker runs (each at most once per interval)."""
    return [
        Job("event-reminders", timedelta(minutes=5), send_reminders),
        Job(
            "chat-digests",
            timedelta(minutes=5),
            chat_digests(timedelta(seconds=settings.chat_digest_after_seconds)),
        ),
        Job("lift-expired-bans", timedelta(minutes=5), lift_expired_bans),
        Job("mark-ended-events", MARK_EVERY, mark_ended_events),
        Job("prune-auth", timedelta(hours=6), prune_expired),
        Job("prune-bus", timedelta(hours=6), prune_bus_records),
        Job("prune-invite-links", timedelta(hours=6), prune_links),
        Job(PRUNE_MEDIA, PRUNE_MEDIA_EVERY, media_pruner(settings), outside_transaction=True),
    ]


def open_database(settings: Settings, *, pool_size: int | None = None) -> Database:
    """The database with every subscriber wired; no I/O until first used."""
    return Database(
        settings.effective_database_url,
        build_dispatcher(),
        pool_size=pool_size or settings.database_pool_size,
    )
