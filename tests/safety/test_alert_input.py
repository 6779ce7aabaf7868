"""Bad input is a 4xx, never a 5xx; alerts are rate limited per person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient

from crewup.app import create_app
from tests.safety.world import HERE, crew, raise_alert
from tests.support.api import Api


async def test_bad_input_is_refused(client: TestClient, api: Api) -> None:
    world = await crew(client, api)
    author = world["author"]
    good = {"message": "Help", "severity": "warning", **HERE}
    for bad in (
        {**good, "lat": 91},
        {**good, "lat": "north"},
        {**good, "lon": -180.5},
        {**good, "severity": "apocalyptic"},
        {**good, "message": ""},
        {**good, "message": "   "},
        {**good, "message": "x" * 1001},
        {**good, "group_ids": []},
        {**good, "group_ids": ["seven"]},
        {**good, "group_ids": [0]},
        {**good, "colour": "red"},
        {"message": "Help", **HERE, "lat": None},
        {"severity": "info", **HERE},
    ):
        resp = await client.post("/api/v1/safety/alerts", json=bad, headers=author["headers"])
        assert resp.status == 422, (bad, resp.status, await resp.text())
        assert resp.content_type == "application/problem+json"
    about_event = await client.post(
        "/api/v1/safety/alerts", json={**good, "event_id": 1}, headers=author["headers"]
    )
    assert about_event.status == 422
    assert "an alert is about a place, not an event" in (await about_event.json())["detail"]
    for raw in ('{"message": "Help", "lat": NaN, "lon": 13.4}', "[1, 2]", "{not json"):
        resp = await client.post(
            "/api/v1/safety/alerts",
            data=raw,
            headers={**author["headers"], "Content-Type": "application/json"},
        )
        assert 400 <= resp.status < 500, (raw, resp.status)
    # A group I am not in: refused, whatever it is.
    resp = await client.post(
        "/api/v1/safety/alerts", json={**good, "group_ids": [2**31 - 1]}, headers=author["headers"]
    )
    assert resp.status == 404
    resp = await client.post("/api/v1/safety/alerts", json=good)
    assert resp.status == 401
    for path in ("/api/v1/safety/alerts/0", "/api/v1/safety/alerts/99999999999"):
        resp = await client.get(path, headers=author["headers"])
        assert resp.status == 404


async def test_alerts_are_rate_limited_per_person(
    aiohttp_client: Any, make_settings: Callable[..., Any]
) -> None:
    client = await aiohttp_client(create_app(make_settings(rate_limit_safety_alerts="2/minute")))
    api = Api(client)
    world = await crew(client, api)
    author, member = world["author"], world["member"]
    await raise_alert(client, author)
    await raise_alert(client, author)
    resp = await client.post(
        "/api/v1/safety/alerts",
        json={"message": "Third", "severity": "info", **HERE},
        headers=author["headers"],
    )
    assert resp.status == 429, await resp.text()
    assert int(resp.headers["Retry-After"]) >= 1
    # Someone else still may.
    await raise_alert(client, member)
