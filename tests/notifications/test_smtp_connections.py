"""Mail over a few SMTP connections kept open: messages share a signed-in connection,
connections idle out and close on shutdown, a server that dropped an idle connection
loses and doubles nothing, and concurrent senders each deliver exactly once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import pytest

from crewup.app import create_app
from crewup.core.mail import POOL_SIZE, SmtpMailer
from tests.support.api import Api
from tests.support.bus import settle
from tests.support.cli import admin_cli
from tests.support.live_server import free_port
from tests.support.smtp import CountingController, CountingInbox

SECRET = "s3cret-Pass"  # the SMTP password: must never reach a log line


@pytest.fixture
def inbox() -> CountingInbox:
    return CountingInbox()


@pytest.fixture
def smtp_port(inbox: CountingInbox) -> Iterator[int]:
    port = free_port()
    controller = CountingController(inbox, port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def smtp_url(port: int) -> str:
    return f"smtp://crew:{SECRET}@127.0.0.1:{port}"


def note(to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "crew@example.org"
    message["To"] = to
    message["Subject"] = f"for {to}"
    message.set_content("hello")
    return message


async def test_mails_share_one_signed_in_connection_closed_on_shutdown(
    aiohttp_client: Any, make_settings: Any, inbox: CountingInbox, smtp_port: int
) -> None:
    settings = make_settings(smtp_url=smtp_url(smtp_port))
    client = await aiohttp_client(create_app(settings))
    api = Api(client)
    people = [await api.register() for _ in range(3)]
    await settle(client.app)
    people.append(await api.register())  # after a pause: still the same connection
    await settle(client.app)

    assert sorted(inbox.recipients) == sorted(p["email"] for p in people)
    assert inbox.opened == 1
    assert inbox.logins == [("crew", SECRET)]  # signed in once, not per message
    assert inbox.closed == 0

    await client.close()  # the app's cleanup ends the connection politely
    await inbox.wait_until(lambda: inbox.closed == 1)
    assert inbox.quits == 1


async def test_an_idle_connection_is_closed_after_the_keep_alive(
    aiohttp_client: Any, make_settings: Any, inbox: CountingInbox, smtp_port: int
) -> None:
    settings = make_settings(smtp_url=smtp_url(smtp_port), smtp_keep_alive_seconds=0.3)
    client = await aiohttp_client(create_app(settings))
    api = Api(client)
    first = await api.register()
    await settle(client.app)
    await inbox.wait_until(lambda: inbox.closed == 1)
    assert inbox.quits == 1

    second = await api.register()
    await settle(client.app)
    assert inbox.recipients == [first["email"], second["email"]]
    assert inbox.opened == 2


async def test_no_keep_alive_is_one_connection_per_message(
    aiohttp_client: Any, make_settings: Any, inbox: CountingInbox, smtp_port: int
) -> None:
    settings = make_settings(smtp_url=smtp_url(smtp_port), smtp_keep_alive_seconds=0)
    client = await aiohttp_client(create_app(settings))
    api = Api(client)
    for _ in range(2):
        await api.register()
    await settle(client.app)
    assert len(inbox.messages) == 2
    assert inbox.opened == 2
    await inbox.wait_until(lambda: inbox.closed == 2)
    assert inbox.quits == 2


async def test_a_server_dropping_idle_connections_loses_and_doubles_nothing(
    aiohttp_client: Any, make_settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The provider closes connections silent for 0.5 s; between two mails ours is
    closed under the pool, and the second mail goes over a new one, once."""
    caplog.set_level(logging.DEBUG)
    inbox = CountingInbox()
    port = free_port()
    controller = CountingController(inbox, port, idle_timeout=0.5)
    controller.start()
    try:
        settings = make_settings(smtp_url=smtp_url(port), smtp_timeout_seconds=2)
        client = await aiohttp_client(create_app(settings))
        api = Api(client)
        first = await api.register()
        await settle(client.app)
        await inbox.wait_until(lambda: inbox.closed == 1)  # the server hung up
        second = await api.register()
        third = await api.register()
        await settle(client.app)
    finally:
        controller.stop()
    assert inbox.recipients == [first["email"], second["email"], third["email"]]
    assert inbox.opened == 2
    ours = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    assert SECRET not in ours


async def test_a_restarted_server_loses_and_doubles_nothing(
    aiohttp_client: Any, make_settings: Any
) -> None:
    """The server restarts between two mails (every connection it had is gone)."""
    inbox, port = CountingInbox(), free_port()
    controller = CountingController(inbox, port)
    controller.start()
    settings = make_settings(smtp_url=smtp_url(port), smtp_timeout_seconds=2)
    client = await aiohttp_client(create_app(settings))
    api = Api(client)
    first = await api.register()
    await settle(client.app)
    controller.stop()
    again = CountingController(inbox, port)
    again.start()
    try:
        second = await api.register()
        await settle(client.app)
    finally:
        again.stop()
    assert inbox.recipients == [first["email"], second["email"]]


