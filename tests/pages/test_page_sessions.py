"""Browser sessions end on the server: a copied cookie stops working after sign-out, a
password reset, a ban or the account's deletion, in both session stores (an encrypted
cookie on the embedded stack, Redis on the services stack). Anonymous visitors create
no server-side session, and the Redis keys carry the installation's prefix."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from crewup.core.settings import Settings
from tests.support.api import PASSWORD, Api
from tests.support.cli import admin_cli
from tests.support.mail import reset_tokens
from tests.support.pages import csrf_of, get_csrf, register_via_form
from tests.support.services import REDIS_URL

SESSION = "crewup_session"


def session_cookie(client: TestClient) -> str:
    cookies = client.session.cookie_jar.filter_cookies(client.make_url("/"))
    assert SESSION in cookies, "not signed in"
    return cookies[SESSION].value


async def page_with(client: TestClient, cookie: str, path: str = "/profile") -> Any:
    """A request from another browser that copied the cookie (no cookie jar of its own)."""
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as other,
        other.get(
            client.make_url(path), headers={"Cookie": f"{SESSION}={cookie}"}, allow_redirects=False
        ) as resp,
    ):
        return resp.status, resp.headers.get("Location", "")


async def signed_in_browser(client: TestClient, email: str) -> str:
    resp = await register_via_form(client, "Ann", email)
    assert resp.status == 303
    cookie = session_cookie(client)
    assert await page_with(client, cookie) == (200, "")  # the copy works while signed in
    return cookie


async def test_a_copied_cookie_stops_working_at_sign_out(client: TestClient) -> None:
    cookie = await signed_in_browser(client, "ann@example.com")
    token = csrf_of(await (await client.get("/profile")).text())
    out = await client.post("/logout", data={"csrf_token": token}, allow_redirects=False)
    assert out.status == 303
    status, location = await page_with(client, cookie)
    assert status == 303 and location.startswith("/login")


async def test_a_password_reset_ends_old_browser_sessions(
    client: TestClient, settings: Settings
) -> None:
    cookie = await signed_in_browser(client, "ann@example.com")
    await client.post("/api/v1/auth/password-reset", json={"email": "ann@example.com"})
    [token] = await reset_tokens(client.app)
    done = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "a brand new password"},
    )
    assert done.status == 204
    status, location = await page_with(client, cookie)
    assert status == 303 and location.startswith("/login")


async def test_a_ban_ends_browser_sessions(client: TestClient, settings: Settings) -> None:
    cookie = await signed_in_browser(client, "ann@example.com")
    banned = await admin_cli(settings, "bans", "add", "ann@example.com", "--reason", "spam")
    assert banned.exit_code == 0, banned.output
    status, location = await page_with(client, cookie)
    assert status == 303 and location.startswith("/login")


async def test_deleting_the_account_ends_browser_sessions(client: TestClient) -> None:
    cookie = await signed_in_browser(client, "ann@example.com")
    login = await client.post(
        "/api/v1/auth/login", json={"email": "ann@example.com", "password": PASSWORD}
    )
    bearer = {"Authorization": f"Bearer {(await login.json())['access_token']}"}
    assert (await client.delete("/api/v1/users/me", headers=bearer)).status == 204
    status, location = await page_with(client, cookie)
    assert status == 303 and location.startswith("/login")


async def test_signing_in_again_after_sign_out_works(client: TestClient, api: Api) -> None:
    await signed_in_browser(client, "ann@example.com")
    token = csrf_of(await (await client.get("/profile")).text())
    await client.post("/logout", data={"csrf_token": token})
    form = await get_csrf(client, "/login")
    back = await client.post(
        "/login",
        data={"csrf_token": form, "email": "ann@example.com", "password": PASSWORD},
        allow_redirects=False,
    )
    assert back.status == 303
    assert (await client.get("/profile", allow_redirects=False)).status == 200


async def _session_keys(prefix: str) -> list[bytes]:
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    try:
        return [key async for key in redis.scan_iter(match=f"{prefix}*session*")]
    finally:
        await redis.aclose()


async def _unprefixed_session_keys() -> list[bytes]:
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    try:
        return [key async for key in redis.scan_iter(match=f"{SESSION}_*")]
    finally:
        await redis.aclose()


async def test_anonymous_visitors_create_no_redis_sessions(
    client: TestClient, settings: Settings
) -> None:
    if settings.redis_url is None:
        pytest.skip("the embedded stack keeps sessions in an encrypted cookie, not in Redis")
    before_unprefixed = await _unprefixed_session_keys()
    for path in ("/", "/login", "/register", "/groups", "/events", "/login"):
        assert (await client.get(path)).status == 200
    assert await _session_keys(settings.redis_prefix) == []
    await register_via_form(client, "Ann", "ann@example.com")
    keys = await _session_keys(settings.redis_prefix)
    assert len(keys) == 1 and keys[0].startswith(settings.redis_prefix.encode())
    assert await _unprefixed_session_keys() == before_unprefixed
    token = csrf_of(await (await client.get("/profile")).text())
    await client.post("/logout", data={"csrf_token": token})
    assert await _session_keys(settings.redis_prefix) == []  # deleted, not stored empty
