"""A real SMTP server for tests (aiosmtpd, in a thread of its own) that also counts what
happens to connections: how many were opened, signed in, ended with QUIT or closed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class CountingInbox:
    """aiosmtpd handler: keeps every message it is given; `on_data` may act on the
    connection after a message arrived (drop it, say)."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.opened = 0
        self.closed = 0
        self.quits = 0
        self.logins: list[tuple[str, str]] = []
        self.data_delay = 0.0
        self.on_data: Callable[[SMTP], None] | None = None

    @property
    def recipients(self) -> list[str]:
        return [str(m["To"]) for m in self.messages]

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        if self.data_delay:
            await asyncio.sleep(self.data_delay)  # senders overlap
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        if self.on_data is not None:
            self.on_data(server)
        return "250 OK"

    async def handle_QUIT(self, server: SMTP, session: Any, envelope: Any) -> str:
        self.quits += 1
        return "221 Bye"

    def authenticate(
        self, server: SMTP, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    async def wait_until(self, done: Callable[[], bool], seconds: float = 5.0) -> None:
        deadline = time.monotonic() + seconds
        while not done():
            assert time.monotonic() < deadline, "the SMTP server did not see it in time"
            await asyncio.sleep(0.02)


class _CountingSMTP(SMTP):
    """Counts connections that said EHLO (the controller's own start-up probe does not)."""

    def __init__(self, inbox: CountingInbox, **kwargs: Any) -> None:
        super().__init__(inbox, **kwargs)
        self.inbox = inbox
        self.counted = False

    async def smtp_EHLO(self, hostname: str) -> None:
        if not self.counted:
            self.counted = True
            self.inbox.opened += 1
        await super().smtp_EHLO(hostname)

    def connection_lost(self, error: Exception | None) -> None:
        if self.counted:
            self.inbox.closed += 1
        super().connection_lost(error)


class CountingController(Controller):
    """`idle_timeout`: the server closes a connection silent that long (as providers do);
    AUTH is offered over plain SMTP so tests need no certificate."""

    def __init__(self, inbox: CountingInbox, port: int, idle_timeout: float = 300) -> None:
        super().__init__(
            inbox,
            hostname="127.0.0.1",
            port=port,
            timeout=idle_timeout,
            authenticator=inbox.authenticate,
            auth_require_tls=False,
        )
        self.inbox = inbox

    def factory(self) -> SMTP:
        return _CountingSMTP(self.inbox, **self.SMTP_kwargs)
