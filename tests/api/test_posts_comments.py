"""Posts and comments: who writes, edits and deletes; limits; order; counters."""

from __future__ import annotations

import asyncio

from crewup.app import create_app
from tests.support.api import Api, make_group
from tests.support.cli import admin_cli


async def setup_group(client, api: Api):
    owner, member, outsider = (
        await api.register("Owner"),
        await api.register("Mem"),
        await api.register("Out"),
    )
    group = await make_group(client, owner)
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=member["headers"])
    return owner, member, outsider, group


async def post(client, group, person, title="Hi", body="Hello there"):
    return await client.post(
        f"/api/v1/groups/{group['id']}/posts",
        json={"title": title, "body": body},
        headers=person["headers"],
    )


async def test_members_post_outsiders_cannot(client, api: Api) -> None:
    _owner, member, outsider, group = await setup_group(client, api)
    created = await post(client, group, member, body="<script>x</script> & more")
    assert created.status == 201
    body = await created.json()
    assert body["author"] == {"id": member["user"]["id"], "display_name": "Mem"}
    assert body["body"] == "<script>x</script> & more"  # stored as given, escaped on output
    assert body["comment_count"] == 0
    assert (await post(client, group, outsider)).status == 403
    anonymous = await client.post(
        f"/api/v1/groups/{group['id']}/posts", json={"title": "x", "body": "y"}
    )
    assert anonymous.status == 401


async def test_newest_first_with_cursor(client, api: Api) -> None:
    owner, _, _, group = await setup_group(client, api)
    for i in range(5):
        await post(client, group, owner, title=f"post {i}")
    url = f"/api/v1/groups/{group['id']}/posts"
    first = await (await client.get(f"{url}?limit=3")).json()
    second = await (await client.get(f"{url}?limit=3&cursor={first['next_cursor']}")).json()
    titles = [p["title"] for p in first["items"] + second["items"]]
    assert titles == [f"post {i}" for i in (4, 3, 2, 1, 0)]
    assert second["next_cursor"] is None


async def test_author_edits_admins_and_moderators_delete(client, api: Api, settings) -> None:
    owner, member, outsider, group = await setup_group(client, api)
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=outsider["headers"])
    written = await (await post(client, group, member)).json()
    url = f"/api/v1/posts/{written['id']}"
    assert (await client.patch(url, json={"title": "x"}, headers=owner["headers"])).status == 403
    edited = await client.patch(url, json={"body": "changed"}, headers=member["headers"])
    assert edited.status == 200 and (await edited.json())["body"] == "changed"
    assert (await client.delete(url, headers=outsider["headers"])).status == 403
    assert (await client.delete(url, headers=owner["headers"])).status == 204
    assert (await client.get(url)).status == 404
    second = await (await post(client, group, member)).json()
    await admin_cli(settings, "users", "promote", outsider["email"], "--role", "moderator")
    assert (
        await client.delete(f"/api/v1/posts/{second['id']}", headers=outsider["headers"])
    ).status == 204


async def test_comments_count_order_and_delete(client, api: Api) -> None:
    owner, member, outsider, group = await setup_group(client, api)
    written = await (await post(client, group, owner)).json()
    url = f"/api/v1/posts/{written['id']}/comments"
    ids = []
    for i in range(3):
        resp = await client.post(url, json={"body": f"c{i}"}, headers=member["headers"])
        assert resp.status == 201
        ids.append((await resp.json())["id"])
    assert (await client.post(url, json={"body": "x"}, headers=outsider["headers"])).status == 403
    listed = await (await client.get(url)).json()
    assert [c["body"] for c in listed["items"]] == ["c2", "c1", "c0"]
    counted = await (await client.get(f"/api/v1/posts/{written['id']}")).json()
    assert counted["comment_count"] == 3
    assert (
        await client.delete(f"/api/v1/comments/{ids[0]}", headers=outsider["headers"])
    ).status == 403
    assert (
        await client.delete(f"/api/v1/comments/{ids[0]}", headers=member["headers"])
    ).status == 204
    assert (
        await client.delete(f"/api/v1/comments/{ids[1]}", headers=owner["headers"])
    ).status == 204
    after = await (await client.get(f"/api/v1/posts/{written['id']}")).json()
    assert after["comment_count"] == 1


async def test_concurrent_comments_keep_an_exact_count(client, api: Api) -> None:
    owner, member, _, group = await setup_group(client, api)
    written = await (await post(client, group, owner)).json()
    url = f"/api/v1/posts/{written['id']}/comments"
    await asyncio.gather(
        *(client.post(url, json={"body": f"c{i}"}, headers=member["headers"]) for i in range(20))
    )
    after = await (await client.get(f"/api/v1/posts/{written['id']}")).json()
    assert after["comment_count"] == 20


async def test_size_limits(client, api: Api) -> None:
    owner, _, _, group = await setup_group(client, api)
    too_long = await post(client, group, owner, body="x" * 20_001)
    assert too_long.status == 422
    assert (await too_long.json())["errors"][0]["field"] == "body"
    assert (await post(client, group, owner, body="x" * 20_000)).status == 201
    empty = await post(client, group, owner, title="   ")
    assert empty.status == 422
    huge = await client.post(
        f"/api/v1/groups/{group['id']}/posts",
        data=b'{"title":"t","body":"' + b"x" * 1_100_000 + b'"}',
        headers={**owner["headers"], "Content-Type": "application/json"},
    )
    assert huge.status == 413
    written = await (await post(client, group, owner)).json()
    comment = await client.post(
        f"/api/v1/posts/{written['id']}/comments",
        json={"body": "y" * 5001},
        headers=owner["headers"],
    )
    assert comment.status == 422


async def test_posting_is_rate_limited(aiohttp_client, make_settings, api: Api) -> None:
    client = await aiohttp_client(create_app(make_settings(rate_limit_posting="3/minute")))
    api.client = client
    owner = await api.register()
    group = await make_group(client, owner)
    statuses = [(await post(client, group, owner)).status for _ in range(4)]
    assert statuses == [201, 201, 201, 429]


async def test_deleted_author_shows_as_deleted_user(client, api: Api) -> None:
    _owner, member, _, group = await setup_group(client, api)
    written = await (await post(client, group, member)).json()
    await client.delete("/api/v1/users/me", headers=member["headers"])
    kept = await (await client.get(f"/api/v1/posts/{written['id']}")).json()
    assert kept["author"]["display_name"] == "deleted user"
    assert kept["body"] == "Hello there"


async def test_deleting_a_group_removes_its_posts(client, api: Api) -> None:
    owner, _, _, group = await setup_group(client, api)
    written = await (await post(client, group, owner)).json()
    await client.delete(f"/api/v1/groups/{group['id']}", headers=owner["headers"])
    assert (await client.get(f"/api/v1/posts/{written['id']}")).status == 404


async def test_deleting_an_account_frees_its_seats_and_owners_hand_over_first(
    client, api: Api
) -> None:
    owner, member, _, group = await setup_group(client, api)
    url = f"/api/v1/groups/{group['id']}"
    refused = await client.delete("/api/v1/users/me", headers=owner["headers"])
    assert refused.status == 409
    assert "hand ownership" in (await refused.json())["detail"]
    assert (await client.delete("/api/v1/users/me", headers=member["headers"])).status == 204
    after = await (await client.get(url)).json()
    assert after["member_count"] == 1
    members = await (await client.get(f"{url}/members")).json()
    assert [m["user_id"] for m in members["items"]] == [owner["user"]["id"]]