async def test_twenty_senders_at_once_deliver_each_message_once(
    inbox: CountingInbox, smtp_port: int
) -> None:
    inbox.data_delay = 0.05  # each message takes a while: the senders overlap
    mailer = SmtpMailer(smtp_url(smtp_port), timeout=5)
    try:
        first = [f"p{n}@example.com" for n in range(20)]
        await asyncio.gather(*(mailer.send(note(to)) for to in first))
        assert sorted(inbox.recipients) == sorted(first)
        assert inbox.opened == POOL_SIZE  # as many as may be open, then reused
        second = [f"q{n}@example.com" for n in range(20)]
        await asyncio.gather(*(mailer.send(note(to)) for to in second))
        assert sorted(inbox.recipients) == sorted(first + second)
        assert inbox.opened == POOL_SIZE
    finally:
        await mailer.close()
    await inbox.wait_until(lambda: inbox.closed == POOL_SIZE)
    assert inbox.quits == POOL_SIZE


@pytest.mark.parametrize("how", ["421 then close", "close without a word"])
async def test_a_pooled_connection_failing_at_mail_from_resends_over_a_new_one(
    inbox: CountingInbox, smtp_port: int, how: str
) -> None:
    """The pooled connection still looks open, but the server is done with it and says
    so only when MAIL FROM arrives: the server has none of the message yet, so it goes
    over a new connection, once."""
    mailer = SmtpMailer(smtp_url(smtp_port), timeout=5)
    hang_ups = 0

    async def mail_from(server: Any, session: Any, envelope: Any, address: str, _: Any) -> str:
        nonlocal hang_ups
        if hang_ups == 0 and inbox.messages:
            hang_ups += 1
            if how == "close without a word":
                server.transport.close()
                return "250 OK"  # never reaches the client
            server.loop.call_later(0.05, server.transport.close)
            return "421 4.4.2 idle too long, closing"
        envelope.mail_from = address
        return "250 OK"

    inbox.handle_MAIL = mail_from  # type: ignore[attr-defined]
    try:
        await mailer.send(note("a@example.com"))
        await mailer.send(note("b@example.com"))
        await mailer.send(note("c@example.com"))
    finally:
        await mailer.close()
    assert hang_ups == 1
    assert inbox.recipients == ["a@example.com", "b@example.com", "c@example.com"]
    assert inbox.opened == 2


async def test_a_connection_lost_once_data_began_is_an_error_not_a_resend(
    inbox: CountingInbox, smtp_port: int
) -> None:
    """The server took the message and then the connection broke: whether it kept the
    message is unknown, so the error goes to the caller (the bus retries the job, as
    before pooling) rather than the message going again at once."""
    mailer = SmtpMailer(smtp_url(smtp_port), timeout=5)
    try:
        await mailer.send(note("a@example.com"))

        def hang_up(server: Any) -> None:
            server.transport.close()

        inbox.on_data = hang_up
        with pytest.raises(aiosmtplib.SMTPServerDisconnected):
            await mailer.send(note("b@example.com"))
        assert inbox.recipients == ["a@example.com", "b@example.com"]
        assert inbox.opened == 1  # not sent again over a new connection

        inbox.on_data = None
        await mailer.send(note("c@example.com"))  # the broken connection was let go
        assert inbox.recipients == ["a@example.com", "b@example.com", "c@example.com"]
        assert inbox.opened == 2
    finally:
        await mailer.close()


async def test_refusals_keep_their_errors(inbox: CountingInbox, smtp_port: int) -> None:
    """A refused recipient is the message's fault (not an outage): raised as
    aiosmtplib.send raised it; the next message goes out."""

    async def refuse(server: Any, session: Any, envelope: Any, address: str, _: Any) -> str:
        if address.startswith("nobody"):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    inbox.handle_RCPT = refuse  # type: ignore[attr-defined]
    mailer = SmtpMailer(smtp_url(smtp_port), timeout=5)
    try:
        with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
            await mailer.send(note("nobody@example.com"))
        assert not isinstance(refused.value, ConnectionError | TimeoutError)
        await mailer.send(note("someone@example.com"))
        assert inbox.recipients == ["someone@example.com"]
    finally:
        await mailer.close()


async def test_the_cli_test_message_ends_its_connection_politely(
    make_settings: Any, inbox: CountingInbox, smtp_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREWUP_SMTP_URL", smtp_url(smtp_port))
    result = await admin_cli(make_settings(), "notify", "test", "ops@example.org")
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert inbox.recipients == ["ops@example.org"]
    await inbox.wait_until(lambda: inbox.closed == 1)
    assert inbox.quits == 1  # the command closed its mailer before its loop ended
