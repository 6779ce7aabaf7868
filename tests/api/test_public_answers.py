"""Anonymous event listings reuse recent answers, and that never costs correctness:
a write through this server shows at once, private events never leak into the shared
answer, and writes from elsewhere (the admin CLI) show within the configured time."""

from __future__ import annotations

import asyncio

from crewup.app import create_app
from crewup.core.db import Database
from crewup.core.dispatch import Dispatcher
from crewup.web.answer_cache import AnswerCache
from tests.support.api import Api, make_event, make_group
from tests.support.cli import admin_cli

NEAR = "/api/v1/events?near=52.52,13.405&radius_km=10"


async def titles(client, headers=None) -> list[str]:
    resp = await client.get(NEAR, headers=headers or {})
    assert resp.status == 200, await resp.text()
    return [e["title"] for e in (await resp.json())["items"]]


async def test_writes_through_the_api_show_at_once(client, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    first = await make_event(client, owner, group["id"], title="First", capacity=3)
    assert await titles(client) == ["First"]
    await make_event(client, owner, group["id"], title="Second", lat=52.53)
    assert sorted(await titles(client)) == ["First", "Second"]
    guest = await api.register()
    await client.post(
        f"/api/v1/events/{first['id']}/rsvp", json={"status": "going"}, headers=guest["headers"]
    )
    listed = {e["title"]: e for e in (await (await client.get(NEAR)).json())["items"]}
    assert listed["First"]["going_count"] == 1


async def test_private_events_never_reach_the_shared_answer(client, api: Api) -> None:
    owner = await api.register()
    public = await make_group(client, owner, name="Open crew")
    private = await make_group(client, owner, name="Inner circle", visibility="private")
    await make_event(client, owner, public["id"], title="Open night")
    await make_event(client, owner, private["id"], title="Secret night")
    assert sorted(await titles(client, owner["headers"])) == ["Open night", "Secret night"]
    assert await titles(client) == ["Open night"]  # asked right after the member did
    assert sorted(await titles(client, owner["headers"])) == ["Open night", "Secret night"]


async def test_bad_queries_are_refused_every_time(client) -> None:
    for _ in range(2):
        resp = await client.get("/api/v1/events?near=95,13&radius_km=10")
        assert resp.status == 422
        assert resp.content_type == "application/problem+json"


async def cancel_from_the_cli(aiohttp_client, make_settings, seconds: float):
    """An app reusing answers for `seconds`, one event listed, then cancelled by the
    admin CLI (another process, as far as this server knows). Answers the client and
    the loop time at which the listing was answered (and stored)."""
    settings = make_settings(public_answer_cache_seconds=seconds)
    client = await aiohttp_client(create_app(settings))
    owner = await Api(client).register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], title="Tonight")
    assert await titles(client) == ["Tonight"]
    answered_at = asyncio.get_running_loop().time()
    result = await admin_cli(settings, "events", "cancel", str(event["id"]), "--reason", "rain")
    assert result.exit_code == 0, result.output
    return client, answered_at


async def test_writes_from_the_cli_show_within_the_configured_time(
    aiohttp_client, make_settings
) -> None:
    # The server may learn of the CLI's write early (its bus handles the CLI's messages
    # and each commit here renews the answers); at the latest the stored answer ages out.
    window = 1.0
    client, answered_at = await cancel_from_the_cli(aiohttp_client, make_settings, window)
    await asyncio.sleep(max(0.0, answered_at + window + 0.2 - asyncio.get_running_loop().time()))
    assert await titles(client) == []


async def test_reuse_can_be_turned_off(aiohttp_client, make_settings) -> None:
    client, _ = await cancel_from_the_cli(aiohttp_client, make_settings, 0)
    assert await titles(client) == []


async def test_stored_answers_stay_within_their_byte_budget(tmp_path) -> None:
    """Anyone can ask for many different pages; memory must not follow them."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'budget.sqlite3'}", Dispatcher())
    cache = AnswerCache(db, ttl_seconds=60, max_bytes=100)
    computed: list[str] = []

    async def page(key: str) -> bytes:
        computed.append(key)
        return key.encode() * 40

    for key in ("a", "b", "c"):  # 120 bytes asked for, 100 allowed: "a" must go
        assert await cache.answer(key, lambda k=key: page(k)) == key.encode() * 40
    await cache.answer("c", lambda: page("c"))
    await cache.answer("a", lambda: page("a"))
    assert computed == ["a", "b", "c", "a"]
    await db.dispose()
