"""A removed post's notifications leave every inbox that got one, and a post removed
before the notifications were fanned out notifies nobody."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.moderation.helpers import join, make_comment, make_post
from tests.support.api import Api, make_group
from tests.support.bus import settle


async def _inbox(client: TestClient, person: dict[str, Any]) -> str:
    resp = await client.get("/api/v1/notifications", headers=person["headers"])
    assert resp.status == 200, await resp.text()
    return " ".join(n["text"] for n in (await resp.json())["items"])


async def _remove(client: TestClient, owner: dict[str, Any], post: dict[str, Any]) -> None:
    resp = await client.post(
        f"/api/v1/moderation/posts/{post['id']}/remove", headers=owner["headers"]
    )
    assert resp.status in (200, 204), await resp.text()


async def _group_of_three(client: TestClient, api: Api) -> tuple[Any, Any, Any, Any]:
    """An owner's public group with Ann and Bob in it."""
    owner, ann, bob = await api.register(), await api.register(), await api.register()
    group = await make_group(client, owner)
    for person in (ann, bob):
        await join(client, person, group)
    return owner, ann, bob, group


async def test_people_who_left_the_group_lose_the_notifications_too(
    client: TestClient, api: Api
) -> None:
    owner, ann, bob, group = await _group_of_three(client, api)
    post = await make_post(client, ann, group, "Walrus ledge")
    await make_comment(client, bob, post)
    await make_comment(client, ann, post, "Thanks")  # bob hears of the reply
    await settle(client.app)
    assert "Walrus ledge" in await _inbox(client, bob)
    resp = await client.post(f"/api/v1/groups/{group['id']}/leave", headers=bob["headers"])
    assert resp.status == 204, await resp.text()
    await _remove(client, owner, post)
    await settle(client.app)
    for person in (owner, ann, bob):
        assert "Walrus ledge" not in await _inbox(client, person)


async def test_a_post_removed_before_its_fan_out_notifies_nobody(
    client: TestClient, api: Api
) -> None:
    owner, ann, bob, group = await _group_of_three(client, api)
    kept = await make_post(client, ann, group, "Basalt kept")
    gone = await make_post(client, ann, group, "Narwhal slab")
    await _remove(client, owner, gone)
    await settle(client.app)
    for person in (owner, bob):
        inbox = await _inbox(client, person)
        assert "Basalt kept" in inbox and "Narwhal slab" not in inbox, inbox
    assert kept["id"] != gone["id"]


async def test_an_erased_account_is_a_deleted_user_in_others_notifications(
    client: TestClient, api: Api
) -> None:
    """Posts and chat said "deleted user", notifications kept the name (a black-box
    trial): an erasure promises the name is gone everywhere."""
    owner, zelda = await api.register(), await api.register("Zelda Realname")
    group = await make_group(client, owner)
    await join(client, zelda, group)
    await make_post(client, zelda, group, "Hello from Zelda")
    await settle(client.app)
    assert "Zelda Realname" in await _inbox(client, owner)
    assert (await client.delete("/api/v1/users/me", headers=zelda["headers"])).status == 204
    resp = await client.get("/api/v1/notifications", headers=owner["headers"])
    items = (await resp.json())["items"]
    assert "Zelda Realname" not in str(items)
    assert "deleted user posted “Hello from Zelda”" in items[0]["text"], items[0]
