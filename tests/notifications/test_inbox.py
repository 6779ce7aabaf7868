"""Notifications through the REST API: who hears of what, reading, preferences, and
mail only to confirmed addresses. Runs on both stacks (in-process bus; RabbitMQ)."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.support.api import Api, make_event, make_group, rsvp
from tests.support.bus import settle
from tests.support.mail import body_of, links_in_mail, mail_to
from tests.support.ws import connect, of_type, wait_for


async def post_in(client: TestClient, author: dict[str, Any], group: dict[str, Any]) -> None:
    resp = await client.post(
        f"/api/v1/groups/{group['id']}/posts",
        json={"title": "Rope check", "body": "Bring your own harness"},
        headers=author["headers"],
    )
    assert resp.status == 201, await resp.text()


async def inbox(client: TestClient, person: dict[str, Any], query: str = "") -> dict[str, Any]:
    resp = await client.get(f"/api/v1/notifications{query}", headers=person["headers"])
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    return body


async def unread(client: TestClient, person: dict[str, Any]) -> int:
    resp = await client.get("/api/v1/notifications/unread-count", headers=person["headers"])
    assert resp.status == 200
    return int((await resp.json())["count"])


async def join(client: TestClient, person: dict[str, Any], group: dict[str, Any]) -> None:
    resp = await client.post(f"/api/v1/groups/{group['id']}/join", headers=person["headers"])
    assert resp.status == 200, await resp.text()


async def verify(client: TestClient, person: dict[str, Any]) -> None:
    """Follow the confirmation link mailed on registration."""
    await settle(client.app)
    mails = await mail_to(client.app, person["email"])
    tokens = await links_in_mail(client.app, "/verify-email")
    mine = [t for t in tokens if any(t in body_of(m) for m in mails)]
    assert mine, f"no confirmation link mailed to {person['email']}"
    resp = await client.post("/api/v1/auth/verify-email", json={"token": mine[-1]})
    assert resp.status == 204, await resp.text()


async def test_a_post_notifies_the_other_members_not_its_author(client: TestClient) -> None:
    api = Api(client)
    owner, member, outsider = await api.register(), await api.register(), await api.register()
    group = await make_group(client, owner)
    await join(client, member, group)
    await post_in(client, owner, group)
    await settle(client.app)

    got = await inbox(client, member)
    assert [n["kind"] for n in got["items"]] == ["new_post"]
    assert "Rope check" in got["items"][0]["text"]
    assert got["items"][0]["read"] is False
    assert await unread(client, member) == 1
    assert (await inbox(client, owner))["items"] == []
    assert (await inbox(client, outsider))["items"] == []


async def test_reading_marks_only_my_own(client: TestClient) -> None:
    api = Api(client)
    owner, a, b = await api.register(), await api.register(), await api.register()
    group = await make_group(client, owner)
    await join(client, a, group)
    await join(client, b, group)
    for _ in range(3):
        await post_in(client, owner, group)
    await settle(client.app)
    a_ids = [n["id"] for n in (await inbox(client, a))["items"]]
    b_ids = [n["id"] for n in (await inbox(client, b))["items"]]
    assert len(a_ids) == len(b_ids) == 3

    # b names a's notifications: nothing of a's changes, and nothing of b's either.
    resp = await client.post(
        "/api/v1/notifications/read", json={"ids": a_ids}, headers=b["headers"]
    )
    assert resp.status == 204
    assert await unread(client, a) == 3
    assert await unread(client, b) == 3

    resp = await client.post(
        "/api/v1/notifications/read", json={"ids": a_ids[:1]}, headers=a["headers"]
    )
    assert resp.status == 204
    assert await unread(client, a) == 2
    assert [n["id"] for n in (await inbox(client, a, "?unread=true"))["items"]] == a_ids[1:]

    resp = await client.post("/api/v1/notifications/read", json={"all": True}, headers=a["headers"])
    assert resp.status == 204
    assert await unread(client, a) == 0


async def test_the_inbox_pages_without_gaps_or_doubles(client: TestClient) -> None:
    api = Api(client)
    owner, member = await api.register(), await api.register()
    group = await make_group(client, owner)
    await join(client, member, group)
    for _ in range(5):
        await post_in(client, owner, group)
    await settle(client.app)
    seen: list[int] = []
    query = "?limit=2"
    while True:
        page = await inbox(client, member, query)
        seen += [n["id"] for n in page["items"]]
        if not page["next_cursor"]:
            break
        query = f"?limit=2&cursor={page['next_cursor']}"
    assert len(seen) == 5
    assert seen == sorted(seen, reverse=True)


async def test_bad_reads_and_settings_are_4xx(client: TestClient) -> None:
    person = await Api(client).register()
    h = person["headers"]
    for body in ({}, {"ids": [1], "all": True}, {"ids": "1"}, {"ids": [0]}, {"all": "maybe"}):
        resp = await client.post("/api/v1/notifications/read", json=body, headers=h)
        assert resp.status == 422, (body, await resp.text())
    resp = await client.get("/api/v1/notifications?cursor=garbage", headers=h)
    assert resp.status == 400
    resp = await client.put(
        "/api/v1/users/me/notification-settings",
        json={"no_such_kind": {"in_app": True, "email": True, "push": True}},
        headers=h,
    )
    assert resp.status == 422
    assert (await client.get("/api/v1/notifications")).status == 401


async def test_turning_a_kind_off_in_the_app_stops_it(client: TestClient) -> None:
    api = Api(client)
    owner, member = await api.register(), await api.register()
    group = await make_group(client, owner)
    await join(client, member, group)
    resp = await client.put(
        "/api/v1/users/me/notification-settings",
        json={"new_post": {"in_app": False, "email": False, "push": False}},
        headers=member["headers"],
    )
    assert resp.status == 200, await resp.text()
    saved = await (
        await client.get("/api/v1/users/me/notification-settings", headers=member["headers"])
    ).json()
    assert saved["new_post"] == {"in_app": False, "email": False, "push": False}
    assert saved["promoted"]["in_app"] is True  # the others keep their defaults
    await post_in(client, owner, group)
    await settle(client.app)
    assert (await inbox(client, member))["items"] == []


async def test_promotion_is_mailed_to_confirmed_addresses_only(client: TestClient) -> None:
    api = Api(client)
    owner, first, confirmed, unconfirmed = [await api.register() for _ in range(4)]
    await verify(client, confirmed)
    group = await make_group(client, owner)
    for person in (first, confirmed, unconfirmed):
        await join(client, person, group)
    event = await make_event(client, owner, group["id"], capacity=1)
    assert (await rsvp(client, event, first))[0] in (200, 201)
    await rsvp(client, event, confirmed)
    await rsvp(client, event, unconfirmed)
    # The seat frees: the first on the waitlist (confirmed) moves up and is told so.
    resp = await client.delete(f"/api/v1/events/{event['id']}/rsvp", headers=first["headers"])
    assert resp.status == 204, await resp.text()
    await settle(client.app)

    kinds = [n["kind"] for n in (await inbox(client, confirmed))["items"]]
    assert "promoted" in kinds
    mails = [
        m
        for m in await mail_to(client.app, confirmed["email"])
        if "/verify-email?token=" not in body_of(m)
    ]
    assert len(mails) == 1, [m["Subject"] for m in mails]
    assert "Bouldering night" in body_of(mails[0])
    assert mails[0]["List-Unsubscribe"], "every notification mail offers one-click unsubscribe"
    # Someone who never confirmed their address gets nothing but the confirmation mail.
    others = await mail_to(client.app, unconfirmed["email"])
    assert all("/verify-email?token=" in body_of(m) for m in others)


async def test_new_notifications_reach_open_sockets_live(client: TestClient) -> None:
    api = Api(client)
    owner, member, outsider = await api.register(), await api.register(), await api.register()
    group = await make_group(client, owner)
    await join(client, member, group)
    member_ws = await connect(client, member)
    outsider_ws = await connect(client, outsider)
    try:
        await post_in(client, owner, group)
        frame = await wait_for(member_ws, of_type("notification"), within=15)
        assert frame["unread"] == 1
        await post_in(client, owner, group)
        frame = await wait_for(member_ws, of_type("notification"), within=15)
        assert frame["unread"] == 2
        await settle(client.app)
        with pytest.raises(TimeoutError):
            await wait_for(outsider_ws, of_type("notification"), within=0.5)
    finally:
        await member_ws.close()
        await outsider_ws.close()
