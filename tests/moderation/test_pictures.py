"""Moderators take pictures down (avatars, group and event covers), audited; a banned
person's avatar is nobody's to see while the ban lasts."""

from __future__ import annotations

from typing import Any

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from crewup.core.settings import Settings
from tests.moderation.helpers import audit_rows, report, resolve, staff, with_role
from tests.support.api import PASSWORD, Api, future, make_event, make_group, participants, rsvp
from tests.support.bus import settle
from tests.support.images import png
from tests.support.pages import csrf_of, signed_in


def form() -> FormData:
    body = FormData()
    body.add_field("image", png(), filename="p.png", content_type="image/png")
    return body


async def upload(client: TestClient, path: str, who: dict[str, Any]) -> dict[str, Any]:
    resp = await client.put(path, data=form(), headers=who["headers"])
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    image: dict[str, Any] = body.get("avatar") or body["cover"]
    return image


async def take_down(
    client: TestClient, who: dict[str, Any], kind: str, target_id: int, reason: str = "gore"
) -> Any:
    return await client.post(
        f"/api/v1/moderation/{kind}/{target_id}/picture/remove",
        json={"reason": reason},
        headers=who["headers"],
    )


async def test_moderators_take_down_avatars_and_covers(
    client: TestClient, api: Api, settings: Settings
) -> None:
    _, moderator = await staff(settings, api)
    owner, other = await api.register("Owner"), await api.register("Other")
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"])
    await upload(client, "/api/v1/users/me/avatar", other)
    await upload(client, f"/api/v1/groups/{group['id']}/cover", owner)
    await upload(client, f"/api/v1/events/{event['id']}/cover", owner)

    # Only moderators; the owner of a group may not take down someone's avatar either.
    resp = await take_down(client, owner, "users", other["user"]["id"])
    assert resp.status == 403
    resp = await take_down(client, other, "groups", group["id"])
    assert resp.status == 403

    for kind, target_id, shown in (
        ("users", other["user"]["id"], f"/api/v1/users/{other['user']['id']}"),
        ("groups", group["id"], f"/api/v1/groups/{group['id']}"),
        ("events", event["id"], f"/api/v1/events/{event['id']}"),
    ):
        resp = await take_down(client, moderator, kind, target_id)
        assert resp.status == 204, await resp.text()
        body = await (await client.get(shown, headers=owner["headers"])).json()
        assert body["avatar" if kind == "users" else "cover"] is None, kind
        # Nothing left to take down: a clear conflict, not a silent success.
        resp = await take_down(client, moderator, kind, target_id)
        assert resp.status == 409
        assert "no " in (await resp.json())["detail"]

    rows = await audit_rows(client, moderator, "?action=picture.remove")
    assert [(r["target_type"], r["target_id"], r["reason"]) for r in rows] == [
        ("event", event["id"], "gore"),
        ("group", group["id"], "gore"),
        ("user", other["user"]["id"], "gore"),
    ]
    assert all(r["actor_id"] == moderator["user"]["id"] and r["face"] == "api" for r in rows)
    me = await (await client.get("/api/v1/users/me", headers=other["headers"])).json()
    assert me["avatar"] is None

    assert (await take_down(client, moderator, "users", 999999)).status == 404
    assert (await take_down(client, moderator, "groups", 999999)).status == 404


async def test_a_report_resolved_by_removing_the_picture(
    client: TestClient, api: Api, settings: Settings
) -> None:
    _, moderator = await staff(settings, api)
    owner, reporter = await api.register("Owner"), await api.register("Reporter")
    group = await make_group(client, owner)
    await upload(client, f"/api/v1/groups/{group['id']}/cover", owner)
    status, filed = await report(client, reporter, "group", group["id"], "offensive cover")
    assert status == 201, filed

    status, resolved = await resolve(client, moderator, filed["id"], "remove_picture")
    assert status == 200, resolved
    assert resolved["resolution"] == "remove_picture"
    shown = await (await client.get(f"/api/v1/groups/{group['id']}")).json()
    assert shown["cover"] is None
    rows = await audit_rows(client, moderator, "?action=picture.remove")
    assert rows[0]["detail"]["report_id"] == filed["id"]

    # A post has no picture: the decision is refused and the report stays open.
    post = await client.post(
        f"/api/v1/groups/{group['id']}/posts",
        json={"title": "Hello", "body": "there"},
        headers=owner["headers"],
    )
    status, filed = await report(client, reporter, "post", (await post.json())["id"])
    status, refused = await resolve(client, moderator, filed["id"], "remove_picture")
    assert status == 422, refused
    assert "no picture" in refused["detail"]


