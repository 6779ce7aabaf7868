"""Groups through the API: create, edit, delete, the directory and its filters."""

from __future__ import annotations

from tests.support.api import Api, make_group
from tests.support.statements import StatementCounter


async def test_create_makes_me_owner_and_counts_me(client, api: Api) -> None:
    ann = await api.register("Ann")
    group = await make_group(client, ann, max_members=5, lat=52.5, lon=13.4)
    assert group["owner_id"] == ann["user"]["id"]
    assert group["my_role"] == "owner"
    assert group["member_count"] == 1
    assert group["max_members"] == 5
    members = await (await client.get(f"/api/v1/groups/{group['id']}/members")).json()
    assert [(m["user_id"], m["role"]) for m in members["items"]] == [(ann["user"]["id"], "owner")]


async def test_create_validation(client, api: Api) -> None:
    ann = await api.register()
    cases = [
        ({"name": "x"}, "name"),
        ({"category": "knitting-circles"}, "category"),
        ({"visibility": "secret"}, "visibility"),
        ({"max_members": 0}, "max_members"),
        ({"lat": 95, "lon": 0}, "lat"),
        ({"lat": 10}, "body"),
        ({"description": "d" * 5001}, "description"),
    ]
    for change, field in cases:
        body = {"name": "Ok name", "category": "games", **change}
        resp = await client.post("/api/v1/groups", json=body, headers=ann["headers"])
        assert resp.status == 422, change
        assert field in [e["field"] for e in (await resp.json())["errors"]], change
    anonymous = await client.post("/api/v1/groups", json={"name": "Ok", "category": "games"})
    assert anonymous.status == 401


async def test_only_owner_and_admins_edit_only_owner_deletes(client, api: Api) -> None:
    ann, bob, cat = await api.register("Ann"), await api.register("Bob"), await api.register()
    group = await make_group(client, ann)
    url = f"/api/v1/groups/{group['id']}"
    for person in (bob, cat):
        await client.post(f"{url}/join", headers=person["headers"])
    assert (await client.patch(url, json={"name": "Nope"}, headers=bob["headers"])).status == 403
    promoted = await client.patch(
        f"{url}/members/{bob['user']['id']}", json={"role": "admin"}, headers=ann["headers"]
    )
    assert promoted.status == 200
    edited = await client.patch(url, json={"name": "Crag Rats Berlin"}, headers=bob["headers"])
    assert edited.status == 200
    assert (await edited.json())["name"] == "Crag Rats Berlin"
    assert (await client.delete(url, headers=bob["headers"])).status == 403
    assert (await client.delete(url, headers=ann["headers"])).status == 204
    assert (await client.get(url)).status == 404


async def test_max_members_cannot_drop_below_the_count(client, api: Api) -> None:
    ann, bob = await api.register(), await api.register()
    group = await make_group(client, ann)
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=bob["headers"])
    resp = await client.patch(
        f"/api/v1/groups/{group['id']}", json={"max_members": 1}, headers=ann["headers"]
    )
    assert resp.status == 409
    assert (await resp.json())["errors"][0]["field"] == "max_members"


async def test_directory_filters_and_pagination(client, api: Api) -> None:
    ann = await api.register()
    await make_group(
        client, ann, name="Chess Club", description="Blitz on Tuesdays", category="games"
    )
    await make_group(
        client, ann, name="Boulder Buddies", description="Indoor climbing", category="climbing"
    )
    await make_group(
        client,
        ann,
        name="Secret Climbers",
        description="climbing",
        category="climbing",
        visibility="private",
    )
    everyone = await (await client.get("/api/v1/groups")).json()
    assert [g["name"] for g in everyone["items"]] == ["Boulder Buddies", "Chess Club"]
    mine = await (await client.get("/api/v1/groups", headers=ann["headers"])).json()
    assert len(mine["items"]) == 3  # my private group is listed for me
    by_text = await (await client.get("/api/v1/groups?q=climb")).json()
    assert [g["name"] for g in by_text["items"]] == ["Boulder Buddies"]
    by_category = await (await client.get("/api/v1/groups?category=games")).json()
    assert [g["name"] for g in by_category["items"]] == ["Chess Club"]
    first = await (await client.get("/api/v1/groups?limit=1")).json()
    second = await (
        await client.get(f"/api/v1/groups?limit=1&cursor={first['next_cursor']}")
    ).json()
    assert [first["items"][0]["name"], second["items"][0]["name"]] == [
        "Boulder Buddies",
        "Chess Club",
    ]
    assert second["next_cursor"] is None


