"""Refresh tokens rotate; a spent one replayed signs the whole login out."""

from __future__ import annotations

import asyncio

from tests.support.api import Api


async def refresh(client, token: str):
    return await client.post("/api/v1/auth/refresh", json={"refresh_token": token})


async def test_refresh_rotates_and_old_token_is_spent(client, api: Api) -> None:
    person = await api.register()
    first = await refresh(client, person["refresh_token"])
    assert first.status == 200
    pair = await first.json()
    assert pair["refresh_token"] != person["refresh_token"]
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
    )
    assert me.status == 200
    second = await refresh(client, pair["refresh_token"])
    assert second.status == 200


async def test_reusing_a_spent_token_revokes_the_family(client, api: Api) -> None:
    person = await api.register()
    rotated = await (await refresh(client, person["refresh_token"])).json()
    replay = await refresh(client, person["refresh_token"])
    assert replay.status == 401
    assert "already used" in (await replay.json())["detail"]
    # The thief's replay also kills the legitimate holder's newer token.
    after = await refresh(client, rotated["refresh_token"])
    assert after.status == 401


async def test_other_logins_survive_a_family_revocation(client, api: Api) -> None:
    person = await api.register()
    other = await (
        await client.post(
            "/api/v1/auth/login", json={"email": person["email"], "password": person["password"]}
        )
    ).json()
    await refresh(client, person["refresh_token"])
    await refresh(client, person["refresh_token"])  # replay: family revoked
    assert (await refresh(client, other["refresh_token"])).status == 200


async def test_concurrent_refreshes_with_one_token_yield_one_pair(client, api: Api) -> None:
    person = await api.register()
    answers = await asyncio.gather(*(refresh(client, person["refresh_token"]) for _ in range(5)))
    assert sorted(a.status for a in answers) == [200, 401, 401, 401, 401]


async def test_logout_revokes_the_refresh_token(client, api: Api) -> None:
    person = await api.register()
    out = await client.post("/api/v1/auth/logout", json={"refresh_token": person["refresh_token"]})
    assert out.status == 204
    assert (await refresh(client, person["refresh_token"])).status == 401
    again = await client.post(
        "/api/v1/auth/logout", json={"refresh_token": person["refresh_token"]}
    )
    assert again.status == 204


async def test_garbage_refresh_token_is_401(client) -> None:
    resp = await refresh(client, "not-a-token")
    assert resp.status == 401
    assert resp.content_type == "application/problem+json"
