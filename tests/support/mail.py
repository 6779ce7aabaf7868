"""Reading what CrewUp mailed: the embedded default writes each message as a .eml file.
Mail goes out from the bus after the request that caused it has answered, so the readers
here settle the bus first."""

from __future__ import annotations

import email
import re
from email import policy
from email.message import EmailMessage

from aiohttp import web

from crewup.core.settings import Settings
from crewup.web.appkeys import SETTINGS
from tests.support.bus import settle


def sent_mail(settings: Settings) -> list[EmailMessage]:
    folder = settings.data_dir / "outbox" / "mail"
    paths = sorted(folder.glob("*.eml")) if folder.exists() else []
    found = []
    for path in paths:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        found.append(message)
    return found


def body_of(message: EmailMessage) -> str:
    """The plain-text part (every CrewUp mail has one)."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "no text/plain part"
    content = part.get_content()
    assert isinstance(content, str)
    return content


async def mail_to(app: web.Application, address: str) -> list[EmailMessage]:
    await settle(app)
    return [m for m in sent_mail(app[SETTINGS]) if m["To"] == address]


async def links_in_mail(app: web.Application, path: str) -> list[str]:
    """Tokens of every mailed link to `path` (`/password-reset/confirm`), oldest first."""
    await settle(app)
    tokens: list[str] = []
    for message in sent_mail(app[SETTINGS]):
        tokens += re.findall(re.escape(path) + r"\?token=([\w.-]+)", body_of(message))
    return tokens


async def reset_tokens(app: web.Application) -> list[str]:
    return await links_in_mail(app, "/password-reset/confirm")
