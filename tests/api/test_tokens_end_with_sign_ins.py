"""When every sign-in of a person ends (password change or reset), the access tokens
already handed out stop working too: a leaked token must not outlive the password change
meant to stop it. Tokens issued after it work."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.support.api import PASSWORD, Api
from tests.support.mail import reset_tokens
from tests.support.ws import closed_with, connect

NEW_PASSWORD = "a brand new secret"


async def _me(client: TestClient, headers: dict[str, str]) -> tuple[int, str]:
    resp = await client.get("/api/v1/users/me", headers=headers)
    return resp.status, await resp.text()


async def _login(client: TestClient, email: str, password: str) -> dict[str, str]:
    resp = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert resp.status == 200, await resp.text()
    return {"Authorization": f"Bearer {(await resp.json())['access_token']}"}


async def test_a_password_change_voids_every_access_token_issued_before(
    client: TestClient, api: Api
) -> None:
    ann = await api.register("Ann")
    other_device = await _login(client, ann["email"], PASSWORD)
    # No pause: tokens are voided to the millisecond, so one issued in the same second as
    # the change (a thief refreshing in a loop) is refused too.
    changed = await client.post(
        "/api/v1/users/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=ann["headers"],
    )
    assert changed.status == 204, await changed.text()
    for headers in (ann["headers"], other_device):
        status, body = await _me(client, headers)
        assert status == 401 and "sign in again" in body, body
        made = await client.post("/api/v1/groups", json={"name": "Mine"}, headers=headers)
        assert made.status == 401
        gone = await client.delete("/api/v1/users/me", headers=headers)
        assert gone.status == 401
        # one event's read checks its caller in the same statement (no such event here)
        event = await client.get("/api/v1/events/999999", headers=headers)
        assert event.status == 401 and "sign in again" in await event.text()
    ws = await connect(client, ann)
    assert await closed_with(ws) == 4401

    fresh = await _login(client, ann["email"], NEW_PASSWORD)  # issued after: accepted
    assert (await _me(client, fresh))[0] == 200


async def test_a_password_reset_voids_the_access_tokens_too(client: TestClient, api: Api) -> None:
    ben = await api.register("Ben")
    assert (await _me(client, ben["headers"]))[0] == 200
    asked = await client.post("/api/v1/auth/password-reset", json={"email": ben["email"]})
    assert asked.status == 202
    [token] = await reset_tokens(client.app)
    done = await client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert done.status == 204
    assert (await _me(client, ben["headers"]))[0] == 401
    assert (await _me(client, await _login(client, ben["email"], NEW_PASSWORD)))[0] == 200
