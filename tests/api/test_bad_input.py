"""Bad input of every kind found in trials answers 4xx problem+json, never a 500: forged
cursors, instants at the edges of the calendar, pathological JSON, control characters in
one-line fields, and requests too large for the HTTP parser."""

from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import update

from crewup.core.settings import Settings
from crewup.events.tables import events
from crewup.web.appkeys import DB
from tests.support.api import Api, future, make_event, make_group
from tests.support.live_server import live_server

EDGE = "9999-12-31T23:59:59-23:59"  # year 10000 in UTC
EARLY = "0001-01-01T00:00:00+23:59"  # before year 1 in UTC
FORGED = [
    {"t": "x", "id": 9},
    {"id": None},
    {"id": 9999999999999999999999},
    {"d": None, "id": 1},
    {"id": True},
    {"id": 1.5},
    {"user_id": "1"},
    {"seq": -1, "position": 1},
    {"t": EDGE, "id": 1},
    ["id", 1],
    "just a string",
]


def cursor(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def problem(resp: aiohttp.ClientResponse, status: int) -> None:
    assert resp.status == status, resp.status
    assert resp.content_type == "application/problem+json"


@pytest.fixture
async def world(client: TestClient, api: Api) -> dict[str, Any]:
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"])
    post = await client.post(
        f"/api/v1/groups/{group['id']}/posts",
        json={"title": "Hi", "body": "there"},
        headers=owner["headers"],
    )
    return {"owner": owner, "group": group, "event": event, "post": await post.json()}


async def test_forged_cursors_are_400_on_every_list(client: TestClient, world: dict) -> None:
    g, e, p = world["group"]["id"], world["event"]["id"], world["post"]["id"]
    lists = [
        "/api/v1/events?",
        "/api/v1/events?near=52.5,13.4&",
        "/api/v1/groups?",
        "/api/v1/groups?near=52.5,13.4&",
        f"/api/v1/groups/{g}/posts?",
        f"/api/v1/groups/{g}/members?",
        f"/api/v1/groups/{g}/requests?",
        f"/api/v1/posts/{p}/comments?",
        f"/api/v1/events/{e}/participants?status=going&",
        f"/api/v1/events/{e}/participants?status=waitlisted&",
    ]
    headers = world["owner"]["headers"]
    for base in lists:
        for payload in FORGED:
            resp = await client.get(f"{base}cursor={cursor(payload)}", headers=headers)
            problem(resp, 400)
        problem(await client.get(f"{base}cursor=%%%", headers=headers), 400)
        long = cursor({"id": 1, "pad": "x" * 600})
        problem(await client.get(f"{base}cursor={long}", headers=headers), 400)


async def test_forged_cursors_on_pages_show_the_list_not_an_error(client: TestClient) -> None:
    for page in ("/events", "/groups"):
        for payload in FORGED:
            resp = await client.get(f"{page}?cursor={cursor(payload)}")
            assert resp.status == 200, (page, payload)
            assert "not valid" in await resp.text() or "malformed" in await resp.text()


async def test_instants_at_the_edges_of_the_calendar(client: TestClient, world: dict) -> None:
    headers = world["owner"]["headers"]
    for moment in (EDGE, EARLY):
        for query in (f"from={moment}", f"to={moment}"):
            problem(await client.get(f"/api/v1/events?{query.replace('+', '%2B')}"), 422)
        calendar = f"/api/v1/calendar?from={future(-1)}&to={moment.replace('+', '%2B')}"
        problem(await client.get(calendar, headers=headers), 422)
        # The page takes days, within the calendar CrewUp keeps (1970 to 2200).
        page = await client.get(f"/events?from={moment.replace('+', '%2B')}")
        assert page.status == 200 and "not valid" in await page.text()
        body = {
            "group_id": world["group"]["id"],
            "title": "Edge",
            "location_name": "Hall",
            "lat": 1,
            "lon": 1,
            "starts_at": moment,
            "ends_at": moment,
        }
        problem(await client.post("/api/v1/events", json=body, headers=headers), 422)
        edit = await client.patch(
            f"/api/v1/events/{world['event']['id']}", json={"ends_at": moment}, headers=headers
        )
        problem(edit, 422)
    # Days at the edges of the calendar, moved by the farthest zones.
    for days in (
        "to=9999-12-31&tz=-14:00",
        "to=9999-12-31&tz=%2B14:00",
        "from=0001-01-01&tz=%2B14:00",
        "from=9999-12-31&to=9999-12-31&tz=-12:00&when=range",
        "from=1970-01-01&tz=%2B14:00",
    ):
        edge_day = await client.get(f"/events?{days}")
        assert edge_day.status == 200, days
        assert "not valid" in await edge_day.text(), days


async def test_pathological_json_is_400(client: TestClient, api: Api) -> None:
    person = await api.register()
    headers = {**person["headers"], "Content-Type": "application/json"}
    deep = "[" * 5000 + "]" * 5000
    nested_object = '{"name":' + '{"a":' * 500 + "1" + "}" * 500 + "}"
    huge_int = '{"name":"abc","category":"games","max_members":' + "9" * 5000 + "}"
    for raw in (deep, nested_object, huge_int, '{"name": ' + "[" * 20 + "]" * 20 + "}"):
        problem(await client.post("/api/v1/groups", data=raw, headers=headers), 400)
    too_big = '{"name":"abc","category":"games","max_members":' + "9" * 30 + "}"
    problem(await client.post("/api/v1/groups", data=too_big, headers=headers), 422)


@pytest.mark.parametrize(
    "field", ["title", "location_name"], ids=["title with a break", "place with a break"]
)
async def test_one_line_fields_refuse_line_breaks(
    client: TestClient, world: dict, field: str
) -> None:
    url = f"/api/v1/events/{world['event']['id']}"
    for text in ("first\nsecond", "first\r\nsecond", "tab\there", "bell\x07"):
        resp = await client.patch(url, json={field: text}, headers=world["owner"]["headers"])
        problem(resp, 422)
    kept = await client.patch(
        url, json={"description": "line one\nline two\ttabbed"}, headers=world["owner"]["headers"]
    )
    assert kept.status == 200


BLANK_NAMES = ["\u200b\u200b", "\u3164", "\u2800\u2800", "\u200d\u0301", "\u00a0\u2060"]
# Names that show as something else: "\u202eevil" reads "live".
TURNED_NAMES = ["\u202eevil", "Ann\u202bx", "\u202aAnn"]


async def test_names_nobody_can_see_are_refused(client: TestClient, api: Api, world: dict) -> None:
    for blank in BLANK_NAMES + TURNED_NAMES:
        resp = await client.post(
            "/api/v1/auth/register",
            json={
                "email": "blank@example.org",
                "password": "a long passphrase 1",
                "display_name": blank,
            },
        )
        problem(resp, 422)
        resp = await client.patch(
            "/api/v1/users/me", json={"display_name": blank}, headers=world["owner"]["headers"]
        )
        problem(resp, 422)
        resp = await client.post(
            "/api/v1/groups", json={"name": blank}, headers=world["owner"]["headers"]
        )
        problem(resp, 422)
    # Invisible characters inside a visible name are someone's spelling, and kept; so is
    # a right-to-left mark.
    for kept in (
        "Zoë\u200d",
        "\u05d3\u05e0\u05d4\u200f",
        "\u2067\u0639\u0631\u0628\u064a\u2069 Bob",
    ):
        resp = await client.patch(
            "/api/v1/users/me", json={"display_name": kept}, headers=world["owner"]["headers"]
        )
        assert resp.status == 200, await resp.text()


async def test_the_calendar_file_survives_breaks_stored_before_the_rule(
    client: TestClient, world: dict
) -> None:
    async with client.server.app[DB].transaction() as conn:
        await conn.execute(update(events).values(title="Old\ntitle", location_name="Hall\r\nA\x07"))
    resp = await client.get(f"/api/v1/events/{world['event']['id']}/ics")
    assert resp.status == 200
    text = await resp.text()
    assert "SUMMARY:Old title" in text and "LOCATION:Hall A" in text


async def test_requests_too_large_to_parse_are_problem_json(settings: Settings) -> None:
    with live_server(settings) as base:
        async with aiohttp.ClientSession() as http:
            for kwargs in (
                {"url": f"{base}/api/v1/events?q={'a' * 9000}"},
                {"url": f"{base}/api/v1/events", "headers": {"X-Big": "a" * 9000}},
            ):
                async with http.get(**kwargs) as resp:
                    assert resp.status == 400
                    assert resp.content_type == "application/problem+json"
                    body = await resp.json()
                    assert body["status"] == 400 and "too long" in body["detail"]


async def test_ids_too_long_to_convert_are_not_found(client: TestClient, api: Api) -> None:
    """Python refuses to turn more than 4,300 digits into a number (ValueError): a path or
    form id that long was a 500 (found by a black-box trial)."""
    person = await api.register()
    huge = "9" * 5000
    for path in (f"/api/v1/groups/{huge}", f"/api/v1/events/{huge}", f"/api/v1/users/{huge}"):
        resp = await client.get(path, headers=person["headers"])
        problem(resp, 404)
        assert len(await resp.text()) < 1000  # the answer does not echo the whole id
    assert (await client.get(f"/groups/{huge}")).status == 404
    # A person's page asks a visitor to sign in first, whatever the id.
    assert (await client.get(f"/users/{huge}", allow_redirects=False)).status in (302, 303)


UNREADABLE_FORMS = [
    ("application/x-www-form-urlencoded", b"\xff\xfe=\xff"),
    ("application/x-www-form-urlencoded; charset=bogus-charset", b"email=a"),
    ("application/x-www-form-urlencoded; charset=utf-16", b"email=a"),
    ("multipart/form-data", b"x"),
    (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="email"\r\n\r\n\xff\xfe\r\n--x--\r\n',
    ),
]


async def test_form_bodies_that_cannot_be_read_are_400_on_pages(
    client: TestClient, api: Api
) -> None:
    """A page form with undecodable bytes or an unknown charset was a 500 with a
    traceback, signed out too (a black-box trial); the API already said 400."""
    for path in ("/login", "/register", "/language"):
        for content_type, body in UNREADABLE_FORMS:
            resp = await client.post(
                path, data=body, headers={"Content-Type": content_type, "Accept": "text/html"}
            )
            assert resp.status == 400, (path, content_type, resp.status)
            assert "could not be read" in await resp.text()


async def test_numbers_and_instants_are_what_they_say(client: TestClient, world: dict) -> None:
    """`"capacity": true` made one seat and `"starts_at": 1893456000` was read as Unix
    seconds (a black-box trial); the docs ask for numbers and zoned instants."""
    url = f"/api/v1/events/{world['event']['id']}"
    headers = world["owner"]["headers"]
    for patch in (
        {"capacity": True},
        {"starts_at": 1893456000},
        {"starts_at": "1893456000"},
        {"starts_at": "1.9e9"},
        {"starts_at": "+1893456000"},
        {"ends_at": 1893459600.5},
    ):
        problem(await client.patch(url, json=patch, headers=headers), 422)
    resp = await client.post(
        "/api/v1/groups", json={"name": "Flags", "max_members": False}, headers=headers
    )
    problem(resp, 422)
    assert (await client.patch(url, json={"capacity": 3}, headers=headers)).status == 200
