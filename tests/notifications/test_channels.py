"""Where notifications go beyond the app: a real SMTP server (aiosmtpd), a web push
service on this machine (the payload decrypted as a browser would), one-click
unsubscribe, and the address confirmation that mail and creating things depend on."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import http_ece
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from crewup.app import create_app
from tests.support.api import Api, make_event, make_group, rsvp
from tests.support.bus import settle
from tests.support.cli import admin_cli
from tests.support.live_server import free_port
from tests.support.mail import body_of, links_in_mail, mail_to


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Inbox:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


async def test_mail_goes_out_over_smtp(
    aiohttp_client: Any, make_settings: Any, smtp_server: tuple[int, Inbox]
) -> None:
    port, inbox = smtp_server
    settings = make_settings(
        smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Crew <crew@example.org>"
    )
    client = await aiohttp_client(create_app(settings))
    person = await Api(client).register()
    await settle(client.app)
    assert len(inbox.messages) == 1
    sent = inbox.messages[0]
    assert sent["To"] == person["email"]
    assert sent["From"] == "Crew <crew@example.org>"
    assert re.search(r"/verify-email\?token=[\w.-]+", body_of(sent))


async def test_smtp_down_loses_nothing_and_holds_nothing_else_back(
    aiohttp_client: Any, make_settings: Any
) -> None:
    """Nobody listens on the SMTP port: the confirmation mail waits (an outage is not the
    message's fault, so it is not used up as a dead letter), in-app notifications still
    arrive, and the mail goes out by itself once the server is back."""
    port = free_port()
    settings = make_settings(smtp_url=f"smtp://127.0.0.1:{port}", smtp_timeout_seconds=2)
    client = await aiohttp_client(create_app(settings))
    api = Api(client)
    owner, member = await api.register(), await api.register()
    group = await make_group(client, owner)
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=member["headers"])
    await client.post(
        f"/api/v1/groups/{group['id']}/posts",
        json={"title": "Still here", "body": "x"},
        headers=owner["headers"],
    )
    async with asyncio.timeout(15):
        while True:
            resp = await client.get("/api/v1/notifications", headers=member["headers"])
            if (await resp.json())["items"]:
                break
            await asyncio.sleep(0.1)

    result = await admin_cli(settings, "outbox", "status", "--json")
    status = json.loads(result.output)
    assert status["backlog"]["auth-mail"] == 2  # both confirmation mails wait
    assert status["dead_letters"]["auth-mail"] == 0

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await settle(client.app)
        assert sorted(m["To"] for m in inbox.messages) == sorted([owner["email"], member["email"]])
    finally:
        controller.stop()


class PushService:
    """A push service on this machine: records what it is sent, answers `status`."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 201

    async def receive(self, request: web.Request) -> web.Response:
        self.received.append((dict(request.headers), await request.read()))
        return web.Response(status=self.status)


async def test_push_reaches_the_browser_encrypted_and_signed(
    aiohttp_client: Any, aiohttp_server: Any, make_settings: Any
) -> None:
    service = PushService()
    push_app = web.Application()
    push_app.router.add_post("/push/{id}", service.receive)
    push_server = await aiohttp_server(push_app)
    settings = make_settings(push_allow_insecure_endpoints=True)
    client = await aiohttp_client(create_app(settings))
    api = Api(client)
    owner, member = await api.register(), await api.register()
    group = await make_group(client, owner)
    resp = await client.post(f"/api/v1/groups/{group['id']}/join", headers=member["headers"])
    assert resp.status == 200

    # The browser's side: a P-256 key pair and an auth secret, as PushManager makes them.
    browser_key = ec.generate_private_key(ec.SECP256R1())
    public = browser_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    secret = os.urandom(16)
    endpoint = f"http://127.0.0.1:{push_server.port}/push/abc"
    resp = await client.post(
        "/api/v1/users/me/push-subscriptions",
        json={"endpoint": endpoint, "keys": {"p256dh": b64url(public), "auth": b64url(secret)}},
        headers=member["headers"],
    )
    assert resp.status == 201, await resp.text()

    event = await make_event(client, owner, group["id"], capacity=1)
    await rsvp(client, event, owner)
    await rsvp(client, event, member)  # waitlisted
    resp = await client.delete(f"/api/v1/events/{event['id']}/rsvp", headers=owner["headers"])
    assert resp.status == 204
    await settle(client.app)

    assert len(service.received) == 1
    headers, body = service.received[0]
    assert headers["Content-Encoding"] == "aes128gcm"
    assert headers["Authorization"].startswith("vapid t=")
    plain = http_ece.decrypt(body, private_key=browser_key, auth_secret=secret, version="aes128gcm")
    payload = json.loads(plain)
    assert "Bouldering night" in payload["body"]
    assert payload["url"] == f"/events/{event['id']}"

    # The push service says the browser unsubscribed: the subscription is forgotten.
    service.status = 410
    await client.post(
        f"/api/v1/events/{event['id']}/cancel", json={"reason": "storm"}, headers=owner["headers"]
    )
    await settle(client.app)
    count = len(service.received)
    await client.patch(
        f"/api/v1/events/{event['id']}", json={"title": "Again"}, headers=owner["headers"]
    )
    await settle(client.app)
    assert len(service.received) == count


async def test_plain_http_push_endpoints_are_refused_by_default(client: TestClient) -> None:
    person = await Api(client).register()
    key = b64url(b"k" * 65)
    resp = await client.post(
        "/api/v1/users/me/push-subscriptions",
        json={"endpoint": "http://127.0.0.1:6379/", "keys": {"p256dh": key, "auth": key}},
        headers=person["headers"],
    )
    assert resp.status == 422
    assert "https" in (await resp.json())["detail"]


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1/push",
        "https://localhost:8443/push",
        "https://10.1.2.3/push",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/push",
        "https://[::ffff:192.168.0.1]/push",
        "https://metadata.google.internal/push",
        "https://printer.local/push",
    ],
)
async def test_https_push_endpoints_on_the_servers_own_network_are_refused(
    client: TestClient, endpoint: str
) -> None:
    """The server posts to the endpoint later: it must not be aimed at internal services."""
    person = await Api(client).register()
    key = b64url(b"k" * 65)
    resp = await client.post(
        "/api/v1/users/me/push-subscriptions",
        json={"endpoint": endpoint, "keys": {"p256dh": key, "auth": key}},
        headers=person["headers"],
    )
    assert resp.status == 422
    assert "public push service" in (await resp.json())["detail"]


