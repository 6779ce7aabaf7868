"""Recommended groups and events: ranked for me, never what I already have, with a reason."""

from __future__ import annotations

from tests.support.api import Api, make_event, make_group, rsvp


async def _get(client, path: str, who) -> list[dict]:
    resp = await client.get(path, headers=who["headers"])
    assert resp.status == 200, await resp.text()
    return (await resp.json())["items"]


async def test_groups_by_people_i_share_groups_with(client, api: Api) -> None:
    owner, me, friend = [await api.register(n) for n in ("Owner", "Me", "Friend")]
    crew = await make_group(client, owner, name="Boulder Crew", category="climbing")
    other = await make_group(client, owner, name="Board Gamers", category="games")
    await make_group(client, owner, name="Knitters", category="arts")  # only the owner
    stranger = await api.register("Stranger")
    await make_group(client, stranger, name="Strangers", category="arts")
    for person in (me, friend):
        await client.post(f"/api/v1/groups/{crew['id']}/join", headers=person["headers"])
    await client.post(f"/api/v1/groups/{other['id']}/join", headers=friend["headers"])
    found = await _get(client, "/api/v1/groups/recommended", me)
    assert [g["name"] for g in found] == ["Board Gamers", "Knitters"]
    assert found[0]["reason"] == "2 people from Boulder Crew are members"
    assert found[1]["reason"] == "1 person from Boulder Crew is a member"


async def test_groups_by_interest_and_distance_with_reasons(client, api: Api) -> None:
    owner, me = await api.register("Owner"), await api.register("Me")
    await make_group(client, owner, name="Near Climbers", category="climbing", lat=52.52, lon=13.42)
    await make_group(client, owner, name="Far Climbers", category="climbing", lat=40.0, lon=-3.7)
    await client.patch(
        "/api/v1/users/me",
        headers=me["headers"],
        json={"interests": ["Climbing"], "home_lat": 52.52, "home_lon": 13.405},
    )
    found = await _get(client, "/api/v1/groups/recommended", me)
    assert [g["name"] for g in found] == ["Near Climbers", "Far Climbers"]
    assert found[0]["reason"] == "matches climbing, 1 km away"
    assert found[1]["reason"] == "matches climbing"


async def test_events_exclude_mine_and_explain(client, api: Api) -> None:
    owner, me = await api.register("Owner"), await api.register("Me")
    group = await make_group(client, owner, name="Trail Runners", category="sports")
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=me["headers"])
    going = await make_event(client, owner, group["id"], title="Already going")
    await make_event(client, owner, group["id"], title="Sunday run")
    hidden = await make_group(client, owner, name="Secret", visibility="private")
    await make_event(client, owner, hidden["id"], title="Hidden run")
    assert (await rsvp(client, going, me))[0] in (200, 201)
    found = await _get(client, "/api/v1/events/recommended", me)
    assert [e["title"] for e in found] == ["Sunday run"]
    assert found[0]["reason"].startswith("in Trail Runners")
    assert (await client.get("/api/v1/events/recommended")).status == 401
    assert (await client.get("/api/v1/groups/recommended")).status == 401
