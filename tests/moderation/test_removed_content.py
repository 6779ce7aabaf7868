"""Removed content is gone from every face (API lists and single reads, pages, chat
history, search) and stays in the database for the audit. Group owners and admins remove
posts and comments in their own group only."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.moderation.helpers import (
    audit_rows,
    join,
    make_comment,
    make_post,
    report,
    resolve,
    staff,
    world,
)
from tests.search.helpers import search
from tests.support.api import PASSWORD, Api, make_group
from tests.support.bus import settle
from tests.support.pages import signed_in
from tests.support.ws import connect, of_type, subscribe, wait_for


async def _inbox_text(client: TestClient, person: dict[str, Any]) -> str:
    resp = await client.get("/api/v1/notifications", headers=person["headers"])
    assert resp.status == 200, await resp.text()
    return " ".join(n["text"] for n in (await resp.json())["items"])


async def _removed_by_report(
    client: TestClient, moderator: dict[str, Any], reporter: dict[str, Any], kind: str, i: int
) -> None:
    created = (await report(client, reporter, kind, i))[1]
    status, done = await resolve(client, moderator, created["id"], "remove_content", "spam")
    assert status == 200, done
    assert done["target"]["removed"] is True


async def test_a_removed_post_is_gone_from_every_face(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    kept = await make_post(client, w["member"], w["group"], "Quartzite kept")
    assert (await search(client, "quartzite"))["items"]
    await settle(client.app)
    assert "Zebra rocks" in await _inbox_text(client, w["owner"])
    await _removed_by_report(client, moderator, w["owner"], "post", w["post"]["id"])
    post_id, group_id = w["post"]["id"], w["group"]["id"]
    # Its notification went with it (the title lingered there: a black-box trial).
    notices = await _inbox_text(client, w["owner"])
    assert "Zebra rocks" not in notices and "Quartzite kept" in notices

    listed = await (await client.get(f"/api/v1/groups/{group_id}/posts")).json()
    assert [p["id"] for p in listed["items"]] == [kept["id"]]
    assert (await client.get(f"/api/v1/posts/{post_id}")).status == 404
    assert (await client.get(f"/api/v1/posts/{post_id}/comments")).status == 404
    page = await client.get(f"/groups/{group_id}")
    assert page.status == 200
    html = await page.text()
    assert "Zebra rocks" not in html and "Quartzite kept" in html
    assert (await client.get(f"/posts/{post_id}")).status == 404
    found = await search(client, "zebra")
    # The kept post's body mentions zebras too; the removed post and its comment are gone.
    assert [(i["type"], i["id"]) for i in found["items"]] == [("posts", kept["id"])], found
    assert [i["title"] for i in (await search(client, "quartzite"))["items"]] == ["Quartzite kept"]
    # Editing, commenting, deleting or reporting it again: not found.
    h = w["member"]["headers"]
    patched = await client.patch(f"/api/v1/posts/{post_id}", json={"title": "x"}, headers=h)
    assert patched.status == 404
    assert (await report(client, await api.register(), "post", post_id))[0] == 404


async def test_a_removed_comment_is_gone_and_the_count_follows(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    other = await make_comment(client, w["owner"], w["post"], "Granite comment")
    await _removed_by_report(client, moderator, w["owner"], "comment", w["comment"]["id"])
    post_id = w["post"]["id"]
    listed = await (await client.get(f"/api/v1/posts/{post_id}/comments")).json()
    assert [c["id"] for c in listed["items"]] == [other["id"]]
    assert (await (await client.get(f"/api/v1/posts/{post_id}")).json())["comment_count"] == 1
    html = await (await client.get(f"/posts/{post_id}")).text()
    assert "Nice zebra" not in html and "Granite comment" in html
    assert (await search(client, "nice"))["items"] == []
    resp = await client.delete(
        f"/api/v1/comments/{w['comment']['id']}", headers=w["member"]["headers"]
    )
    assert resp.status == 404


async def test_a_removed_chat_message_leaves_the_history(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    ws = await connect(client, w["member"])
    await subscribe(ws, group_id=w["group"]["id"])
    for n, body in enumerate(("hello all", "buy cheap pills")):
        await ws.send_json(
            {"type": "message", "group_id": w["group"]["id"], "body": body, "client_id": f"c{n}"}
        )
        await wait_for(ws, of_type("message", client_id=f"c{n}"))
    path = f"/api/v1/groups/{w['group']['id']}/messages"
    history = await (await client.get(path, headers=w["owner"]["headers"])).json()
    spam = next(m for m in history["items"] if m["body"] == "buy cheap pills")
    # An outsider cannot even report a message in a room they are not in.
    assert (await report(client, await api.register(), "message", spam["id"]))[0] == 404
    await _removed_by_report(client, moderator, w["owner"], "message", spam["id"])
    deleted = await wait_for(ws, of_type("message_deleted"))
    assert deleted["id"] == spam["id"]
    history = await (await client.get(path, headers=w["owner"]["headers"])).json()
    assert [m["body"] for m in history["items"]] == ["hello all"]
    await ws.close()


async def test_only_content_can_be_removed_as_content(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    created = (await report(client, w["owner"], "group", w["group"]["id"]))[1]
    status, body = await resolve(client, moderator, created["id"], "remove_content")
    assert status == 422, body
    # Nothing happened: the report is still open.
    again = await client.get(
        f"/api/v1/moderation/reports/{created['id']}", headers=moderator["headers"]
    )
    assert (await again.json())["status"] == "open"


async def test_group_admins_remove_in_their_own_group_only(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    elsewhere_owner = await api.register("Elsewhere")
    elsewhere = await make_group(client, elsewhere_owner, name="Elsewhere")
    await join(client, w["owner"], elsewhere)
    foreign = await make_post(client, elsewhere_owner, elsewhere, "Not yours")
    h = w["owner"]["headers"]
    # The owner of w's group removes a comment and a post in it.
    resp = await client.post(
        f"/api/v1/moderation/comments/{w['comment']['id']}/remove",
        json={"reason": "off topic"},
        headers=h,
    )
    assert resp.status == 204, await resp.text()
    resp = await client.post(f"/api/v1/moderation/posts/{w['post']['id']}/remove", headers=h)
    assert resp.status == 204, await resp.text()
    assert (await client.get(f"/api/v1/posts/{w['post']['id']}")).status == 404
    # ... but not in a group where they are a plain member.
    resp = await client.post(f"/api/v1/moderation/posts/{foreign['id']}/remove", headers=h)
    assert resp.status == 403
    # A plain member cannot either; an outsider of a private group gets 404.
    resp = await client.post(
        f"/api/v1/moderation/posts/{foreign['id']}/remove", headers=w["member"]["headers"]
    )
    assert resp.status == 403
    private = await make_group(client, elsewhere_owner, name="Hidden", visibility="private")
    secret = await make_post(client, elsewhere_owner, private, "Hidden post")
    resp = await client.post(f"/api/v1/moderation/posts/{secret['id']}/remove", headers=h)
    assert resp.status == 404
    # A moderator may anywhere they can see; twice is a 404 (it is gone).
    resp = await client.post(
        f"/api/v1/moderation/posts/{foreign['id']}/remove", headers=moderator["headers"]
    )
    assert resp.status == 204
    resp = await client.post(
        f"/api/v1/moderation/posts/{foreign['id']}/remove", headers=moderator["headers"]
    )
    assert resp.status == 404
    rows = await audit_rows(client, moderator, "?action=content.remove")
    assert [(r["target_type"], r["actor_id"], r["face"]) for r in rows] == [
        ("post", moderator["user"]["id"], "api"),
        ("post", w["owner"]["user"]["id"], "api"),
        ("comment", w["owner"]["user"]["id"], "api"),
    ]
    assert rows[2]["reason"] == "off topic"
    assert rows[2]["detail"]["excerpt"] == "Nice zebra"


async def test_deletes_by_group_admins_are_soft_and_audited_on_api_and_pages(
    client: TestClient, api: Api, settings
) -> None:
    # The owner uses the pages (session cookie) and the API (a token of their own).
    csrf = await signed_in(client, "Page Owner", "owner@example.com")
    login = await client.post(
        "/api/v1/auth/login", json={"email": "owner@example.com", "password": PASSWORD}
    )
    owner = {"headers": {"Authorization": f"Bearer {(await login.json())['access_token']}"}}
    owner_id = (await login.json())["user"]["id"]
    _, moderator = await staff(settings, api)
    member = await api.register("Member")
    group = await make_group(client, owner)
    await join(client, member, group)
    by_api = await make_post(client, member, group, "Removed through the API")
    by_page = await make_post(client, member, group, "Removed through a page")
    comment = await make_comment(client, member, by_page, "Removed comment")
    own = await make_post(client, member, group, "Deleted by its author")

    resp = await client.delete(f"/api/v1/posts/{by_api['id']}", headers=owner["headers"])
    assert resp.status == 204
    resp = await client.post(
        f"/comments/{comment['id']}/delete",
        data={"csrf_token": csrf, "confirm": "yes"},
        allow_redirects=False,
    )
    assert resp.status in (302, 303), await resp.text()
    resp = await client.post(
        f"/posts/{by_page['id']}/delete",
        data={"csrf_token": csrf, "confirm": "yes"},  # the confirmation page's answer
        allow_redirects=False,
    )
    assert resp.status in (302, 303), await resp.text()
    resp = await client.delete(f"/api/v1/posts/{own['id']}", headers=member["headers"])
    assert resp.status == 204
    for post in (by_api, by_page, own):
        assert (await client.get(f"/api/v1/posts/{post['id']}")).status == 404
    rows = await audit_rows(client, moderator, "?action=content.remove")
    assert [(r["target_type"], r["face"], r["actor_id"]) for r in rows] == [
        ("post", "page", owner_id),
        ("comment", "page", owner_id),
        ("post", "api", owner_id),
    ]  # an author deleting their own post is not moderation: no row
    assert rows[2]["detail"]["excerpt"] == "Removed through the API"


async def test_a_group_admin_deleting_a_message_is_an_audited_removal(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    ws = await connect(client, w["member"])
    await subscribe(ws, group_id=w["group"]["id"])
    await ws.send_json(
        {"type": "message", "group_id": w["group"]["id"], "body": "rude words", "client_id": "r"}
    )
    sent = await wait_for(ws, of_type("message", client_id="r"))
    await ws.close()
    resp = await client.delete(f"/api/v1/messages/{sent['id']}", headers=w["owner"]["headers"])
    assert resp.status == 204
    path = f"/api/v1/groups/{w['group']['id']}/messages"
    assert (await (await client.get(path, headers=w["owner"]["headers"])).json())["items"] == []
    rows = await audit_rows(client, moderator, "?target_type=message")
    assert [(r["action"], r["target_id"], r["actor_id"]) for r in rows] == [
        ("content.remove", sent["id"], w["owner"]["user"]["id"])
    ]
    assert rows[0]["detail"]["excerpt"] == "rude words"
