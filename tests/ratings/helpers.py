"""An ended event with people going, waiting and interested, made through the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from crewup.core import clock
from tests.support.api import Api, make_event, make_group, rsvp


@dataclass
class Outing:
    owner: dict[str, Any]
    group: dict[str, Any]
    event: dict[str, Any]
    going: list[dict[str, Any]]
    waitlisted: dict[str, Any]
    interested: dict[str, Any]
    ends_at: datetime

    def move_to(self, monkeypatch: pytest.MonkeyPatch, after_end: timedelta) -> None:
        moment = self.ends_at + after_end
        monkeypatch.setattr(clock, "now", lambda: moment)


async def outing(
    client: TestClient, api: Api, going: int = 3, *, visibility: str = "public"
) -> Outing:
    """`going` people going (capacity full), one more waitlisted, one interested."""
    owner = await api.register("Organiser")
    group = await make_group(client, owner, visibility=visibility)
    people = [await api.register(f"Goer {i}") for i in range(going)]
    waiting, curious = await api.register("Waiting"), await api.register("Curious")
    if visibility == "private":
        url = f"/api/v1/groups/{group['id']}"
        for person in (*people, waiting, curious):
            await client.post(f"{url}/join", headers=person["headers"])
            approved = await client.post(
                f"{url}/requests/{person['user']['id']}/approve", headers=owner["headers"]
            )
            assert approved.status < 300, await approved.text()
    event = await make_event(client, owner, group["id"], capacity=going)
    for person in people:
        assert (await rsvp(client, event, person))[1]["status"] == "going"
    assert (await rsvp(client, event, waiting))[1]["status"] == "waitlisted"
    assert (await rsvp(client, event, curious, "interested"))[1]["status"] == "interested"
    ends_at = datetime.fromisoformat(event["ends_at"].replace("Z", "+00:00"))
    return Outing(owner, group, event, people, waiting, curious, ends_at)


async def rate(
    client: TestClient,
    rater: dict[str, Any],
    ratee: dict[str, Any],
    event: dict[str, Any],
    score: Any = 4,
    **extra: Any,
) -> tuple[int, Any]:
    resp = await client.post(
        f"/api/v1/users/{ratee['user']['id']}/ratings",
        json={"score": score, "event_id": event["id"], **extra},
        headers=rater["headers"],
    )
    return resp.status, await resp.json()


async def edit(
    client: TestClient, rater: dict[str, Any], ratee: dict[str, Any], event_id: int, **changes: Any
) -> tuple[int, Any]:
    resp = await client.patch(
        f"/api/v1/users/{ratee['user']['id']}/ratings/{event_id}",
        json=changes,
        headers=rater["headers"],
    )
    return resp.status, await resp.json()


async def reputation(client: TestClient, person: dict[str, Any], viewer: dict[str, Any]) -> Any:
    resp = await client.get(f"/api/v1/users/{person['user']['id']}", headers=viewer["headers"])
    assert resp.status == 200, await resp.text()
    return (await resp.json())["reputation"]


async def all_ratings(
    client: TestClient, person: dict[str, Any], viewer: dict[str, Any]
) -> list[dict[str, Any]]:
    """Every page of someone's ratings, following next_cursor."""
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = f"?limit=7&cursor={cursor}" if cursor else "?limit=7"
        resp = await client.get(
            f"/api/v1/users/{person['user']['id']}/ratings{query}", headers=viewer["headers"]
        )
        assert resp.status == 200, await resp.text()
        body = await resp.json()
        found += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return found
