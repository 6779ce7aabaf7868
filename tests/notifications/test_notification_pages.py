"""The notification pages: the list and its badge, settings saved from the form, and a
browser's push subscription sent by static/js/push.js (CSRF in a header)."""

from __future__ import annotations

import base64
import re

from aiohttp.test_utils import TestClient

from tests.support.pages import get_csrf, signed_in


def is_checked(page: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no checkbox {name}"
    return " checked" in tag.group(0)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def test_settings_page_saves_choices(client: TestClient) -> None:
    await signed_in(client)
    token = await get_csrf(client, "/settings/notifications")
    resp = await client.post(
        "/settings/notifications",
        data={"csrf_token": token, "promoted.in_app": "on", "promoted.push": "on"},
        allow_redirects=False,
    )
    assert resp.status in (302, 303), await resp.text()
    page = await (await client.get("/settings/notifications")).text()
    assert is_checked(page, "promoted.push")
    assert is_checked(page, "promoted.in_app")
    assert not is_checked(page, "promoted.email")  # unticked in the form: off


async def test_push_subscription_from_a_page_needs_the_csrf_header(client: TestClient) -> None:
    await signed_in(client)
    token = await get_csrf(client, "/settings/notifications")
    key = b64url(b"k" * 65)
    body = {"endpoint": "https://push.example.org/abc", "keys": {"p256dh": key, "auth": key}}
    resp = await client.post("/settings/push-subscriptions", json=body)
    assert resp.status == 403
    resp = await client.post(
        "/settings/push-subscriptions", json=body, headers={"X-CSRF-Token": token}
    )
    assert resp.status == 201, await resp.text()
    body["endpoint"] = "http://127.0.0.1:6379/"
    resp = await client.post(
        "/settings/push-subscriptions", json=body, headers={"X-CSRF-Token": token}
    )
    assert resp.status == 422


async def test_the_list_page_needs_a_sign_in(client: TestClient) -> None:
    anonymous = await client.get("/notifications", allow_redirects=False)
    assert anonymous.status in (302, 303)
    await signed_in(client)
    page = await client.get("/notifications")
    assert page.status == 200
    assert "Notifications" in await page.text()
