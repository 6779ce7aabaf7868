"""An outsider probing every URL of a private group gets 404, as if it did not exist."""

from __future__ import annotations

from tests.support.api import Api, make_group


async def test_outsider_probe_sees_nothing(client, api: Api) -> None:
    owner, outsider = await api.register("Owner"), await api.register("Outsider")
    group = await make_group(client, owner, visibility="private", name="Hidden Crew")
    gid = group["id"]
    post = await (
        await client.post(
            f"/api/v1/groups/{gid}/posts",
            headers=owner["headers"],
            json={"title": "secret", "body": "plans"},
        )
    ).json()
    comment = await (
        await client.post(
            f"/api/v1/posts/{post['id']}/comments", headers=owner["headers"], json={"body": "psst"}
        )
    ).json()
    uid = owner["user"]["id"]
    probes = [
        ("GET", f"/api/v1/groups/{gid}", None),
        ("PATCH", f"/api/v1/groups/{gid}", {"name": "Pwned"}),
        ("DELETE", f"/api/v1/groups/{gid}", None),
        ("GET", f"/api/v1/groups/{gid}/members", None),
        ("PATCH", f"/api/v1/groups/{gid}/members/{uid}", {"role": "member"}),
        ("DELETE", f"/api/v1/groups/{gid}/members/{uid}", None),
        ("GET", f"/api/v1/groups/{gid}/requests", None),
        ("POST", f"/api/v1/groups/{gid}/requests/{uid}/approve", None),
        ("POST", f"/api/v1/groups/{gid}/requests/{uid}/decline", None),
        ("POST", f"/api/v1/groups/{gid}/invites", {"user_id": outsider["user"]["id"]}),
        ("POST", f"/api/v1/groups/{gid}/owner", {"user_id": outsider["user"]["id"]}),
        ("POST", f"/api/v1/groups/{gid}/leave", None),
        ("GET", f"/api/v1/groups/{gid}/posts", None),
        ("POST", f"/api/v1/groups/{gid}/posts", {"title": "x", "body": "y"}),
        ("GET", f"/api/v1/posts/{post['id']}", None),
        ("PATCH", f"/api/v1/posts/{post['id']}", {"title": "x"}),
        ("DELETE", f"/api/v1/posts/{post['id']}", None),
        ("GET", f"/api/v1/posts/{post['id']}/comments", None),
        ("POST", f"/api/v1/posts/{post['id']}/comments", {"body": "x"}),
        ("DELETE", f"/api/v1/comments/{comment['id']}", None),
    ]
    for method, url, body in probes:
        ghost = (
            url.replace(f"/groups/{gid}", "/groups/999999")
            .replace(f"/posts/{post['id']}", "/posts/999999")
            .replace(f"/comments/{comment['id']}", "/comments/999999")
        )
        resp = await client.request(method, url, json=body, headers=outsider["headers"])
        # Leaving a group one cannot see answers 204 whether it exists or not (a request,
        # if any, withdrawn); everything else is 404. Either way: what no group answers.
        expected = 204 if url.endswith("/leave") else 404
        assert resp.status == expected, (method, url, resp.status)
        no_group = await client.request(method, ghost, json=body, headers=outsider["headers"])
        assert no_group.status == resp.status, (method, ghost, no_group.status)
        # Anonymous: exactly what a group that never existed answers (401 or 404).
        anonymous = await client.request(method, url, json=body)
        never = await client.request(method, ghost, json=body)
        assert anonymous.status == never.status, (method, url, anonymous.status)
    for url in (f"/groups/{gid}", f"/posts/{post['id']}"):
        assert (await client.get(url)).status == 404
    listed = await (await client.get("/api/v1/groups?q=hidden", headers=outsider["headers"])).json()
    assert listed["items"] == []
    everything = await (
        await client.get("/api/v1/groups?limit=100", headers=outsider["headers"])
    ).json()
    assert gid not in [g["id"] for g in everything["items"]]
    # Nothing was changed by the probe.
    still = await (await client.get(f"/api/v1/groups/{gid}", headers=owner["headers"])).json()
    assert still["name"] == "Hidden Crew" and still["member_count"] == 1


async def test_public_groups_are_readable_without_an_account(client, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    post = await (
        await client.post(
            f"/api/v1/groups/{group['id']}/posts",
            headers=owner["headers"],
            json={"title": "Hello", "body": "world"},
        )
    ).json()
    for url in (
        f"/api/v1/groups/{group['id']}",
        f"/api/v1/groups/{group['id']}/members",
        f"/api/v1/groups/{group['id']}/posts",
        f"/api/v1/posts/{post['id']}",
        f"/api/v1/posts/{post['id']}/comments",
        f"/groups/{group['id']}",
        f"/posts/{post['id']}",
    ):
        assert (await client.get(url)).status == 200, url