async def test_near_orders_by_distance_and_keeps_far_groups_out(client, api: Api) -> None:
    ann = await api.register()
    # Berlin centre, Potsdam (~27 km), Hamburg (~255 km); created far-first so that a
    # "newest first, then filter" bug would show.
    await make_group(client, ann, name="Hamburg", lat=53.5511, lon=9.9937)
    await make_group(client, ann, name="Potsdam", lat=52.3906, lon=13.0645)
    await make_group(client, ann, name="Mitte", lat=52.5200, lon=13.4050)
    await make_group(client, ann, name="Nowhere")
    resp = await client.get("/api/v1/groups?near=52.52,13.405&radius_km=50")
    items = (await resp.json())["items"]
    assert [g["name"] for g in items] == ["Mitte", "Potsdam"]
    assert items[0]["distance_km"] == 0
    assert 25 < items[1]["distance_km"] < 30
    page = await (await client.get("/api/v1/groups?near=52.52,13.405&radius_km=300&limit=2")).json()
    rest = await (
        await client.get(
            f"/api/v1/groups?near=52.52,13.405&radius_km=300&limit=2&cursor={page['next_cursor']}"
        )
    ).json()
    assert [g["name"] for g in page["items"] + rest["items"]] == ["Mitte", "Potsdam", "Hamburg"]


async def test_bad_queries_are_4xx(client) -> None:
    for query, status in [
        ("near=abc", 422),
        ("near=91,0", 422),
        ("near=0,181", 422),
        ("near=1,2&radius_km=501", 422),
        ("radius_km=5", 422),
        ("limit=0", 422),
        ("limit=101", 422),
        ("cursor=%%%", 400),
        ("cursor=e30", 400),
        ("category=nope", 422),
        ("q=%20!!", 422),
        ("bogus=1", 422),
    ]:
        resp = await client.get(f"/api/v1/groups?{query}")
        assert resp.status == status, (query, resp.status, await resp.text())


async def test_list_queries_are_free_of_n_plus_one(client, api: Api) -> None:
    ann = await api.register()
    await make_group(client, ann, name="Only one", lat=1.0, lon=1.0)
    app = client.server.app
    with StatementCounter(app) as few:
        await client.get("/api/v1/groups?near=1,1", headers=ann["headers"])
    for i in range(15):
        await make_group(client, ann, name=f"Group {i}", lat=1.0, lon=1.0 + i / 1000)
    with StatementCounter(app) as many:
        resp = await client.get("/api/v1/groups?near=1,1", headers=ann["headers"])
    assert len((await resp.json())["items"]) == 16
    assert many.count == few.count
    group_id = (await resp.json())["items"][0]["id"]
    with StatementCounter(app) as one_member:
        await client.get(f"/api/v1/groups/{group_id}/members")
    for _ in range(5):
        await client.post(
            f"/api/v1/groups/{group_id}/join", headers=(await api.register())["headers"]
        )
    with StatementCounter(app) as six_members:
        await client.get(f"/api/v1/groups/{group_id}/members")
    assert one_member.count == six_members.count


async def test_recommended_by_interests_and_home(client, api: Api) -> None:
    owner, me = await api.register("Owner"), await api.register("Me")
    near_and_liked = await make_group(
        client, owner, name="Berlin Climbers", category="climbing", lat=52.5, lon=13.4
    )
    await make_group(client, owner, name="Far Climbers", category="climbing", lat=40.0, lon=-3.7)
    await make_group(client, owner, name="Near Chess", category="games", lat=52.51, lon=13.41)
    await make_group(client, owner, name="Far Chess", category="games", lat=40.0, lon=-3.7)
    await make_group(
        client,
        owner,
        name="Hidden Climbers",
        category="climbing",
        visibility="private",
        lat=52.5,
        lon=13.4,
    )
    # owned by someone else: sharing a group with Owner would recommend all of theirs
    joined = await make_group(
        client, await api.register("Other"), name="Joined Climbers", category="climbing"
    )
    await client.post(f"/api/v1/groups/{joined['id']}/join", headers=me["headers"])
    empty = await (await client.get("/api/v1/groups/recommended", headers=me["headers"])).json()
    assert empty["items"] == []  # no interests, no home: nothing to go on
    await client.patch(
        "/api/v1/users/me",
        headers=me["headers"],
        json={"interests": ["Climbing"], "home_lat": 52.52, "home_lon": 13.405},
    )
    found = await (await client.get("/api/v1/groups/recommended", headers=me["headers"])).json()
    names = [g["name"] for g in found["items"]]
    assert names[0] == near_and_liked["name"]
    assert set(names) == {"Berlin Climbers", "Near Chess", "Far Climbers"}
    assert (await client.get("/api/v1/groups/recommended")).status == 401