async def test_a_taken_down_pictures_files_stop_loading_at_once(
    client: TestClient, api: Api, settings: Settings
) -> None:
    """Not after the hourly prune: whoever kept the URL must not load it any more. Its
    owner uploading the same picture again afterwards gets it back (the takedown's
    deletion never takes files written after it)."""
    _, moderator = await staff(settings, api)
    owner = await api.register("Owner")
    image = await upload(client, "/api/v1/users/me/avatar", owner)
    urls = list(image["urls"].values())
    assert all([(await client.get(url)).status == 200 for url in urls])

    resp = await take_down(client, moderator, "users", owner["user"]["id"])
    assert resp.status == 204, await resp.text()
    await settle(client.app)
    assert [(await client.get(url)).status for url in urls] == [404] * len(urls)

    again = await upload(client, "/api/v1/users/me/avatar", owner)
    assert again["key"] == image["key"]  # the same bytes, the same name
    await settle(client.app)
    assert all([(await client.get(url)).status == 200 for url in urls])


async def test_a_banned_persons_avatar_is_hidden_while_the_ban_lasts(
    client: TestClient, api: Api, settings: Settings
) -> None:
    _, moderator = await staff(settings, api)
    owner, ann = await api.register("Owner"), await api.register("Ann")
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"])
    avatar = await upload(client, "/api/v1/users/me/avatar", ann)
    status, _ = await rsvp(client, event, ann)
    assert status == 200

    async def seen() -> tuple[Any, Any, str]:
        public = await (
            await client.get(f"/api/v1/users/{ann['user']['id']}", headers=owner["headers"])
        ).json()
        going = (await participants(client, event, "going"))["items"]
        mine = [p["avatar"] for p in going if p["user_id"] == ann["user"]["id"]]
        page = await (await client.get(f"/events/{event['id']}")).text()
        return public["avatar"], mine, page

    public, going, page = await seen()
    assert public == avatar and going == [avatar] and avatar["urls"]["64"] in page

    resp = await client.post(
        "/api/v1/moderation/bans",
        # With an end, so Ann keeps her place (a ban for good gives it to the waitlist).
        json={"user_id": ann["user"]["id"], "reason": "abuse", "expires_at": future(48)},
        headers=moderator["headers"],
    )
    assert resp.status == 201, await resp.text()
    public, going, page = await seen()
    assert public is None
    assert going == [None]
    assert avatar["urls"]["64"] not in page and "Ann" in page

    resp = await client.delete(
        f"/api/v1/moderation/bans/{ann['user']['id']}", headers=moderator["headers"]
    )
    assert resp.status == 204
    public, going, page = await seen()
    assert public == avatar and avatar["urls"]["64"] in page


async def test_the_queue_page_takes_a_reported_avatar_down(
    client: TestClient, api: Api, settings: Settings
) -> None:
    admin, _ = await staff(settings, api)
    ann, reporter = await api.register("Ann"), await api.register("Reporter")
    avatar = await upload(client, "/api/v1/users/me/avatar", ann)
    filed = (await report(client, reporter, "user", ann["user"]["id"], "obscene picture"))[1]
    await signed_in(client, "Page Mod", "picturemod@example.com")
    login = await client.post(
        "/api/v1/auth/login", json={"email": "picturemod@example.com", "password": PASSWORD}
    )
    await with_role(settings, await login.json(), "moderator")
    html = await (await client.get("/moderation")).text()
    assert '<option value="remove_picture">' in html
    resp = await client.post(
        f"/moderation/reports/{filed['id']}/resolve",
        data={"csrf_token": csrf_of(html), "action": "remove_picture", "note": "obscene"},
        allow_redirects=False,
    )
    assert resp.status == 303
    profile = await (await client.get(f"/users/{ann['user']['id']}")).text()
    assert avatar["urls"]["256"] not in profile
    rows = await audit_rows(client, admin, "?action=picture.remove")
    assert [(r["face"], r["target_id"], r["reason"]) for r in rows] == [
        ("page", ann["user"]["id"], "obscene")
    ]
