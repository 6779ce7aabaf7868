"""A small world for the safety tests: an author with a group, events near and far, and
helpers to raise, read and answer alerts through the public API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from crewup.core import clock
from tests.support.api import make_event, make_group

# The alert's point, and an event about 150 m from it.
HERE = {"lat": 52.5200, "lon": 13.4050}
NEAR = {"lat": 52.5210, "lon": 13.4060}
FAR = {"lat": 52.9000, "lon": 13.4050}  # about 42 km north


async def join(client: TestClient, person: dict[str, Any], group: dict[str, Any]) -> None:
    resp = await client.post(f"/api/v1/groups/{group['id']}/join", headers=person["headers"])
    assert resp.status == 200, await resp.text()


async def event_at(
    client: TestClient,
    organiser: dict[str, Any],
    group: dict[str, Any],
    place: dict[str, float],
    *,
    starts_in_hours: float,
    lasts_hours: float = 3,
) -> dict[str, Any]:
    start = clock.now() + timedelta(hours=starts_in_hours)
    return await make_event(
        client,
        organiser,
        group["id"],
        title=f"Event at {place['lat']}",
        starts_at=clock.isoformat(start),
        ends_at=clock.isoformat(start + timedelta(hours=lasts_hours)),
        **place,
    )


async def raise_alert(
    client: TestClient, author: dict[str, Any], status: int = 201, **fields: Any
) -> dict[str, Any]:
    body = {"message": "Someone fell at the crag", "severity": "emergency", **HERE, **fields}
    resp = await client.post("/api/v1/safety/alerts", json=body, headers=author["headers"])
    assert resp.status == status, await resp.text()
    answer: dict[str, Any] = await resp.json()
    return answer


async def alerts_of(client: TestClient, person: dict[str, Any], query: str = "") -> list[int]:
    resp = await client.get(f"/api/v1/safety/alerts{query}", headers=person["headers"])
    assert resp.status == 200, await resp.text()
    return [item["id"] for item in (await resp.json())["items"]]


async def received(client: TestClient, person: dict[str, Any], alert: dict[str, Any]) -> bool:
    """Whether this person may read the alert because it reached them."""
    resp = await client.get(f"/api/v1/safety/alerts/{alert['id']}", headers=person["headers"])
    if resp.status == 404:
        assert alert["id"] not in await alerts_of(client, person)
        return False
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["my_role"] == "recipient"
    assert alert["id"] in await alerts_of(client, person)
    return True


def later(monkeypatch: pytest.MonkeyPatch, hours: float) -> None:
    """Move the server's clock forward (events that have started, rate windows aside)."""
    moment = clock.now() + timedelta(hours=hours)
    monkeypatch.setattr(clock, "now", lambda: moment)


async def crew(client: TestClient, api: Any) -> dict[str, Any]:
    """The author's group with one other member, and a public group of another organiser
    whose events are near or far."""
    author, member = await api.register("Author"), await api.register("Member")
    group = await make_group(client, author, name="Crag Rats")
    await join(client, member, group)
    organiser = await api.register("Organiser")
    hikers = await make_group(client, organiser, name="Hikers")
    return {
        "author": author,
        "member": member,
        "group": group,
        "organiser": organiser,
        "hikers": hikers,
    }
