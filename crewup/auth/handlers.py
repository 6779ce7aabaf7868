"""Auth's mail, sent by the bus: password-reset links and address confirmations. The
reset token arrives sealed; confirmation links are signed and need no stored state.
Each mail is written in the recipient's language: their setting, else the language of
the page they asked from, else English."""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncConnection

from crewup.auth.service import VERIFY_DAYS, verification_link
from crewup.bus.messages import Handler, Message
from crewup.core.errors import NotFound
from crewup.core.i18n import gettext, speaking
from crewup.core.mail import Mailer, compose
from crewup.core.settings import Settings
from crewup.core.signing import Sealer, Signer
from crewup.users import service as users


def auth_mail_handler(
    settings: Settings, mailer: Mailer, sealer: Sealer, signer: Signer
) -> Handler:
    async def handle(conn: AsyncConnection, messages: list[Message]) -> None:
        for message in messages:
            try:
                account = await users.get_account(conn, int(message.payload["user_id"]))
            except NotFound:
                continue  # the account was deleted before its mail went out
            if account.email is None:
                continue
            with speaking(account.locale or message.payload.get("locale")):
                mail = _mail(settings, sealer, signer, account, message)
            if mail is not None:
                await mailer.send(mail)

    return Handler(
        "auth-mail",
        frozenset({"password_reset.requested", "user.registered", "email.verification_requested"}),
        handle,
        batch_size=20,
        external=True,
    )


def _mail(
    settings: Settings, sealer: Sealer, signer: Signer, account: users.Account, message: Message
) -> EmailMessage | None:
    """The mail a message asks for, in the running language; None when there is none."""
    if account.email is None:
        return None
    if message.name == "password_reset.requested":
        token = sealer.open(str(message.payload["sealed_token"]))
        if token is None:
            return None  # sealed under another secret key: nothing we can send
        link = f"{settings.effective_public_url}/password-reset/confirm?token={token}"
        context = {
            "name": account.display_name,
            "link": link,
            "minutes": settings.password_reset_ttl_minutes,
        }
        subject = gettext("Reset your CrewUp password")
        template = "password_reset"
    else:
        if account.email_verified_at is not None:
            return None
        link = verification_link(signer, settings.effective_public_url, account.id, account.email)
        context = {"name": account.display_name, "link": link, "days": VERIFY_DAYS}
        subject = gettext("Confirm your e-mail address for CrewUp")
        template = "verify_email"
    return compose(settings, to=account.email, subject=subject, template=template, context=context)
