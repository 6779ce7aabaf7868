"""Registering and signing in through the API."""

from __future__ import annotations

import asyncio

from tests.support.api import Api


async def test_register_returns_profile_and_token_pair(client, api: Api) -> None:
    body = await api.register("Ann")
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["user"]["display_name"] == "Ann"
    assert body["user"]["email"] == body["email"]
    assert body["user"]["role"] == "user"
    assert body["user"]["reputation"] == {"score": None, "count": 0, "smoothed": 3.0}
    me = await client.get("/api/v1/users/me", headers=body["headers"])
    assert me.status == 200
    assert (await me.json())["id"] == body["user"]["id"]


async def test_register_same_email_twice_is_409_even_with_other_case(client, api: Api) -> None:
    first = await api.register(email="Twice@Example.com")
    resp = await client.post(
        "/api/v1/auth/register",
        json={"email": "twice@example.COM", "password": "another password", "display_name": "B"},
    )
    assert resp.status == 409
    problem = await resp.json()
    assert resp.content_type == "application/problem+json"
    assert problem["errors"] == [{"field": "email", "message": "already registered"}]
    assert first["user"]["email"] == "twice@example.com"


async def test_register_validation_reports_each_field(client) -> None:
    resp = await client.post(
        "/api/v1/auth/register",
        json={"email": "not-an-email", "password": "short", "display_name": "  "},
    )
    assert resp.status == 422
    fields = {e["field"] for e in (await resp.json())["errors"]}
    assert fields == {"email", "password", "display_name"}


async def test_register_rejects_unknown_fields(client) -> None:
    resp = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "a@example.com",
            "password": "0123456789",
            "display_name": "A",
            "role": "admin",
        },
    )
    assert resp.status == 422
    assert (await resp.json())["errors"][0]["field"] == "role"


async def test_concurrent_registrations_with_one_email_create_one_account(client) -> None:
    payload = {"email": "race@example.com", "password": "0123456789", "display_name": "R"}
    responses = await asyncio.gather(
        *(client.post("/api/v1/auth/register", json=payload) for _ in range(8))
    )
    statuses = sorted(r.status for r in responses)
    assert statuses == [201] + [409] * 7


async def test_login_with_right_and_wrong_password(client, api: Api) -> None:
    person = await api.register()
    good = await client.post(
        "/api/v1/auth/login",
        json={"email": person["email"].upper(), "password": person["password"]},
    )
    assert good.status == 200
    body = await good.json()
    assert body["user"]["id"] == person["user"]["id"]
    assert body["refresh_token"] != person["refresh_token"]
    bad = await client.post(
        "/api/v1/auth/login", json={"email": person["email"], "password": "wrong password!"}
    )
    assert bad.status == 401
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": "wrong password!"}
    )
    assert unknown.status == 401
    # Same answer for an unknown account and a wrong password: no account enumeration.
    assert (await bad.json())["detail"] == (await unknown.json())["detail"]


async def test_login_is_rate_limited_with_retry_after(aiohttp_client, make_settings) -> None:
    from crewup.app import create_app

    client = await aiohttp_client(create_app(make_settings(rate_limit_login="3/minute")))
    statuses = []
    for _ in range(5):
        resp = await client.post(
            "/api/v1/auth/login", json={"email": "victim@example.com", "password": "guess number x"}
        )
        statuses.append(resp.status)
    assert statuses == [401, 401, 401, 429, 429]
    assert 1 <= int(resp.headers["Retry-After"]) <= 61
    assert (await resp.json())["status"] == 429
