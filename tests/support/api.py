"""Acting through the public HTTP API only: people, groups and events made as clients
would make them."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

PASSWORD = "correct horse battery"


class Api:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self._n = itertools.count(1)

    async def register(
        self,
        name: str | None = None,
        *,
        email: str | None = None,
        password: str = PASSWORD,
    ) -> dict[str, Any]:
        """A new person, signed in: the register answer plus `email`, `password` and the
        `headers` that carry the access token."""
        n = next(self._n)
        name = name or f"Person {n}"
        email = email or f"person{n}-{uuid.uuid4().hex[:6]}@example.com"
        resp = await self.client.post(
            "/api/v1/auth/register",
            json={"email": email, "password": password, "display_name": name},
        )
        assert resp.status == 201, await resp.text()
        body: dict[str, Any] = await resp.json()
        body["email"] = email
        body["password"] = password
        body["headers"] = {"Authorization": f"Bearer {body['access_token']}"}
        return body


def future(hours: float = 24) -> str:
    moment = datetime.now(UTC) + timedelta(hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def make_group(client: TestClient, owner: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {
        "name": "Crag Rats",
        "description": "Climbing on weekends",
        "category": "climbing",
        "visibility": "public",
        **fields,
    }
    resp = await client.post("/api/v1/groups", json=body, headers=owner["headers"])
    assert resp.status == 201, await resp.text()
    group: dict[str, Any] = await resp.json()
    return group


async def make_event(
    client: TestClient, owner: dict[str, Any], group_id: int, **fields: Any
) -> dict[str, Any]:
    body = {
        "group_id": group_id,
        "title": "Bouldering night",
        "location_name": "Hall A",
        "lat": 52.52,
        "lon": 13.405,
        "starts_at": future(24),
        "ends_at": future(27),
        **fields,
    }
    resp = await client.post("/api/v1/events", json=body, headers=owner["headers"])
    assert resp.status == 201, await resp.text()
    event: dict[str, Any] = await resp.json()
    return event


async def rsvp(
    client: TestClient, event: dict[str, Any], person: dict[str, Any], status: str = "going"
) -> tuple[int, Any]:
    resp = await client.post(
        f"/api/v1/events/{event['id']}/rsvp", json={"status": status}, headers=person["headers"]
    )
    return resp.status, await resp.json()


async def participants(
    client: TestClient, event: dict[str, Any], status: str | None = None
) -> dict[str, Any]:
    """All three lists, or with `status` just that one page."""
    query = f"?status={status}" if status else ""
    body: dict[str, Any] = await (
        await client.get(f"/api/v1/events/{event['id']}/participants{query}")
    ).json()
    return body[status] if status else body


async def event_state(client: TestClient, event: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = await (await client.get(f"/api/v1/events/{event['id']}")).json()
    return state
