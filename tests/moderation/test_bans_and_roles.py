"""Bans and roles over HTTP: moderators ban, only admins touch admins and roles, and the
last admin is protected on every face (API, CLI, account deletion)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from tests.moderation.helpers import audit_rows, report, resolve, staff, with_role, world
from tests.support.api import Api, future
from tests.support.cli import run_admin


async def _ban(
    client: TestClient, who: dict[str, Any], user_id: int, **extra: Any
) -> tuple[int, Any]:
    resp = await client.post(
        "/api/v1/moderation/bans",
        json={"user_id": user_id, "reason": "abuse", **extra},
        headers=who["headers"],
    )
    return resp.status, await resp.json()


async def _set_role(
    client: TestClient, who: dict[str, Any], user_id: int, role: str
) -> tuple[int, Any]:
    resp = await client.put(
        f"/api/v1/moderation/users/{user_id}/role", json={"role": role}, headers=who["headers"]
    )
    return resp.status, await resp.json()


async def test_a_moderator_bans_and_unbans_and_it_applies_at_once(
    client: TestClient, api: Api, settings
) -> None:
    _, moderator = await staff(settings, api)
    person = await api.register()
    me = await client.get("/api/v1/users/me", headers=person["headers"])
    assert me.status == 200
    status, body = await _ban(client, moderator, person["user"]["id"], expires_at=future(48))
    assert status == 201, body
    assert body["user_id"] == person["user"]["id"] and body["expires_at"]
    assert (await client.get("/api/v1/users/me", headers=person["headers"])).status == 403
    resp = await client.delete(
        f"/api/v1/moderation/bans/{person['user']['id']}", headers=moderator["headers"]
    )
    assert resp.status == 204
    # The ban ended every sign-in, the access token held then included: lifting it does
    # not bring them back (a black-box trial's find); signing in again does.
    stale = await client.get("/api/v1/users/me", headers=person["headers"])
    assert stale.status == 401, await stale.text()
    assert "sign in again" in (await stale.json())["detail"]
    login = await client.post(
        "/api/v1/auth/login", json={"email": person["email"], "password": person["password"]}
    )
    assert login.status == 200, await login.text()
    fresh = {"Authorization": f"Bearer {(await login.json())['access_token']}"}
    assert (await client.get("/api/v1/users/me", headers=fresh)).status == 200
    resp = await client.delete(
        f"/api/v1/moderation/bans/{person['user']['id']}", headers=moderator["headers"]
    )
    assert resp.status == 409  # not banned any more
    rows = await audit_rows(
        client, moderator, f"?target_type=user&target_id={person['user']['id']}"
    )
    assert [(r["action"], r["face"], r["actor_id"]) for r in rows] == [
        ("user.unban", "api", moderator["user"]["id"]),
        ("user.ban", "api", moderator["user"]["id"]),
    ]
    assert rows[1]["reason"] == "abuse"


async def test_banning_someone_banned_replaces_the_ban_and_says_so(
    client: TestClient, api: Api, settings
) -> None:
    _, moderator = await staff(settings, api)
    person = await api.register()
    status, first = await _ban(client, moderator, person["user"]["id"], expires_at=future(48))
    assert status == 201 and first["replaced"] is None, first
    status, second = await _ban(client, moderator, person["user"]["id"], reason="worse")
    assert status == 201, second
    assert (second["expires_at"], second["reason"]) == (None, "worse")  # now for good
    assert second["replaced"] == {
        "banned_at": first["banned_at"],
        "expires_at": first["expires_at"],
        "reason": "abuse",
    }
    rows = await audit_rows(
        client, moderator, f"?target_type=user&target_id={person['user']['id']}"
    )
    assert rows[0]["detail"]["replaces"]["reason"] == "abuse", rows[0]
    assert "replaces" not in rows[1]["detail"]
    code, out, err = await run_admin(
        settings, "bans", "add", str(person["user"]["id"]), "--reason", "x", "--days", "2"
    )
    assert code == 0, err
    assert "banned until" in out and "replaces the ban in force for good: worse" in out, out


async def test_ban_permissions(client: TestClient, api: Api, settings) -> None:
    admin, moderator = await staff(settings, api)
    person, other = await api.register(), await api.register()
    # A plain user cannot ban.
    assert (await _ban(client, person, other["user"]["id"]))[0] == 403
    # A moderator cannot ban an admin, nor themselves.
    assert (await _ban(client, moderator, admin["user"]["id"]))[0] == 403
    assert (await _ban(client, moderator, moderator["user"]["id"]))[0] == 403
    # Nobody bans themselves (the last admin via the console: see the next test).
    assert (await _ban(client, admin, admin["user"]["id"]))[0] == 403
    second = await with_role(settings, await api.register("Second"), "admin")
    status, body = await _ban(client, admin, second["user"]["id"])
    assert status == 201, body
    # A banned admin can do nothing at all.
    assert (await _ban(client, second, admin["user"]["id"]))[0] == 403
    # Bad input is 4xx.
    for bad in (
        {"user_id": 999_999, "reason": "x"},
        {"user_id": other["user"]["id"], "reason": ""},
        {"user_id": other["user"]["id"], "reason": "x", "expires_at": "yesterday"},
        {"user_id": other["user"]["id"], "reason": "x", "expires_at": "2001-01-01T00:00:00Z"},
        {"user_id": "x", "reason": "x"},
    ):
        resp = await client.post("/api/v1/moderation/bans", json=bad, headers=admin["headers"])
        assert resp.status in (404, 422), (bad, resp.status)


async def test_the_last_admin_is_protected_everywhere(
    client: TestClient, api: Api, settings
) -> None:
    admin = await with_role(settings, await api.register("Only admin"), "admin")
    admin_id = admin["user"]["id"]
    status, body = await _set_role(client, admin, admin_id, "user")
    assert status == 409 and "last admin" in body["detail"]
    code, _, err = await run_admin(settings, "users", "demote", str(admin_id))
    assert code == 1 and "last admin" in err and len(err.strip().splitlines()) == 1
    code, _, err = await run_admin(settings, "bans", "add", str(admin_id), "--reason", "x")
    assert code == 1 and "last admin" in err
    resp = await client.delete("/api/v1/users/me", headers=admin["headers"])
    assert resp.status == 409
    assert (await client.get("/api/v1/users/me", headers=admin["headers"])).status == 200
    # With a second admin, the first may step down.
    second = await with_role(settings, await api.register("Second"), "admin")
    assert (await _set_role(client, admin, admin_id, "moderator"))[0] == 200
    assert (await _set_role(client, second, second["user"]["id"], "user"))[0] == 409


async def test_only_admins_change_roles(client: TestClient, api: Api, settings) -> None:
    admin, moderator = await staff(settings, api)
    person = await api.register()
    pid = person["user"]["id"]
    assert (await _set_role(client, person, pid, "moderator"))[0] == 403
    assert (await _set_role(client, moderator, pid, "moderator"))[0] == 403
    assert (await _set_role(client, moderator, moderator["user"]["id"], "admin"))[0] == 403
    status, body = await _set_role(client, admin, pid, "moderator")
    assert status == 200 and body == {"user_id": pid, "role": "moderator"}
    # The new role applies on the next request: the queue opens.
    assert (await client.get("/api/v1/moderation/reports", headers=person["headers"])).status == 200
    assert (await _set_role(client, admin, pid, "user"))[0] == 200
    assert (await client.get("/api/v1/moderation/reports", headers=person["headers"])).status == 403
    assert (await _set_role(client, admin, pid, "emperor"))[0] == 422
    assert (await _set_role(client, admin, 999_999, "user"))[0] == 404
    rows = await audit_rows(client, admin, "?action=user.role")
    assert [r["detail"] for r in rows[:2]] == [
        {"from": "moderator", "to": "user"},
        {"from": "user", "to": "moderator"},
    ]


async def test_ban_user_resolution_bans_the_author(client: TestClient, api: Api, settings) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    created = (await report(client, w["owner"], "comment", w["comment"]["id"]))[1]
    status, body = await resolve(client, moderator, created["id"], "ban_user", "repeat spam")
    assert status == 200, body
    assert (await client.get("/api/v1/users/me", headers=w["member"]["headers"])).status == 403
    rows = await audit_rows(client, moderator)
    assert [r["action"] for r in rows[:2]] == ["report.resolve", "user.ban"]
    assert rows[1]["target_id"] == w["member"]["user"]["id"]
    assert rows[1]["detail"]["report_id"] == created["id"]


async def test_a_ban_for_good_gives_the_persons_seats_to_the_waitlist(
    client: TestClient, api: Api, settings
) -> None:
    """A permanently banned person held a seat the waitlist waited for (a black-box
    trial). A ban with an end keeps the places: the person may come back in time."""
    from tests.support.api import make_event, make_group, rsvp

    async def my_status(event: dict[str, Any], person: dict[str, Any]) -> str:
        resp = await client.get(f"/api/v1/events/{event['id']}", headers=person["headers"])
        return str(((await resp.json())["my_rsvp"] or {}).get("status"))

    _, moderator = await staff(settings, api)
    owner, troll, ann, bob = [await api.register() for _ in range(4)]
    group = await make_group(client, owner)
    hut = await make_event(client, owner, group["id"], capacity=1)
    hall = await make_event(client, owner, group["id"], capacity=1)
    for event in (hut, hall):
        assert (await rsvp(client, event, troll))[0] == 200
    assert (await rsvp(client, hut, ann))[1]["status"] == "waitlisted"
    assert (await rsvp(client, hall, bob))[1]["status"] == "waitlisted"
    status, _ = await _ban(client, moderator, troll["user"]["id"], expires_at=future(48))
    assert status == 201
    assert await my_status(hut, ann) == "waitlisted"
    status, _ = await _ban(client, moderator, troll["user"]["id"])  # now for good
    assert status == 201
    for event, person in ((hut, ann), (hall, bob)):
        assert await my_status(event, person) == "going"


async def test_an_admin_deleting_their_account_while_demoted_is_never_a_5xx(
    client: TestClient, api: Api, settings
) -> None:
    """Deleting one's account and being demoted at the same moment took the admins' rows
    in opposite orders: PostgreSQL found a deadlock and one of the two answered 503 (a
    black-box trial, 3 times in 4). Both now lock the admins first, by id."""
    for _ in range(4):
        x = await with_role(settings, await api.register("X"), "admin")
        y = await with_role(settings, await api.register("Y"), "admin")
        demoted, deleted = await asyncio.gather(
            client.put(
                f"/api/v1/moderation/users/{y['user']['id']}/role",
                json={"role": "user"},
                headers=x["headers"],
            ),
            client.delete("/api/v1/users/me", headers=y["headers"]),
        )
        assert deleted.status == 204, await deleted.text()
        # Demoted first (200), or the account was gone by then (404).
        assert demoted.status in (200, 404), await demoted.text()
        me = await client.get("/api/v1/users/me", headers=x["headers"])
        assert (await me.json())["role"] == "admin"
