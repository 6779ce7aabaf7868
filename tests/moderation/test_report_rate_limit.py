"""POST /api/v1/reports is rate limited per person: past `rate_limit_reports` the answer
is 429 with Retry-After; refused reports cost nothing and other people are unaffected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crewup.app import create_app
from tests.moderation.helpers import make_comment, make_post, report, staff, world
from tests.support.api import Api


async def test_reports_are_rate_limited_per_person(
    aiohttp_client: Any, make_settings: Callable[..., Any]
) -> None:
    settings = make_settings(rate_limit_reports="2/minute")
    client = await aiohttp_client(create_app(settings))
    api = Api(client)
    w = await world(client, api)
    reporter, other = await api.register("Reporter"), await api.register("Other")
    second = await make_post(client, w["member"], w["group"], title="Second")
    third = await make_comment(client, w["member"], second)
    # Refusals come before the limit: a hidden target and a duplicate spend nothing.
    assert (await report(client, reporter, "post", 99999))[0] == 404
    assert (await report(client, reporter, "post", w["post"]["id"]))[0] == 201
    assert (await report(client, reporter, "post", w["post"]["id"]))[0] == 409
    assert (await report(client, reporter, "post", second["id"]))[0] == 201
    resp = await client.post(
        "/api/v1/reports",
        json={"target_type": "comment", "target_id": third["id"], "reason": "spam"},
        headers=reporter["headers"],
    )
    assert resp.status == 429, await resp.text()
    assert resp.content_type == "application/problem+json"
    assert 1 <= int(resp.headers["Retry-After"]) <= 60
    assert "too many reports" in (await resp.json())["detail"]
    # Someone else still may report it; the refused report was never stored.
    assert (await report(client, other, "comment", third["id"]))[0] == 201
    _, moderator = await staff(settings, api)
    queue = await client.get("/api/v1/moderation/reports", headers=moderator["headers"])
    reporters = [r["reporter_id"] for r in (await queue.json())["items"]]
    assert sorted(reporters) == sorted([reporter["user"]["id"]] * 2 + [other["user"]["id"]])
