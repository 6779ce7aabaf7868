"""A few open, authenticated SMTP connections kept between messages.

Connecting costs several round trips (greeting, EHLO, STARTTLS with its TLS handshake,
EHLO again, AUTH) and providers throttle connection rates, so a message goes over an
idle connection when one is open. Each connection carries one message at a time; at most
`size` are open; one left idle for `keep_alive` seconds is closed with QUIT.

Never twice: a server may have dropped an idle connection (its own idle timeout, a
restart). That shows before the message is handed over: the connection is found closed,
or MAIL FROM / RCPT TO fail with a lost connection, a timeout or 421. The message then
goes over a new connection; the server had no part of it yet. Once DATA began, any error
is raised as it was before pooling (the bus retries the job), never resent here. Errors
on a new connection are raised unchanged, so callers classify them as before.

Imported only where `smtp_url` is set (aiosmtplib is loaded with it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from email.message import EmailMessage
from typing import Any

import aiosmtplib
from aiosmtplib.typing import SMTPStatus

from crewup.core.mail import SmtpServer

log = logging.getLogger("crewup.mail")
QUIT_TIMEOUT = 2.0


class _Connection(aiosmtplib.SMTP):
    """Remembers whether DATA began: before it, the server holds no part of the message."""

    data_began = False

    async def data(self, *args: Any, **kwargs: Any) -> aiosmtplib.SMTPResponse:
        self.data_began = True
        return await super().data(*args, **kwargs)


def _lost(error: BaseException) -> bool:
    """The connection is gone (or going): nothing the server judged about the message."""
    if isinstance(error, ConnectionError | TimeoutError):
        return True
    closing = SMTPStatus.domain_unavailable  # 421: the server is closing this connection
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return error.code == closing
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(refusal.code == closing for refusal in error.recipients)
    return False


class SmtpPool:
    def __init__(self, server: SmtpServer, *, size: int, keep_alive: float) -> None:
        self.server = server
        self.keep_alive = keep_alive
        self._slots = asyncio.Semaphore(size)
        self._idle: list[tuple[_Connection, float]] = []  # oldest first, with when it idled
        self._reaper: asyncio.Task[None] | None = None
        self._closed = False

    async def send(self, message: EmailMessage) -> None:
        async with self._slots:
            pooled = self._take_idle()
            if pooled is not None:
                try:
                    await self._send_on(pooled, message)
                    return
                except Exception as exc:
                    if pooled.data_began or not _lost(exc):
                        raise
                    # Named by type only: a server's words may quote what we sent.
                    log.info(
                        "an idle SMTP connection was gone; sending over a new one",
                        extra={"smtp_host": self.server.hostname, "error": type(exc).__name__},
                    )
            await self._send_on(await self._open(), message)

    async def close(self) -> None:
        """QUIT every idle connection; one still sending is closed when it finishes."""
        self._closed = True
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
            self._reaper = None
        idle, self._idle = self._idle, []
        await asyncio.gather(*(_quit(conn) for conn, _ in idle))

    async def _open(self) -> _Connection:
        server = self.server
        conn = _Connection(
            hostname=server.hostname,
            port=server.port,
            username=server.username,
            password=server.password,
            use_tls=server.implicit_tls,
            # smtp://: STARTTLS when the server offers it; smtps:// is TLS already.
            start_tls=None if not server.implicit_tls else False,
            timeout=server.timeout,
        )
        await conn.connect()  # greeting, EHLO, STARTTLS, AUTH; closes itself on failure
        return conn

    async def _send_on(self, conn: _Connection, message: EmailMessage) -> None:
        conn.data_began = False
        try:
            # Some refused recipients are not an error (as with aiosmtplib.send); all
            # refused raises SMTPRecipientsRefused.
            await conn.send_message(message)
        except BaseException:
            conn.close()  # half way through something: not worth reusing
            raise
        await self._release(conn)

    def _take_idle(self) -> _Connection | None:
        """The most recently used connection that is still open (the others then idle
        out sooner); connections the server closed meanwhile are dropped."""
        while self._idle:
            conn, since = self._idle.pop()
            if conn.is_connected and time.monotonic() - since < self.keep_alive:
                return conn
            conn.close()
        return None

    async def _release(self, conn: _Connection) -> None:
        if self._closed or self.keep_alive <= 0 or not conn.is_connected:
            await _quit(conn)
            return
        self._idle.append((conn, time.monotonic()))
        if self._reaper is None or self._reaper.done():
            self._reaper = asyncio.create_task(self._reap(), name="smtp-idle")

    async def _reap(self) -> None:
        """QUIT connections idle for `keep_alive`; ends when none is idle."""
        while self._idle:
            oldest = self._idle[0][1]
            await asyncio.sleep(max(0.0, oldest + self.keep_alive - time.monotonic()))
            now = time.monotonic()
            expired = [conn for conn, since in self._idle if now - since >= self.keep_alive]
            self._idle = [(c, since) for c, since in self._idle if now - since < self.keep_alive]
            await asyncio.gather(*(_quit(conn) for conn in expired))


async def _quit(conn: aiosmtplib.SMTP) -> None:
    """Politely, as aiosmtplib.send ends a connection; a server already gone is fine."""
    try:
        if conn.is_connected:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await conn.quit(timeout=QUIT_TIMEOUT)
    finally:
        conn.close()  # also when cancelled half way (shutdown)
