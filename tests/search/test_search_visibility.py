"""What search never shows: private groups' things to outsiders, deleted things, banned
or deleted people. The same cases on both engines."""

from __future__ import annotations

from tests.search.helpers import post, search, titles
from tests.support.api import Api, make_event, make_group
from tests.support.cli import admin_cli


async def test_private_group_and_its_content_only_for_members(client, api: Api) -> None:
    owner, outsider, member = [await api.register(n) for n in ("Owner", "Out", "Member")]
    hidden = await make_group(client, owner, name="Secret Zorbing", visibility="private")
    await make_event(client, owner, hidden["id"], title="Zorbing day")
    await post(client, owner, hidden["id"], "Zorbing gear", "zorbing balls")
    public = await make_group(client, owner, name="Open Zorbing")
    assert titles(await search(client, "zorbing", outsider)) == ["Open Zorbing"]
    assert titles(await search(client, "zorbing")) == ["Open Zorbing"]  # visitors too
    invite = await client.post(
        f"/api/v1/groups/{hidden['id']}/invites",
        json={"user_id": member["user"]["id"]},
        headers=owner["headers"],
    )
    assert invite.status == 201
    assert titles(await search(client, "zorbing", member)) == ["Open Zorbing"]  # invited only
    joined = await client.post(f"/api/v1/groups/{hidden['id']}/join", headers=member["headers"])
    assert joined.status == 200
    seen = await search(client, "zorbing", member)
    assert sorted(i["type"] for i in seen["items"]) == ["events", "groups", "groups", "posts"]
    assert public["id"] in [i["id"] for i in seen["items"] if i["type"] == "groups"]


async def test_deleted_posts_and_groups_are_gone(client, api: Api) -> None:
    owner = await api.register("Owner")
    group = await make_group(client, owner, name="Quokka Fans")
    doomed = await post(client, owner, group["id"], "Quokka photos", "smiling quokka")
    assert titles(await search(client, "quokka", owner)) == ["Quokka photos", "Quokka Fans"]
    resp = await client.delete(f"/api/v1/posts/{doomed['id']}", headers=owner["headers"])
    assert resp.status == 204
    assert titles(await search(client, "quokka", owner)) == ["Quokka Fans"]
    await post(client, owner, group["id"], "More quokkas", "another")
    assert (
        await client.delete(f"/api/v1/groups/{group['id']}", headers=owner["headers"])
    ).status == 204
    assert titles(await search(client, "quokka", owner)) == []


async def test_banned_and_deleted_people_are_never_found(client, api: Api, settings) -> None:
    viewer = await api.register("Viewer")
    banned = await api.register("Wombat Banned")
    await api.register("Wombat Fine")
    assert sorted(titles(await search(client, "wombat", viewer, type="users"))) == [
        "Wombat Banned",
        "Wombat Fine",
    ]
    result = await admin_cli(settings, "bans", "add", str(banned["user"]["id"]), "--reason", "spam")
    assert result.exit_code == 0, result.output
    assert titles(await search(client, "wombat", viewer, type="users")) == ["Wombat Fine"]
    gone = await api.register("Wombat Gone")
    resp = await client.request(
        "DELETE", "/api/v1/users/me", json={"password": gone["password"]}, headers=gone["headers"]
    )
    assert resp.status == 204, await resp.text()
    assert titles(await search(client, "wombat", viewer, type="users")) == ["Wombat Fine"]
