"""Calendars (.ics per event, personal feed) and the event pages."""

from __future__ import annotations

import asyncio
import re

import pytest
from icalendar import Calendar

from crewup.app import create_app
from tests.support.api import Api, future, make_event, make_group
from tests.support.pages import group_via_form, signed_in


def parse(body: bytes) -> list:
    return [c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT"]


async def test_event_ics_is_rfc5545_and_shows_cancellation(client, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(
        client,
        owner,
        group["id"],
        title="Night climb, with; commas",
        description="Bring a headlamp",
    )
    resp = await client.get(f"/api/v1/events/{event['id']}/ics")
    assert resp.status == 200
    assert resp.content_type == "text/calendar"
    [entry] = parse(await resp.read())
    assert str(entry["summary"]) == "Night climb, with; commas"
    assert str(entry["status"]) == "CONFIRMED"
    assert entry.decoded("dtstart").isoformat().startswith(event["starts_at"][:16])
    # An edit and a cancel in the same second as the creation: calendars replace their
    # copy only when SEQUENCE grows, so each change must raise it (and LAST-MODIFIED).
    edited = await client.patch(
        f"/api/v1/events/{event['id']}", json={"title": "Night climb"}, headers=owner["headers"]
    )
    assert edited.status == 200, await edited.text()
    [renamed] = parse(await (await client.get(f"/api/v1/events/{event['id']}/ics")).read())
    await client.post(
        f"/api/v1/events/{event['id']}/cancel", json={"reason": "ice"}, headers=owner["headers"]
    )
    [cancelled] = parse(await (await client.get(f"/api/v1/events/{event['id']}/ics")).read())
    assert str(cancelled["status"]) == "CANCELLED"
    assert "ice" in str(cancelled["description"])
    versions = [entry, renamed, cancelled]
    sequences = [int(v["sequence"]) for v in versions]
    assert sequences[0] < sequences[1] < sequences[2], sequences
    modified = [v.decoded("last-modified") for v in versions]
    assert modified[0] < modified[1] < modified[2], modified


async def test_personal_feed_lists_my_events_and_can_be_revoked(client, api: Api) -> None:
    owner, me = await api.register(), await api.register()
    group = await make_group(client, owner)
    mine = await make_event(client, owner, group["id"], title="Mine")
    await make_event(client, owner, group["id"], title="Not mine")
    await client.post(
        f"/api/v1/events/{mine['id']}/rsvp", json={"status": "going"}, headers=me["headers"]
    )
    feed = await (await client.post("/api/v1/calendar/feed", headers=me["headers"])).json()
    assert feed["url"].endswith(feed["token"])
    resp = await client.get(f"/api/v1/calendar.ics?token={feed['token']}")
    assert resp.status == 200
    assert [str(e["summary"]) for e in parse(await resp.read())] == ["Mine"]
    rotated = await (await client.post("/api/v1/calendar/feed", headers=me["headers"])).json()
    assert (await client.get(f"/api/v1/calendar.ics?token={feed['token']}")).status == 404
    assert (await client.get(f"/api/v1/calendar.ics?token={rotated['token']}")).status == 200
    assert (await client.delete("/api/v1/calendar/feed", headers=me["headers"])).status == 204
    assert (await client.get(f"/api/v1/calendar.ics?token={rotated['token']}")).status == 404
    assert (await client.get("/api/v1/calendar.ics")).status == 404


async def test_event_page_rsvp_buttons_and_waitlist_position(client, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=1, title="<Tiny> hut")
    taker = await api.register()
    await client.post(
        f"/api/v1/events/{event['id']}/rsvp", json={"status": "going"}, headers=taker["headers"]
    )
    anonymous = await (await client.get(f"/events/{event['id']}")).text()
    assert "Sign in to RSVP" in anonymous and "&lt;Tiny&gt; hut" in anonymous
    token = await signed_in(client, "Bea", "bea@example.com")
    page = await (await client.get(f"/events/{event['id']}")).text()
    assert "Join the waitlist" in page
    joined = await client.post(
        f"/events/{event['id']}/rsvp", data={"csrf_token": token, "status": "going"}
    )
    html = await joined.text()
    assert "number 1 on the waitlist" in html
    assert "<strong>#1</strong> on the waitlist" in html
    await client.delete(f"/api/v1/events/{event['id']}/rsvp", headers=taker["headers"])
    promoted = await (await client.get(f"/events/{event['id']}")).text()
    assert "You're going." in promoted
    assert f'href="/events/{event["id"]}/calendar.ics"' in promoted


async def test_plan_event_form_shows_field_errors(client) -> None:
    token = await signed_in(client)
    group_url = await group_via_form(client, token, "Hikers", category="outdoors")
    form = await client.get(f"{group_url}/events/new")
    assert form.status == 200
    bad = await client.post(
        f"{group_url}/events/new",
        data={
            "csrf_token": token,
            "title": "Hike",
            "description": "",
            "location_name": "Trail",
            "lat": "95",
            "lon": "13",
            "starts_at": future(5)[:16],
            "ends_at": future(4)[:16],
            "capacity": "",
        },
    )
    assert bad.status == 422
    html = await bad.text()
    assert 'id="e-lat"' in html
    good = await client.post(
        f"{group_url}/events/new",
        data={
            "csrf_token": token,
            "title": "Hike",
            "description": "",
            "location_name": "Trail",
            "lat": "52.4",
            "lon": "13.1",
            "starts_at": future(5)[:16],
            "ends_at": future(8)[:16],
            "capacity": "12",
        },
        allow_redirects=False,
    )
    assert good.status == 303
    event_id = re.search(r"/events/(\d+)", good.headers["Location"]).group(1)
    listing = await (await client.get("/events?near=52.4,13.1&radius_km=5")).text()
    assert f'href="/events/{event_id}"' in listing


async def test_events_list_plots_its_events_on_a_map_and_works_without_one(
    aiohttp_client, make_settings
) -> None:
    client = await aiohttp_client(create_app(make_settings()))
    owner = await Api(client).register()
    group = await make_group(client, owner)
    event = await make_event(
        client, owner, group["id"], title="<b>Crag</b> & co", lat=52.5, lon=13.4
    )
    page = await (await client.get("/events?near=52.52,13.405&radius_km=20")).text()
    assert 'id="events-map"' in page and "tile.openstreetmap.org/{z}/{x}/{y}.png" in page
    assert 'data-lat="52.5" data-lon="13.4"' in page
    assert 'data-title="&lt;b&gt;Crag&lt;/b&gt; &amp; co"' in page  # escaped, never markup
    assert 'id="near-me"' in page  # "use my location", shown where the browser can tell
    for asset in (
        "/static/vendor/leaflet-1.9.4/leaflet.js",
        "/static/js/events-map.js",
        "/static/js/near-me.js",
    ):
        assert asset in page
        assert (await client.get(asset)).status == 200
    event_page = await (await client.get(f"/events/{event['id']}")).text()
    assert 'id="events-map"' in event_page

    plain = await aiohttp_client(create_app(make_settings(map_tile_url="")))
    page = await (await plain.get("/events?near=52.52,13.405&radius_km=20")).text()
    assert "events-map" not in page and "leaflet" not in page
    assert "&lt;b&gt;Crag&lt;/b&gt; &amp; co" in page  # the list is all there without a map


async def test_a_tile_url_without_placeholders_is_refused(make_settings) -> None:
    with pytest.raises(ValueError, match="map_tile_url"):
        make_settings(map_tile_url="https://tiles.example.org/map.png")


async def test_times_are_written_in_utc_for_scripts_to_show_locally(client, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(
        client, owner, group["id"], starts_at="2031-03-09T18:30:00Z", ends_at="2031-03-09T21:00:00Z"
    )
    page = await (await client.get(f"/events/{event['id']}")).text()
    assert (
        '<time datetime="2031-03-09T18:30:00Z" data-local="long">Sun 09 Mar 2031, 18:30 UTC</time>'
        in page
    )
    assert '<time datetime="2031-03-09T21:00:00Z" data-local="time">21:00 UTC</time>' in page
    assert "/static/js/local-times.js" in page
    assert (await client.get("/static/js/local-times.js")).status == 200


async def test_asking_for_a_feed_link_twice_at_once_keeps_one(client, api: Api) -> None:
    person = await api.register()
    answers = await asyncio.gather(
        *(client.post("/api/v1/calendar/feed", headers=person["headers"]) for _ in range(6))
    )
    assert {a.status for a in answers} == {201}
    urls = [(await a.json())["url"] for a in answers]
    paths = [u[u.index("/api/") :] for u in urls]
    working = [p for p in paths if (await client.get(p)).status == 200]
    assert len(working) == 1  # the last one written; every older link stops working
