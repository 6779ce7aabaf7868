"""My profile and other people's, through the API; roles and bans apply at once."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.cli import admin_cli


async def test_patch_me_changes_only_what_was_sent(client, api: Api) -> None:
    person = await api.register("Ann")
    resp = await client.patch(
        "/api/v1/users/me",
        headers=person["headers"],
        json={
            "bio": "I climb",
            "interests": ["Climbing", "hiking", "climbing"],
            "home_lat": 52.52,
            "home_lon": 13.405,
        },
    )
    assert resp.status == 200
    me = await resp.json()
    assert me["display_name"] == "Ann"
    assert me["bio"] == "I climb"
    assert me["interests"] == ["climbing", "hiking"]
    assert (me["home_lat"], me["home_lon"]) == (52.52, 13.405)
    cleared = await client.patch(
        "/api/v1/users/me", headers=person["headers"], json={"home_lat": None, "home_lon": None}
    )
    assert (await cleared.json())["home_lat"] is None


async def test_patch_me_validation(client, api: Api) -> None:
    person = await api.register()
    cases = [
        ({"home_lat": 91, "home_lon": 0}, "home_lat"),
        ({"home_lat": 10}, "body"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": None}, "display_name"),
        ({"interests": ["x"] * 21}, "interests"),
        ({"email": "new@example.com"}, "email"),
    ]
    for body, field in cases:
        resp = await client.patch("/api/v1/users/me", headers=person["headers"], json=body)
        assert resp.status == 422, body
        fields = [e["field"] for e in (await resp.json())["errors"]]
        assert field in fields, (body, fields)


async def test_public_profile_hides_private_fields(client, api: Api) -> None:
    ann = await api.register("Ann")
    bob = await api.register("Bob")
    resp = await client.get(f"/api/v1/users/{ann['user']['id']}", headers=bob["headers"])
    assert resp.status == 200
    profile = await resp.json()
    assert profile["display_name"] == "Ann"
    assert not {"email", "role", "home_lat", "home_lon"} & profile.keys()
    assert (await client.get("/api/v1/users/999999", headers=bob["headers"])).status == 404
    assert (
        await client.get("/api/v1/users/99999999999999999999", headers=bob["headers"])
    ).status == 404
    assert (await client.get(f"/api/v1/users/{ann['user']['id']}")).status == 401


async def test_delete_me_erases_personal_data(client, api: Api) -> None:
    ann = await api.register("Ann")
    bob = await api.register("Bob")
    await client.patch("/api/v1/users/me", headers=ann["headers"], json={"bio": "secret"})
    assert (await client.delete("/api/v1/users/me", headers=ann["headers"])).status == 204
    assert (await client.get("/api/v1/users/me", headers=ann["headers"])).status == 401
    assert (
        await client.get(f"/api/v1/users/{ann['user']['id']}", headers=bob["headers"])
    ).status == 404
    login = await client.post(
        "/api/v1/auth/login", json={"email": ann["email"], "password": ann["password"]}
    )
    assert login.status == 401
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": ann["refresh_token"]}
    )
    assert refreshed.status == 401
    # The address is free again for a new account.
    again = await client.post(
        "/api/v1/auth/register",
        json={"email": ann["email"], "password": "0123456789", "display_name": "Ann again"},
    )
    assert again.status == 201


async def test_ban_applies_to_the_next_request_not_at_token_expiry(
    client, api: Api, settings
) -> None:
    person = await api.register()
    assert (await client.get("/api/v1/users/me", headers=person["headers"])).status == 200
    result = await admin_cli(settings, "bans", "add", str(person["user"]["id"]), "--reason", "spam")
    assert result.exit_code == 0, result.output
    blocked = await client.get("/api/v1/users/me", headers=person["headers"])
    assert blocked.status == 403
    login = await client.post(
        "/api/v1/auth/login", json={"email": person["email"], "password": person["password"]}
    )
    assert login.status == 403
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": person["refresh_token"]}
    )
    assert refreshed.status == 401  # the ban revoked it
    assert (await admin_cli(settings, "bans", "remove", person["email"])).exit_code == 0
    login = await client.post(
        "/api/v1/auth/login", json={"email": person["email"], "password": person["password"]}
    )
    assert login.status == 200


async def test_role_change_shows_on_the_next_request(client, api: Api, settings) -> None:
    person = await api.register()
    result = await admin_cli(settings, "users", "promote", person["email"], "--role", "moderator")
    assert result.exit_code == 0, result.output
    me = await (await client.get("/api/v1/users/me", headers=person["headers"])).json()
    assert me["role"] == "moderator"


async def test_my_profile_turns_callers_away_as_every_signed_in_route_does(
    client, api: Api, settings
) -> None:
    """GET /users/me checks its caller with its own read of the account (one read, not
    two): its 401 and 403 answers are those of a route the edge checks the caller for."""

    async def answers(headers: dict[str, str]) -> list[tuple[int, dict]]:
        found = []
        for path in ("/api/v1/users/me", "/api/v1/notifications"):
            resp = await client.get(path, headers=headers)
            body = await resp.json()
            body.pop("request_id", None)
            body.pop("instance", None)
            found.append((resp.status, body))
        return found

    nobody = await answers({})
    assert nobody[0][0] == 401 and nobody[0] == nobody[1]
    forged = await answers({"Authorization": "Bearer not.a.token"})
    assert forged[0][0] == 401 and forged[0] == forged[1]
    banned = await api.register("Ben")
    await admin_cli(settings, "bans", "add", str(banned["user"]["id"]), "--reason", "spam")
    refused = await answers(banned["headers"])
    assert refused[0][0] == 403 and refused[0] == refused[1]
    gone = await api.register("Gus")
    assert (await client.delete("/api/v1/users/me", headers=gone["headers"])).status == 204
    deleted = await answers(gone["headers"])
    assert deleted[0][0] == 401 and deleted[0] == deleted[1]
    assert deleted[0][1] != nobody[0][1]  # "this account no longer exists"
