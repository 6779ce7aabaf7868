"""crewup-admin groups and fix counters, against the same database the API uses."""

from __future__ import annotations

from sqlalchemy import update

from crewup.groups.tables import groups
from crewup.posts.tables import posts
from crewup.web.appkeys import DB
from tests.support.api import Api, make_event, make_group, rsvp
from tests.support.cli import admin_cli
from tests.support.images import files_under, png


async def test_list_show_transfer_delete(client, api: Api, settings) -> None:
    ann, bob = await api.register("Ann"), await api.register("Bob")
    group = await make_group(client, ann, name="Secret Crew", visibility="private")
    listed = await admin_cli(settings, "groups", "list")
    assert "Secret Crew" in listed.output  # operators see private groups too
    shown = await admin_cli(settings, "groups", "show", str(group["id"]))
    assert shown.exit_code == 0 and "private" in shown.output
    refused = await admin_cli(
        settings, "groups", "transfer-ownership", str(group["id"]), "--to", str(bob["user"]["id"])
    )
    assert refused.exit_code == 1 and "must be a member" in refused.output
    await client.post(
        f"/api/v1/groups/{group['id']}/invites",
        json={"user_id": bob["user"]["id"]},
        headers=ann["headers"],
    )
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=bob["headers"])
    moved = await admin_cli(
        settings, "groups", "transfer-ownership", str(group["id"]), "--to", str(bob["user"]["id"])
    )
    assert moved.exit_code == 0, moved.output
    seen = await (await client.get(f"/api/v1/groups/{group['id']}", headers=ann["headers"])).json()
    assert seen["owner_id"] == bob["user"]["id"] and seen["my_role"] == "admin"
    missing = await admin_cli(settings, "groups", "show", "424242")
    assert missing.exit_code == 1
    cover = await client.put(
        f"/api/v1/groups/{group['id']}/cover",
        data=png(),
        headers={**bob["headers"], "Content-Type": "image/png"},
    )
    assert cover.status == 200 and files_under(settings.effective_media_dir)
    # As for its owner: refused while people are going to one of its events.
    hike = await make_event(client, bob, group["id"], title="Ridge walk")
    assert (await rsvp(client, hike, ann))[0] == 200
    refused = await admin_cli(settings, "groups", "delete", str(group["id"]), "--yes")
    assert refused.exit_code == 1 and "Ridge walk" in refused.output, refused.output
    cancelled = await client.post(
        f"/api/v1/events/{hike['id']}/cancel", json={"reason": "closing"}, headers=bob["headers"]
    )
    assert cancelled.status == 200, await cancelled.text()
    deleted = await admin_cli(settings, "groups", "delete", str(group["id"]), "--yes")
    assert deleted.exit_code == 0, deleted.output
    pruned = await admin_cli(settings, "media", "prune", "--grace", "0")
    assert pruned.exit_code == 0, pruned.output
    assert files_under(settings.effective_media_dir) == set()  # the cover's files went too
    assert (await client.get(f"/api/v1/groups/{group['id']}", headers=bob["headers"])).status == 404


async def test_fix_counters_repairs_and_reports(client, api: Api, settings) -> None:
    ann = await api.register()
    group = await make_group(client, ann)
    post = await (
        await client.post(
            f"/api/v1/groups/{group['id']}/posts",
            json={"title": "t", "body": "b"},
            headers=ann["headers"],
        )
    ).json()
    await client.post(
        f"/api/v1/posts/{post['id']}/comments", json={"body": "c"}, headers=ann["headers"]
    )
    clean = await admin_cli(settings, "fix", "counters")
    assert "nothing changed" in clean.output
    async with client.server.app[DB].transaction() as conn:  # simulate a bad manual edit
        await conn.execute(update(groups).values(member_count=7))
        await conn.execute(update(posts).values(comment_count=0))
    fixed = await admin_cli(settings, "fix", "counters")
    assert fixed.exit_code == 0
    assert "2 counters fixed" in fixed.output
    assert (await (await client.get(f"/api/v1/groups/{group['id']}")).json())["member_count"] == 1
    assert (await (await client.get(f"/api/v1/posts/{post['id']}")).json())["comment_count"] == 1
