"""Outgoing mail: SMTP with aiosmtplib when `smtp_url` is set; otherwise each message is
written to `data_dir/outbox/mail` as a standard .eml file (open it in any mail client).
Messages are built from Jinja templates under templates/mail/, with a plain-text part and
an HTML part, in the running language (crewup.core.i18n.speaking)."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import jinja2

from crewup.core import clock, i18n, ids
from crewup.core.settings import Settings

MAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


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


class SmtpMailer:
    """smtp:// upgrades with STARTTLS when the server offers it; smtps:// is TLS from the
    first byte. Credentials come from the URL and are never logged."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.implicit_tls = parts.scheme == "smtps"
        self.hostname = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    async def send(self, message: EmailMessage) -> None:
        import aiosmtplib  # only where smtp_url is set

        await aiosmtplib.send(
            message,
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.implicit_tls,
            start_tls=None if not self.implicit_tls else False,
            timeout=self.timeout,
        )


def mailer_for(settings: Settings) -> Mailer:
    if settings.smtp_url:
        return SmtpMailer(settings.smtp_url, settings.smtp_timeout_seconds)
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
