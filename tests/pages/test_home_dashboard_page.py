"""The home page as a dashboard: my next events with my place in line, my groups'
latest posts, and what waits for me, in the same few statements however much there is."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.support.api import Api, make_event, make_group, rsvp
from tests.support.pages import get_csrf
from tests.support.statements import StatementCounter


async def _sign_in_as(client: TestClient, person: dict[str, Any]) -> None:
    token = await get_csrf(client, "/login")
    login = {"csrf_token": token, "email": person["email"], "password": person["password"]}
    assert (await client.post("/login", data=login, allow_redirects=False)).status == 303


async def _post(client: TestClient, author: dict[str, Any], group_id: int, title: str) -> None:
    resp = await client.post(
        f"/api/v1/groups/{group_id}/posts",
        json={"title": title, "body": "See you there"},
        headers=author["headers"],
    )
    assert resp.status == 201, await resp.text()


async def _home(client: TestClient) -> tuple[str, int]:
    with StatementCounter(client.app) as counted:
        resp = await client.get("/")
        assert resp.status == 200
        html = await resp.text()
    return html, counted.count


async def test_dashboard(client: TestClient, api: Api) -> None:
    owner, me, other = await api.register("Olga"), await api.register("Ann"), await api.register()
    crew = await make_group(client, owner, name="Crag Rats")
    secret = await make_group(client, owner, name="Hidden Club", visibility="private")
    joined = await client.post(f"/api/v1/groups/{crew['id']}/join", headers=me["headers"])
    assert joined.status in (200, 201)
    await _sign_in_as(client, me)

    empty, few = await _home(client)
    assert "You have no upcoming events" in empty and "No posts in your groups yet" in empty

    full = await make_event(client, owner, crew["id"], title="Full <climb>", capacity=1)
    going = await make_event(client, owner, crew["id"], title="Open climb")
    await make_event(client, owner, crew["id"], title="Not answered")
    assert (await rsvp(client, full, other))[0] == 200
    assert (await rsvp(client, full, me))[1]["status"] == "waitlisted"
    assert (await rsvp(client, going, me))[0] == 200
    for n in range(3):
        await _post(client, owner, crew["id"], f"Topo update {n}")
    await _post(client, owner, secret["id"], "Members only news")

    html, many = await _home(client)
    mine = html.split("My next events", 1)[1].split("Latest in my groups", 1)[0]
    assert "Full &lt;climb&gt;" in mine and "waitlisted, #1 in line" in mine
    assert "Open climb" in mine and "going" in mine
    assert "Not answered" not in mine
    latest = html.split("Latest in my groups", 1)[1]
    assert latest.index("Topo update 2") < latest.index("Topo update 0")
    assert "Members only news" not in html
    assert many == few  # no statement per event, post or group
