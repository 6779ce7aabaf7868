"""Outgoing mail: SMTP with aiosmtplib when `smtp_url` is set; otherwise each message is
written to `data_dir/outbox/mail` as a standard .eml file (open it in any mail client).
Messages are built from Jinja templates under templates/mail/, with a plain-text part and
an HTML part, in the running language (crewup.core.i18n.speaking)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit

import jinja2

from crewup.core import clock, i18n, ids
from crewup.core.settings import Settings

if TYPE_CHECKING:
    from crewup.core.smtp_pool import SmtpPool

MAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"
# Connections kept open to the SMTP server, each carrying one message at a time.
POOL_SIZE = 4


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None: ...

    async def close(self) -> None:
        """Let go of open connections (the mailer may still send afterwards)."""


class FolderMailer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, message: EmailMessage) -> None:
        name = f"{clock.now().strftime('%Y%m%dT%H%M%S%f')}-{ids.new_uuid()[:8]}.eml"
        await asyncio.to_thread(self._write, name, message.as_bytes())

    def _write(self, name: str, data: bytes) -> None:
        # Written aside and renamed: whoever reads the folder never sees half a message.
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f".{name}.part"
        partial.write_bytes(data)
        partial.rename(self.folder / name)

    async def close(self) -> None:
        return None


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes. The credentials stay out of repr, so out of any log line."""

    hostname: str
    port: int
    implicit_tls: bool
    timeout: float
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)


class SmtpMailer:
    """smtp:// upgrades with STARTTLS when the server offers it; smtps:// is TLS from the
    first byte. Credentials come from the URL and are never logged. Up to POOL_SIZE
    connections stay open between messages for `keep_alive` seconds (0: one connection
    per message); crewup.core.smtp_pool says why that never sends a message twice."""

    def __init__(self, url: str, timeout: float, keep_alive: float = 30.0) -> None:
        parts = urlsplit(url)
        implicit_tls = parts.scheme == "smtps"
        self.server = SmtpServer(
            hostname=parts.hostname or "localhost",
            port=parts.port or (465 if implicit_tls else 25),
            implicit_tls=implicit_tls,
            timeout=timeout,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )
        self.keep_alive = keep_alive
        self._pool: SmtpPool | None = None

    async def send(self, message: EmailMessage) -> None:
        if self._pool is None:
            from crewup.core.smtp_pool import SmtpPool  # aiosmtplib: only once mail goes out

            self._pool = SmtpPool(self.server, size=POOL_SIZE, keep_alive=self.keep_alive)
        await self._pool.send(message)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()


def mailer_for(settings: Settings) -> Mailer:
    """The caller closes it when done sending (the bus's owner, on shutdown)."""
    if settings.smtp_url:
        return SmtpMailer(
            settings.smtp_url, settings.smtp_timeout_seconds, settings.smtp_keep_alive_seconds
        )
    return FolderMailer(settings.data_dir / "outbox" / "mail")


def sender_of(settings: Settings) -> str:
    host = urlsplit(settings.effective_public_url).hostname or "localhost"
    return settings.mail_from or f"CrewUp <no-reply@{host}>"


_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(MAIL_TEMPLATES)),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    extensions=["jinja2.ext.i18n"],
)
# Mail speaks the running language (crewup.core.i18n): the sender wraps compose() in
# `speaking(recipient's locale)`.
_environment.install_gettext_callables(  # type: ignore[attr-defined]
    i18n.gettext, i18n.counted, newstyle=True
)


def compose(
    settings: Settings,
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    unsubscribe_url: str | None = None,
) -> EmailMessage:
    """`template`.txt and `template`.html from templates/mail, filled with `context`."""
    full = {
        "site_url": settings.effective_public_url,
        "unsubscribe_url": unsubscribe_url,
        "lang": i18n.current_locale(),
    }
    full.update(context)
    message = EmailMessage()
    message["From"] = sender_of(settings)
    message["To"] = to
    message["Subject"] = " ".join(subject.split())  # one line, whatever the data held
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain=urlsplit(settings.effective_public_url).hostname)
    if unsubscribe_url:
        # RFC 8058: mail clients offer one click, and POST to this URL to do it.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(_environment.get_template(f"{template}.txt").render(full))
    message.add_alternative(
        _environment.get_template(f"{template}.html").render(full), subtype="html"
    )
    return message