async def test_a_public_push_service_is_accepted(client: TestClient) -> None:
    person = await Api(client).register()
    key = b64url(b"k" * 65)
    resp = await client.post(
        "/api/v1/users/me/push-subscriptions",
        json={
            "endpoint": "https://fcm.googleapis.com/fcm/send/abc",
            "keys": {"p256dh": key, "auth": key},
        },
        headers=person["headers"],
    )
    assert resp.status in (201, 204)


async def test_one_click_unsubscribe_turns_that_mail_off(client: TestClient) -> None:
    api = Api(client)
    owner, member = await api.register(), await api.register()
    tokens = await links_in_mail(client.app, "/verify-email")
    for token in tokens:
        await client.post("/api/v1/auth/verify-email", json={"token": token})
    group = await make_group(client, owner)
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=member["headers"])
    event = await make_event(client, owner, group["id"])
    await rsvp(client, event, member)
    await client.post(
        f"/api/v1/events/{event['id']}/cancel", json={"reason": "rain"}, headers=owner["headers"]
    )
    mails = [m for m in await mail_to(client.app, member["email"]) if m["List-Unsubscribe"]]
    assert len(mails) == 1
    url = mails[0]["List-Unsubscribe"].strip("<>")
    path = url[url.index("/unsubscribe") :]

    # What a mail client does for RFC 8058: POST, no cookies, no CSRF token.
    resp = await client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert resp.status == 200
    saved = await (
        await client.get("/api/v1/users/me/notification-settings", headers=member["headers"])
    ).json()
    assert saved["event_cancelled"]["email"] is False
    assert saved["event_cancelled"]["in_app"] is True
    assert saved["promoted"]["email"] is True

    resp = await client.post("/unsubscribe?token=forged", data={})
    assert resp.status == 400


async def test_creating_needs_a_confirmed_address_when_required(
    aiohttp_client: Any, make_settings: Any
) -> None:
    client = await aiohttp_client(create_app(make_settings(require_verified_email=True)))
    person = await Api(client).register()
    me = await (await client.get("/api/v1/users/me", headers=person["headers"])).json()
    assert me["email_verified"] is False
    body = {"name": "Night Owls", "description": "Runs after dark", "category": "sports"}
    resp = await client.post("/api/v1/groups", json=body, headers=person["headers"])
    assert resp.status == 403, await resp.text()
    assert "confirm" in (await resp.json())["detail"].lower()

    for bad in ("", "garbage", "a.b.c"):
        resp = await client.post("/api/v1/auth/verify-email", json={"token": bad})
        assert resp.status in (400, 422), bad
    (token,) = await links_in_mail(client.app, "/verify-email")
    resp = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert resp.status == 204
    me = await (await client.get("/api/v1/users/me", headers=person["headers"])).json()
    assert me["email_verified"] is True
    resp = await client.post("/api/v1/groups", json=body, headers=person["headers"])
    assert resp.status == 201, await resp.text()
