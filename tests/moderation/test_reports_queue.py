"""Reporting and the moderation queue over HTTP: who may report what, duplicates, the
queue's order and excerpts, claiming, and who may see the queue at all."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.moderation.helpers import make_post, report, resolve, staff, world
from tests.support.api import Api, make_event, make_group


async def test_report_then_duplicate_is_409_until_resolved(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    reporter = await api.register("Reporter")
    status, created = await report(client, reporter, "post", w["post"]["id"], "spam links")
    assert status == 201, created
    assert created["status"] == "open"
    assert created["target"] == {
        "type": "post",
        "id": w["post"]["id"],
        "excerpt": "Zebra rocks",
        "owner_id": w["member"]["user"]["id"],
        "removed": False,
    }
    status, again = await report(client, reporter, "post", w["post"]["id"], "still spam")
    assert status == 409, again
    assert again["status"] == 409
    # Someone else may report the same thing.
    other = await api.register()
    assert (await report(client, other, "post", w["post"]["id"]))[0] == 201
    # Once resolved, the reporter may report it again.
    assert (await resolve(client, moderator, created["id"], "dismiss"))[0] == 200
    assert (await report(client, reporter, "post", w["post"]["id"]))[0] == 201


async def test_every_kind_of_target_can_be_reported(client: TestClient, api: Api) -> None:
    w = await world(client, api)
    event = await make_event(client, w["owner"], w["group"]["id"])
    reporter = await api.register()
    for kind, target_id in (
        ("user", w["member"]["user"]["id"]),
        ("group", w["group"]["id"]),
        ("event", event["id"]),
        ("post", w["post"]["id"]),
        ("comment", w["comment"]["id"]),
    ):
        status, body = await report(client, reporter, kind, target_id)
        assert status == 201, (kind, body)


async def test_hidden_targets_are_404(client: TestClient, api: Api) -> None:
    owner, outsider = await api.register(), await api.register()
    private = await make_group(client, owner, name="Secret", visibility="private")
    post = await make_post(client, owner, private, "Secret plans")
    for kind, target_id in (
        ("group", private["id"]),
        ("post", post["id"]),
        ("post", 999_999),
        ("comment", 999_999),
        ("message", 999_999),
        ("user", 999_999),
    ):
        status, body = await report(client, outsider, kind, target_id)
        assert status == 404, (kind, body)
    # A member sees it, so may report it.
    assert (await report(client, owner, "post", post["id"]))[0] == 201


async def test_bad_report_input_is_4xx(client: TestClient, api: Api) -> None:
    person = await api.register()
    h = person["headers"]
    bodies = [
        {"target_type": "planet", "target_id": 1, "reason": "x"},
        {"target_type": "user", "target_id": 0, "reason": "x"},
        {"target_type": "user", "target_id": 2**40, "reason": "x"},
        {"target_type": "user", "target_id": "one", "reason": "x"},
        {"target_type": "user", "target_id": 1, "reason": ""},
        {"target_type": "user", "target_id": 1, "reason": "x" * 5000},
        {"target_type": "user", "target_id": 1},
        {"target_type": "user", "target_id": 1, "reason": "x", "extra": 1},
    ]
    for body in bodies:
        resp = await client.post("/api/v1/reports", json=body, headers=h)
        assert resp.status == 422, (body, await resp.text())
    resp = await client.post("/api/v1/reports", data=b"{not json", headers=h)
    assert resp.status == 400
    resp = await client.post("/api/v1/reports", json={"target_type": "user"})
    assert resp.status == 401


async def test_plain_users_get_403_on_every_moderation_route(client: TestClient, api: Api) -> None:
    person = await api.register()
    h = person["headers"]
    calls = [
        ("GET", "/api/v1/moderation/reports", None),
        ("GET", "/api/v1/moderation/reports/1", None),
        ("POST", "/api/v1/moderation/reports/1/claim", None),
        ("POST", "/api/v1/moderation/reports/1/resolve", {"action": "dismiss"}),
        ("POST", "/api/v1/moderation/bans", {"user_id": person["user"]["id"], "reason": "x"}),
        ("DELETE", "/api/v1/moderation/bans/1", None),
        ("PUT", f"/api/v1/moderation/users/{person['user']['id']}/role", {"role": "admin"}),
        ("GET", "/api/v1/moderation/audit", None),
    ]
    for method, path, body in calls:
        resp = await client.request(method, path, json=body, headers=h)
        assert resp.status == 403, (method, path, await resp.text())


async def test_queue_is_oldest_first_with_excerpts_filters_and_pages(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    reporter = await api.register()
    first = (await report(client, reporter, "post", w["post"]["id"]))[1]
    second = (await report(client, reporter, "comment", w["comment"]["id"]))[1]
    third = (await report(client, reporter, "user", w["member"]["user"]["id"]))[1]
    h = moderator["headers"]
    body = await (await client.get("/api/v1/moderation/reports", headers=h)).json()
    assert [r["id"] for r in body["items"]] == [first["id"], second["id"], third["id"]]
    assert body["items"][1]["target"]["excerpt"] == "Nice zebra"
    body = await (await client.get("/api/v1/moderation/reports?kind=comment", headers=h)).json()
    assert [r["id"] for r in body["items"]] == [second["id"]]
    page1 = await (await client.get("/api/v1/moderation/reports?limit=2", headers=h)).json()
    assert len(page1["items"]) == 2 and page1["next_cursor"]
    page2 = await (
        await client.get(
            f"/api/v1/moderation/reports?limit=2&cursor={page1['next_cursor']}", headers=h
        )
    ).json()
    assert [r["id"] for r in page2["items"]] == [third["id"]]
    for bad in ("status=nope", "kind=planet", "limit=0", "limit=101", "cursor=%%%", "x=1"):
        resp = await client.get(f"/api/v1/moderation/reports?{bad}", headers=h)
        assert resp.status in (400, 422), (bad, resp.status)


async def test_claim_and_resolve_states(client: TestClient, api: Api, settings) -> None:
    w = await world(client, api)
    admin, moderator = await staff(settings, api)
    reporter = await api.register()
    created = (await report(client, reporter, "post", w["post"]["id"]))[1]
    path = f"/api/v1/moderation/reports/{created['id']}"
    claimed = await client.post(path + "/claim", headers=moderator["headers"])
    assert claimed.status == 200
    assert (await claimed.json())["claimed_by"] == moderator["user"]["id"]
    # Claimed by someone else: the other moderator is told.
    assert (await client.post(path + "/claim", headers=admin["headers"])).status == 409
    listed = await (
        await client.get("/api/v1/moderation/reports?status=claimed", headers=admin["headers"])
    ).json()
    assert [r["id"] for r in listed["items"]] == [created["id"]]
    status, bad = await resolve(client, moderator, created["id"], "explode")
    assert status == 422, bad
    status, done = await resolve(client, moderator, created["id"], "warn", "first warning")
    assert status == 200, done
    assert done["status"] == "resolved" and done["resolution"] == "warn"
    assert (await resolve(client, moderator, created["id"], "dismiss"))[0] == 409
    assert (await client.post(path + "/claim", headers=moderator["headers"])).status == 409
    missing = await client.post(
        "/api/v1/moderation/reports/999999/resolve",
        json={"action": "dismiss"},
        headers=moderator["headers"],
    )
    assert missing.status == 404


async def test_reporter_is_notified_of_the_outcome(client: TestClient, api: Api, settings) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    reporter = await api.register()
    created = (await report(client, reporter, "post", w["post"]["id"]))[1]
    assert (await resolve(client, moderator, created["id"], "remove_content", "private note"))[
        0
    ] == 200
    body = await (await client.get("/api/v1/notifications", headers=reporter["headers"])).json()
    texts = [n["text"] for n in body["items"] if n["kind"] == "report_outcome"]
    assert any("content was removed" in t for t in texts), body
    assert not any("private note" in t for t in texts)


async def test_group_reports_need_a_visible_group(client: TestClient, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    person = await api.register()
    assert (await report(client, person, "group", group["id"]))[0] == 201


async def test_one_decision_settles_every_open_report_of_the_target(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    first, second = await api.register(), await api.register()
    a = (await report(client, first, "post", w["post"]["id"]))[1]
    b = (await report(client, second, "post", w["post"]["id"]))[1]
    other = (await report(client, second, "comment", w["comment"]["id"]))[1]
    assert (await resolve(client, moderator, a["id"], "remove_content"))[0] == 200
    h = moderator["headers"]
    settled = await (await client.get(f"/api/v1/moderation/reports/{b['id']}", headers=h)).json()
    assert settled["status"] == "resolved" and settled["resolution"] == "remove_content"
    queue = await (await client.get("/api/v1/moderation/reports", headers=h)).json()
    assert [r["id"] for r in queue["items"]] == [other["id"]]
    for person in (first, second):
        inbox = await (await client.get("/api/v1/notifications", headers=person["headers"])).json()
        assert [n["kind"] for n in inbox["items"]].count("report_outcome") == 1


async def test_a_warning_reaches_the_warned_person(client: TestClient, api: Api, settings) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    created = (await report(client, w["owner"], "comment", w["comment"]["id"]))[1]
    status, _ = await resolve(client, moderator, created["id"], "warn", "Please keep it civil")
    assert status == 200
    inbox = await (await client.get("/api/v1/notifications", headers=w["member"]["headers"])).json()
    warnings = [n["text"] for n in inbox["items"] if n["kind"] == "warning"]
    assert warnings == [
        "A moderator warned you about your comment \u201cNice zebra\u201d: Please keep it civil"
    ]
    settings_ = await client.get(
        "/api/v1/users/me/notification-settings", headers=w["member"]["headers"]
    )
    assert settings_.status == 200
    assert set(await settings_.json()) >= {"warning", "report_outcome"}


async def test_a_report_of_something_deleted_since_can_still_be_dismissed(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    _, moderator = await staff(settings, api)
    created = (await report(client, w["owner"], "post", w["post"]["id"]))[1]
    resp = await client.delete(f"/api/v1/posts/{w['post']['id']}", headers=w["member"]["headers"])
    assert resp.status == 204  # the author deletes it for good
    queue = await (
        await client.get("/api/v1/moderation/reports", headers=moderator["headers"])
    ).json()
    assert queue["items"][0]["target"]["excerpt"] is None
    status, body = await resolve(client, moderator, created["id"], "remove_content")
    assert status == 409 and "can only be dismissed" in body["detail"]
    assert (await resolve(client, moderator, created["id"], "dismiss"))[0] == 200
