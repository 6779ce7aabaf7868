"""Events: who plans them, lifecycle, validation, visibility, nearby and calendar queries."""

from __future__ import annotations

from datetime import timedelta

from crewup.core import clock
from tests.support.api import Api, future, make_event, make_group, rsvp


async def test_managers_plan_events_members_cannot(client, api: Api) -> None:
    owner, member = await api.register("Owner"), await api.register("Member")
    group = await make_group(client, owner)
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=member["headers"])
    event = await make_event(client, owner, group["id"], capacity=10)
    assert event["status"] == "scheduled" and event["going_count"] == 0
    assert event["my_rsvp"] is None and event["capacity"] == 10
    refused = await client.post(
        "/api/v1/events",
        headers=member["headers"],
        json={
            "group_id": group["id"],
            "title": "Mine",
            "location_name": "x",
            "lat": 1,
            "lon": 1,
            "starts_at": future(5),
            "ends_at": future(6),
        },
    )
    assert refused.status == 403
    patched = await client.patch(
        f"/api/v1/events/{event['id']}", json={"title": "New"}, headers=member["headers"]
    )
    assert patched.status == 403


async def test_validation_errors_name_fields(client, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    base = {
        "group_id": group["id"],
        "title": "Ok",
        "location_name": "x",
        "lat": 1,
        "lon": 1,
        "starts_at": future(5),
        "ends_at": future(6),
    }
    cases = [
        ({"lat": 90.5}, "lat"),
        ({"lon": -180.5}, "lon"),
        ({"capacity": 0}, "capacity"),
        ({"ends_at": future(4)}, "body"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": "2030-01-01T10:00:00"}, "starts_at"),
        ({"title": ""}, "title"),
    ]
    for change, field in cases:
        resp = await client.post(
            "/api/v1/events", json={**base, **change}, headers=owner["headers"]
        )
        assert resp.status == 422, change
        assert field in [e["field"] for e in (await resp.json())["errors"]], change
    past = await client.post(
        "/api/v1/events",
        headers=owner["headers"],
        json={**base, "starts_at": future(-2), "ends_at": future(-1)},
    )
    assert past.status == 422
    assert (await past.json())["errors"][0]["field"] == "starts_at"


async def test_private_group_events_are_hidden(client, api: Api) -> None:
    owner, outsider = await api.register(), await api.register()
    group = await make_group(client, owner, visibility="private")
    event = await make_event(client, owner, group["id"])
    for method, url in [
        ("GET", f"/api/v1/events/{event['id']}"),
        ("POST", f"/api/v1/events/{event['id']}/rsvp"),
        ("GET", f"/api/v1/events/{event['id']}/participants"),
        ("GET", f"/api/v1/events/{event['id']}/ics"),
        ("GET", f"/events/{event['id']}"),
    ]:
        resp = await client.request(
            method, url, json={"status": "going"}, headers=outsider["headers"]
        )
        assert resp.status == 404, (method, url)
    listed = await (await client.get("/api/v1/events", headers=outsider["headers"])).json()
    assert listed["items"] == []
    mine = await (await client.get("/api/v1/events", headers=owner["headers"])).json()
    assert [e["id"] for e in mine["items"]] == [event["id"]]


async def test_cancel_and_past_refuse_rsvps(client, api: Api, monkeypatch) -> None:
    owner, guest = await api.register(), await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"])
    url = f"/api/v1/events/{event['id']}"
    later = await make_event(client, owner, group["id"], title="Later one")
    cancelled = await client.post(
        f"{url}/cancel", json={"reason": "storm warning"}, headers=owner["headers"]
    )
    assert cancelled.status == 200
    assert (await cancelled.json())["status"] == "cancelled"
    refused = await client.post(f"{url}/rsvp", json={"status": "going"}, headers=guest["headers"])
    assert refused.status == 409 and "cancelled" in (await refused.json())["detail"]
    again = await client.post(f"{url}/cancel", json={"reason": "x"}, headers=owner["headers"])
    assert again.status == 409
    moment = clock.now() + timedelta(days=3)
    monkeypatch.setattr(clock, "now", lambda: moment)
    over = await client.post(
        f"/api/v1/events/{later['id']}/rsvp", json={"status": "going"}, headers=guest["headers"]
    )
    assert over.status == 409 and "over" in (await over.json())["detail"]
    seen = await (await client.get(f"/api/v1/events/{later['id']}")).json()
    assert seen["status"] == "past"


async def test_nearby_orders_by_distance_with_filters(client, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    hamburg = await make_event(client, owner, group["id"], title="Hamburg", lat=53.55, lon=9.99)
    potsdam = await make_event(
        client,
        owner,
        group["id"],
        title="Potsdam",
        lat=52.39,
        lon=13.06,
        starts_at=future(48),
        ends_at=future(50),
    )
    mitte = await make_event(
        client,
        owner,
        group["id"],
        title="Mitte",
        lat=52.52,
        lon=13.40,
        starts_at=future(72),
        ends_at=future(73),
    )
    near = await (await client.get("/api/v1/events?near=52.52,13.405&radius_km=50")).json()
    assert [e["title"] for e in near["items"]] == ["Mitte", "Potsdam"]
    assert near["items"][0]["distance_km"] < 1 and 25 < near["items"][1]["distance_km"] < 30
    soonest = await (await client.get("/api/v1/events")).json()
    assert [e["id"] for e in soonest["items"]] == [hamburg["id"], potsdam["id"], mitte["id"]]
    page = await (await client.get("/api/v1/events?limit=2")).json()
    rest = await (await client.get(f"/api/v1/events?limit=2&cursor={page['next_cursor']}")).json()
    assert [e["id"] for e in page["items"] + rest["items"]] == [e["id"] for e in soonest["items"]]
    window = await (await client.get(f"/api/v1/events?from={future(40)}&to={future(60)}")).json()
    assert [e["title"] for e in window["items"]] == ["Potsdam"]
    by_text = await (await client.get("/api/v1/events?q=hamb")).json()
    assert [e["title"] for e in by_text["items"]] == ["Hamburg"]
    by_group = await (await client.get(f"/api/v1/events?group_id={group['id']}")).json()
    assert len(by_group["items"]) == 3


async def test_nearby_pages_through_a_crowded_venue_without_gaps_or_repeats(
    client, api: Api
) -> None:
    """Weekly meetups share one venue: equal distances are ordered by id, and pages of
    two walk through them (and the events around them) each exactly once."""
    owner = await api.register()
    group = await make_group(client, owner)
    private = await make_group(client, owner, name="Hidden", visibility="private")
    at_venue = [
        (
            await make_event(
                client,
                owner,
                group["id"],
                lat=52.5,
                lon=13.4,
                starts_at=future(h),
                ends_at=future(h + 2),
            )
        )["id"]
        for h in (30, 20, 40, 25, 35)
    ]
    closer = await make_event(client, owner, group["id"], lat=52.49, lon=13.4)
    further = await make_event(client, owner, group["id"], lat=52.53, lon=13.4)
    await make_event(client, owner, private["id"], lat=52.5, lon=13.4)  # not for outsiders
    await make_event(client, owner, group["id"], lat=52.9, lon=13.4)  # outside 20 km
    seen: list[int] = []
    distances: list[float] = []
    cursor = ""
    for _ in range(10):
        resp = await client.get(f"/api/v1/events?near=52.48,13.4&radius_km=20&limit=2{cursor}")
        assert resp.status == 200
        page = await resp.json()
        seen += [e["id"] for e in page["items"]]
        distances += [e["distance_km"] for e in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert seen == [closer["id"], *sorted(at_venue), further["id"]]
    assert distances == sorted(distances)
    assert 2.2 < distances[1] < 2.3 and distances[1] == distances[5]


async def test_a_nearby_page_ends_at_the_radius(client, api: Api) -> None:
    """PostgreSQL asks for the nearest events and keeps those within the radius: a page
    filled by the last events inside it has no next page, however many lie just
    outside; the next nearest inside a wider radius make one. Signed in, the members of
    a private group see its events nearby, with their place on the waitlist."""
    owner, first, second = await api.register(), await api.register(), await api.register()
    group = await make_group(client, owner)
    private = await make_group(client, owner, name="Hidden", visibility="private")
    inside = [
        (await make_event(client, owner, group["id"], capacity=1, lat=52.52 + d, lon=13.405))["id"]
        for d in (0.01, 0.02)
    ]
    outside = [
        (await make_event(client, owner, group["id"], lat=52.52 + d, lon=13.405))["id"]
        for d in (0.10, 0.11, 0.12)  # 11 to 13 km north
    ]
    hidden = await make_event(client, owner, private["id"], lat=52.52, lon=13.405)
    for person in (first, second):
        assert (await rsvp(client, {"id": inside[1]}, person))[0] == 200

    async def near(radius: int, who: dict | None = None, cursor: str = "") -> dict:
        found = await client.get(
            f"/api/v1/events?near=52.52,13.405&radius_km={radius}&limit=2{cursor}",
            headers=(who or {}).get("headers", {}),
        )
        assert found.status == 200, await found.text()
        return await found.json()

    page = await near(10)
    assert [e["id"] for e in page["items"]] == inside and page["next_cursor"] is None
    page = await near(12)
    assert [e["id"] for e in page["items"]] == inside and page["next_cursor"]
    rest = await near(12, cursor=f"&cursor={page['next_cursor']}")
    assert [e["id"] for e in rest["items"]] == outside[:1] and rest["next_cursor"] is None
    assert (await near(1))["items"] == []

    members = await near(10, owner)
    assert [e["id"] for e in members["items"]] == [hidden["id"], inside[0]]
    assert members["items"][0]["my_rsvp"] is None
    waiting = await near(10, second)  # not a member: the private group stays hidden
    assert [e["id"] for e in waiting["items"]] == inside
    assert [e["my_rsvp"] for e in waiting["items"]] == [
        None,
        {"status": "waitlisted", "waitlist_position": 1},
    ]


async def test_nearby_is_not_date_first_then_distance(client, api: Api) -> None:
    """30 soon events far away must not hide one later event close by."""
    owner = await api.register()
    group = await make_group(client, owner)
    for i in range(30):
        await make_event(
            client,
            owner,
            group["id"],
            title=f"Far {i}",
            lat=40.0,
            lon=-3.7,
            starts_at=future(1 + i),
            ends_at=future(2 + i),
        )
    await make_event(
        client,
        owner,
        group["id"],
        title="Close",
        lat=52.52,
        lon=13.40,
        starts_at=future(500),
        ends_at=future(501),
    )
    near = await (await client.get("/api/v1/events?near=52.52,13.405&radius_km=10")).json()
    assert [e["title"] for e in near["items"]] == ["Close"]


async def test_nearby_follows_moved_cancelled_and_deleted_events(client, api: Api) -> None:
    """The places nearby search reads (SQLite's R*Tree, PostgreSQL's partial index)
    follow every change: a moved event is found at its new place only, a cancelled or
    deleted one nowhere; across the antimeridian too."""
    owner = await api.register()
    group = await make_group(client, owner)
    moving, cancelled, deleted = [
        (await make_event(client, owner, group["id"], title=t, lat=52.52, lon=13.40))["id"]
        for t in ("Moving", "Cancelled", "Deleted")
    ]
    fiji = await make_event(client, owner, group["id"], title="Fiji", lat=-17.0, lon=179.99)

    async def near(place: str) -> list[int]:
        found = await client.get(f"/api/v1/events?near={place}&radius_km=10")
        assert found.status == 200
        return [e["id"] for e in (await found.json())["items"]]

    assert await near("52.52,13.405") == sorted([moving, cancelled, deleted])
    assert await near("-17.0,-179.99") == [fiji["id"]]
    moved = await client.patch(
        f"/api/v1/events/{moving}", json={"lat": 53.55, "lon": 9.99}, headers=owner["headers"]
    )
    assert moved.status == 200, await moved.text()
    cancel = await client.post(
        f"/api/v1/events/{cancelled}/cancel", json={"reason": "rain"}, headers=owner["headers"]
    )
    assert cancel.status == 200
    gone = await client.delete(f"/api/v1/events/{deleted}", headers=owner["headers"])
    assert gone.status == 204
    assert await near("52.52,13.405") == []
    assert await near("53.55,9.99") == [moving]


async def test_bad_query_parameters(client) -> None:
    for query in (
        "near=91,0",
        "near=0,181",
        "near=x",
        "near=1,1&radius_km=501",
        "radius_km=3",
        "from=yesterday",
        "limit=500",
        "group_id=0",
    ):
        resp = await client.get(f"/api/v1/events?{query}")
        assert resp.status == 422, query
    assert (await client.get("/api/v1/events?cursor=!!")).status == 400


async def test_my_calendar(client, api: Api) -> None:
    owner, me = await api.register(), await api.register()
    group = await make_group(client, owner)
    going = await make_event(client, owner, group["id"], title="Going")
    interested = await make_event(client, owner, group["id"], title="Maybe")
    await make_event(client, owner, group["id"], title="Not mine")
    await client.post(
        f"/api/v1/events/{going['id']}/rsvp", json={"status": "going"}, headers=me["headers"]
    )
    await client.post(
        f"/api/v1/events/{interested['id']}/rsvp",
        json={"status": "interested"},
        headers=me["headers"],
    )
    cal = await (
        await client.get(
            f"/api/v1/calendar?from={future(-1)}&to={future(100)}", headers=me["headers"]
        )
    ).json()
    assert {e["title"]: e["my_rsvp"]["status"] for e in cal["items"]} == {
        "Going": "going",
        "Maybe": "interested",
    }
    bad = await client.get(
        f"/api/v1/calendar?from={future(10)}&to={future(1)}", headers=me["headers"]
    )
    assert bad.status == 422
    # A rule on the query as a whole is the query's, not a body's (a GET has none).
    assert [e["field"] for e in (await bad.json())["errors"]] == ["query"]


async def test_mine_lists_only_my_rsvps_and_needs_sign_in(client, api: Api) -> None:
    owner, me = await api.register(), await api.register()
    group = await make_group(client, owner)
    going = await make_event(client, owner, group["id"], title="Mine")
    await make_event(client, owner, group["id"], title="Not mine")
    await client.post(
        f"/api/v1/events/{going['id']}/rsvp", json={"status": "going"}, headers=me["headers"]
    )
    answer = await client.get("/api/v1/events?mine=true", headers=me["headers"])
    assert answer.status == 200
    assert [e["title"] for e in (await answer.json())["items"]] == ["Mine"]
    assert (await client.get("/api/v1/events?mine=true")).status == 401


async def test_answers_to_a_past_or_cancelled_event_are_its_record(
    client, api: Api, monkeypatch
) -> None:
    """Withdrawing from an event that is over let people dodge ratings (who may rate whom
    rests on who went) and left a free seat beside a waitlist (found by a black-box
    trial): after the end, or once cancelled, answers no longer change either way."""
    owner, ann, ben = await api.register(), await api.register("Ann"), await api.register("Ben")
    group = await make_group(client, owner)
    soon = await make_event(client, owner, group["id"], capacity=1)
    off = await make_event(client, owner, group["id"], title="Off")
    for event in (soon, off):
        assert (await rsvp(client, event, ann))[0] in (200, 201)
    assert (await rsvp(client, soon, ben))[0] in (200, 201)  # waitlisted
    cancelled = await client.post(
        f"/api/v1/events/{off['id']}/cancel", json={"reason": "rain"}, headers=owner["headers"]
    )
    assert cancelled.status == 200
    gone = await client.delete(f"/api/v1/events/{off['id']}/rsvp", headers=ann["headers"])
    assert gone.status == 409 and "cancelled" in (await gone.json())["detail"]

    moment = clock.now() + timedelta(days=3)
    monkeypatch.setattr(clock, "now", lambda: moment)
    left = await client.delete(f"/api/v1/events/{soon['id']}/rsvp", headers=ann["headers"])
    assert left.status == 409 and "over" in (await left.json())["detail"]
    state = await (await client.get(f"/api/v1/events/{soon['id']}")).json()
    assert (state["going_count"], state["waitlist_count"]) == (1, 1)
