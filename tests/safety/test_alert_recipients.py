"""Who an alert reaches, exactly: the author's groups (or the named ones) and people going
to an event near the point that is on now or starts within the hour; never the author,
outsiders, people merely interested, or banned people. And it arrives live."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.safety.world import (
    FAR,
    NEAR,
    alerts_of,
    crew,
    event_at,
    join,
    later,
    raise_alert,
    received,
)
from tests.support.api import Api, make_group, rsvp
from tests.support.bus import settle
from tests.support.cli import admin_cli
from tests.support.ws import connect, of_type, wait_for


async def test_members_and_nearby_attendees_receive_it_nobody_else(
    client: TestClient, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await crew(client, api)
    author, member, organiser, hikers = (
        world["author"],
        world["member"],
        world["organiser"],
        world["hikers"],
    )
    on_now = await event_at(client, organiser, hikers, NEAR, starts_in_hours=2)
    soon = await event_at(client, organiser, hikers, NEAR, starts_in_hours=2.5)
    far = await event_at(client, organiser, hikers, FAR, starts_in_hours=2)
    next_week = await event_at(client, organiser, hikers, NEAR, starts_in_hours=24 * 7)
    going_now, going_soon, going_far, going_later, curious, outsider = [
        await api.register(name)
        for name in ("Going now", "Going soon", "Going far", "Going later", "Curious", "Outsider")
    ]
    for person, event, status in (
        (going_now, on_now, "going"),
        (going_soon, soon, "going"),
        (going_far, far, "going"),
        (going_later, next_week, "going"),
        (curious, on_now, "interested"),
    ):
        assert (await rsvp(client, event, person, status))[0] == 200
    # Two hours on: `on_now` has started, `soon` starts in half an hour.
    later(monkeypatch, 2)
    alert = await raise_alert(client, author)
    assert alert["recipient_count"] == 3
    assert alert["my_role"] == "author"
    assert alert["severity"] == "emergency"
    for person in (member, going_now, going_soon):
        assert await received(client, person, alert), person["user"]["display_name"]
    for person in (going_far, going_later, curious, outsider, organiser):
        assert not await received(client, person, alert), person["user"]["display_name"]
    # The author sees it as theirs, not as received.
    assert await alerts_of(client, author) == [alert["id"]]


async def test_named_groups_only_and_they_must_be_mine(client: TestClient, api: Api) -> None:
    world = await crew(client, api)
    author, member, group = world["author"], world["member"], world["group"]
    other = await make_group(client, author, name="Board games")
    gamer = await api.register("Gamer")
    await join(client, gamer, other)
    alert = await raise_alert(client, author, group_ids=[other["id"]])
    assert alert["group_ids"] == [other["id"]]
    assert await received(client, gamer, alert)
    assert not await received(client, member, alert)
    # Everyone else's groups: a public one I am not in is forbidden, a private one (or
    # one that does not exist) is not found, with the same answer.
    stranger = await api.register("Stranger")
    public = await make_group(client, stranger, name="Open")
    private = await make_group(client, stranger, name="Closed", visibility="private")
    await raise_alert(client, author, status=403, group_ids=[public["id"]])
    hidden = await raise_alert(client, author, status=404, group_ids=[private["id"]])
    missing = await raise_alert(client, author, status=404, group_ids=[999_999])
    assert hidden["title"] == missing["title"]
    assert hidden["detail"].replace(str(private["id"]), "N") == missing["detail"].replace(
        "999999", "N"
    )
    # Nothing was raised by the refused attempts.
    assert await alerts_of(client, member) == []
    assert group["id"] not in alert["group_ids"]


async def test_banned_people_are_left_out(client: TestClient, api: Api, settings: Any) -> None:
    world = await crew(client, api)
    author, member, group = world["author"], world["member"], world["group"]
    banned = await api.register("Banned")
    await join(client, banned, group)
    result = await admin_cli(settings, "bans", "add", str(banned["user"]["id"]), "--reason", "x")
    assert result.exit_code == 0, result.output
    alert = await raise_alert(client, author)
    assert alert["recipient_count"] == 1
    assert await received(client, member, alert)


async def test_a_person_without_a_group_cannot_raise_one(client: TestClient, api: Api) -> None:
    loner = await api.register("Loner")
    answer = await raise_alert(client, loner, status=403)
    assert "group" in answer["detail"]


async def test_it_arrives_live_and_as_a_notification(client: TestClient, api: Api) -> None:
    world = await crew(client, api)
    author, member, group = world["author"], world["member"], world["group"]
    hers, mine = await connect(client, member), await connect(client, author)
    alert = await raise_alert(client, author, message="Storm coming, get off the ridge")
    frame = await wait_for(hers, of_type("safety_alert", id=alert["id"]))
    assert frame["status"] == "open"
    assert frame["message"] == "Storm coming, get off the ridge"
    assert frame["severity"] == "emergency"
    assert frame["author"] == {"id": author["user"]["id"], "display_name": "Author"}
    assert (frame["lat"], frame["lon"]) == (alert["lat"], alert["lon"])
    await settle(client.app)
    inbox = await (await client.get("/api/v1/notifications", headers=member["headers"])).json()
    kinds = [(n["kind"], n["url"]) for n in inbox["items"]]
    assert ("safety_alert", f"/safety/alerts/{alert['id']}") in kinds
    # The resolution goes live too, and is notified.
    resp = await client.post(
        f"/api/v1/safety/alerts/{alert['id']}/resolve",
        json={"note": "Everyone is down safe"},
        headers=author["headers"],
    )
    assert resp.status == 200, await resp.text()
    done = await wait_for(hers, of_type("safety_alert", id=alert["id"], status="resolved"))
    assert done["resolution_note"] == "Everyone is down safe"
    await settle(client.app)
    inbox = await (await client.get("/api/v1/notifications", headers=member["headers"])).json()
    texts = [n["text"] for n in inbox["items"] if n["kind"] == "safety_alert"]
    assert any("resolved" in t for t in texts), texts
    # The author's own socket never got their alert.
    await mine.send_json({"type": "ping"})
    pong = await wait_for(mine, lambda f: f["type"] in ("pong", "safety_alert"))
    assert pong["type"] == "pong"
    assert group["id"] in alert["group_ids"]


async def test_people_outside_a_private_group_do_not_learn_its_id(
    client: TestClient, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone reached through a nearby event read the ids of the author's private
    groups in `group_ids` (a black-box trial); members and the author see them."""
    world = await crew(client, api)
    author, member = world["author"], world["member"]
    secret = await make_group(client, author, name="Night watch", visibility="private")
    on_now = await event_at(client, world["organiser"], world["hikers"], NEAR, starts_in_hours=2)
    passer_by = await api.register("Passer-by")
    assert (await rsvp(client, on_now, passer_by))[0] == 200
    later(monkeypatch, 2)
    alert = await raise_alert(client, author, group_ids=[world["group"]["id"], secret["id"]])
    assert sorted(alert["group_ids"]) == sorted([world["group"]["id"], secret["id"]])
    seen = {}
    for person in (passer_by, member):
        one = await client.get(f"/api/v1/safety/alerts/{alert['id']}", headers=person["headers"])
        listed = await client.get("/api/v1/safety/alerts", headers=person["headers"])
        items = [a for a in (await listed.json())["items"] if a["id"] == alert["id"]]
        assert [a["group_ids"] for a in items] == [(await one.json())["group_ids"]]
        seen[person["user"]["display_name"]] = (await one.json())["group_ids"]
    assert seen["Passer-by"] == [world["group"]["id"]]  # the public group only
    assert seen["Member"] == [world["group"]["id"]]  # not a member of the private one
