"""The notifications domain on the bus: domain events become notifications (in the
handler's transaction, exactly once), and notifications people want by e-mail or push
are sent (at least once; sends cannot be rolled back)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.bus.messages import Handler, Message
from crewup.bus.metrics import BusMetrics
from crewup.core.db import Database
from crewup.core.i18n import speaking
from crewup.core.mail import Mailer, compose
from crewup.core.settings import Settings
from crewup.core.signing import Signer
from crewup.notifications.kinds import wording
from crewup.notifications.push import Pusher, Subscription
from crewup.notifications.recipients import PLANS, Lookup, notices_for
from crewup.notifications.service import Planned, get_notification, notify_many
from crewup.notifications.tables import push_subscriptions
from crewup.users.tables import users

log = logging.getLogger("crewup.notifications")
UNSUBSCRIBE_DAYS = 365


def notifications_handler() -> Handler:
    async def handle(conn: AsyncConnection, messages: list[Message]) -> None:
        lookup = Lookup(conn)
        await lookup.preload([message.payload for message in messages])
        planned: list[Planned] = []
        for message in messages:
            for notice in await notices_for(lookup, message):
                planned.append((notice.kind, notice.recipients, notice.data, notice.url))
        await notify_many(conn, planned)

    # Per-batch statements (the transaction, the lookups) are shared by 200 messages.
    return Handler("notifications", frozenset(PLANS), handle, batch_size=200)


def unsubscribe_link(settings: Settings, signer: Signer, user_id: int, kind: str) -> str:
    token = signer.sign("unsubscribe", {"u": user_id, "k": kind})
    return f"{settings.effective_public_url}/unsubscribe?token={token}"


class Deliveries:
    """Mail to confirmed addresses only; push to each of the person's browsers, forgetting
    the ones their push service says are gone (404, 410)."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        mailer: Mailer,
        pusher: Pusher,
        signer: Signer,
        metrics: BusMetrics | None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.mailer = mailer
        self.pusher = pusher
        self.signer = signer
        self.metrics = metrics

    def handler(self) -> Handler:
        return Handler(
            "deliveries",
            frozenset({"notification.delivery_requested"}),
            self.handle,
            batch_size=20,
            external=True,
        )

    def _count(self, channel: str, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.sent.labels(channel, outcome).inc()

    async def handle(self, conn: AsyncConnection, messages: list[Message]) -> None:
        for message in messages:
            await self._deliver(conn, message.payload)

    async def _deliver(self, conn: AsyncConnection, p: dict[str, Any]) -> None:
        found = await get_notification(conn, int(p["notification_id"]))
        if found is None:
            return
        user_id, notification = found
        person = (
            await conn.execute(
                select(users.c.email, users.c.email_verified_at, users.c.locale).where(
                    users.c.id == user_id, users.c.deleted_at.is_(None)
                )
            )
        ).first()
        if person is None:
            return
        link = f"{self.settings.effective_public_url}{notification.url}"
        # Written now, in the recipient's language: nothing is stored in any language.
        with speaking(person.locale):
            text = wording(notification.kind, notification.data)
            if p.get("email") and person.email and person.email_verified_at is not None:
                await self._mail(person.email, user_id, notification.kind, text, link)
            if p.get("push"):
                await self._push(
                    conn, user_id, {"title": "CrewUp", "body": text, "url": notification.url}
                )

    async def _mail(self, to: str, user_id: int, kind: str, text: str, link: str) -> None:
        message = compose(
            self.settings,
            to=to,
            subject=text,
            template="notification",
            context={"text": text, "link": link},
            unsubscribe_url=unsubscribe_link(self.settings, self.signer, user_id, kind),
        )
        try:
            await self.mailer.send(message)
        except Exception:
            self._count("email", "failed")
            raise  # retried by the bus
        self._count("email", "sent")

    async def _push(self, conn: AsyncConnection, user_id: int, payload: dict[str, Any]) -> None:
        rows = await conn.execute(
            select(
                push_subscriptions.c.id,
                push_subscriptions.c.endpoint,
                push_subscriptions.c.p256dh,
                push_subscriptions.c.auth,
            ).where(push_subscriptions.c.user_id == user_id)
        )
        gone = []
        for row in rows.all():
            status = await self.pusher.send(
                Subscription(row.endpoint, row.p256dh, row.auth), payload
            )
            if status in (404, 410):
                gone.append(row.id)
                self._count("push", "expired")
            elif 200 <= status < 300:
                self._count("push", "sent")
            else:
                self._count("push", "failed")
        if gone:
            async with self.db.transaction() as writer:
                await writer.execute(
                    delete(push_subscriptions).where(push_subscriptions.c.id.in_(gone))
                )
