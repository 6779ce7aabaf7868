"""Searching through the public API, as a client would."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient


async def search(
    client: TestClient, q: str, who: dict[str, Any] | None = None, **params: Any
) -> dict[str, Any]:
    headers = who["headers"] if who else {}
    resp = await client.get("/api/v1/search", params={"q": q, **params}, headers=headers)
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    return body


def titles(found: dict[str, Any]) -> list[str]:
    return [item["title"] for item in found["items"]]


async def post(
    client: TestClient, author: dict[str, Any], group_id: int, title: str, body: str
) -> dict[str, Any]:
    resp = await client.post(
        f"/api/v1/groups/{group_id}/posts",
        json={"title": title, "body": body},
        headers=author["headers"],
    )
    assert resp.status == 201, await resp.text()
    created: dict[str, Any] = await resp.json()
    return created
