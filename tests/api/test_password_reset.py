"""Password reset: the mail lands in the outbox folder; its token works once, then never."""

from __future__ import annotations

from datetime import timedelta

from crewup.core import clock
from tests.support.api import Api
from tests.support.mail import reset_tokens


async def test_reset_flow_changes_password_and_signs_out_everywhere(
    client, api: Api, settings
) -> None:
    person = await api.register()
    resp = await client.post("/api/v1/auth/password-reset", json={"email": person["email"]})
    assert resp.status == 202
    [token] = await reset_tokens(client.app)
    done = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "a brand new secret"},
    )
    assert done.status == 204
    old = await client.post(
        "/api/v1/auth/login", json={"email": person["email"], "password": person["password"]}
    )
    assert old.status == 401
    new = await client.post(
        "/api/v1/auth/login", json={"email": person["email"], "password": "a brand new secret"}
    )
    assert new.status == 200
    stale = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": person["refresh_token"]}
    )
    assert stale.status == 401
    reused = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "yet another secret"},
    )
    assert reused.status == 400


async def test_unknown_address_gets_the_same_answer_and_no_mail(client, settings) -> None:
    resp = await client.post("/api/v1/auth/password-reset", json={"email": "no@example.com"})
    assert resp.status == 202
    assert await reset_tokens(client.app) == []


async def test_reset_token_expires(client, api: Api, settings, monkeypatch) -> None:
    person = await api.register()
    await client.post("/api/v1/auth/password-reset", json={"email": person["email"]})
    [token] = await reset_tokens(client.app)
    later = clock.now() + timedelta(minutes=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    resp = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "a brand new secret"},
    )
    assert resp.status == 400
    assert "expired" in (await resp.json())["detail"]


async def test_a_new_link_makes_older_ones_useless_once_used(client, api: Api, settings) -> None:
    person = await api.register()
    for _ in range(2):
        await client.post("/api/v1/auth/password-reset", json={"email": person["email"]})
    first, second = await reset_tokens(client.app)
    ok = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": second, "new_password": "a brand new secret"},
    )
    assert ok.status == 204
    stale = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": first, "new_password": "another new secret"},
    )
    assert stale.status == 400


async def test_short_new_password_is_422(client) -> None:
    resp = await client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": "x", "new_password": "short"}
    )
    assert resp.status == 422
    assert (await resp.json())["errors"][0]["field"] == "new_password"
