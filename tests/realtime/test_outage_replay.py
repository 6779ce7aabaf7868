"""Two processes, the link between them cut (Redis unreachable from one of them) while
both sides post to the same room: once it is back, every socket on either side has every
message. Each side delivered its own messages locally meanwhile, so a socket's newest id
was past the other side's messages and a replay from it lost them (an operator's trial:
messages 11, 13 never reached the sockets that had seen 12 and 14). The processes are
two apps in this test process sharing PostgreSQL; the outage is a proxy the test owns."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient

from crewup.app import create_app
from crewup.core.settings import Settings
from crewup.realtime.appkeys import HUB
from crewup.realtime.hub import Hub
from tests.support.api import Api, make_group
from tests.support.databases import Stack
from tests.support.proxy import OutageProxy
from tests.support.services import REDIS_URL
from tests.support.ws import connect, subscribe

ROUNDS = 3


async def _until(check: Callable[[], bool], within: float = 30.0) -> None:
    # Polling: the link's state lives in the pub/sub's background task.
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def _bodies(ws: ClientWebSocketResponse, want: set[str], within: float = 30.0) -> set[str]:
    seen: set[str] = set()
    async with asyncio.timeout(within):
        while not want <= seen:
            frame = await ws.receive_json()
            if frame["type"] == "message":
                seen.add(frame["body"])
    return seen


@dataclass
class TwoSides:
    """Ann on a process linked to Redis directly, Bob on one behind `proxy`, both
    members of `group` and listening to its room."""

    proxy: OutageProxy
    first: TestClient
    cut_off: TestClient
    ann: dict[str, Any]
    bob: dict[str, Any]
    group: dict[str, Any]
    ann_ws: ClientWebSocketResponse
    bob_ws: ClientWebSocketResponse

    @property
    def hub(self) -> Hub:
        return self.cut_off.app[HUB]


@asynccontextmanager
async def two_sides(
    stack: Stack, make_settings: Callable[..., Settings], aiohttp_client: Any
) -> AsyncIterator[TwoSides]:
    if not stack.is_services:
        pytest.skip("one process has no link to lose")
    proxy = OutageProxy(REDIS_URL, 6379)
    await proxy.restore()
    try:
        limits = {"rate_limit_chat": "10000/minute"}
        first = await aiohttp_client(create_app(make_settings(**limits)))
        second = await aiohttp_client(create_app(make_settings(redis_url=proxy.url, **limits)))
        ann, bob = await Api(first).register("Ann"), await Api(second).register("Bob")
        group = await make_group(first, ann)
        joined = await second.post(f"/api/v1/groups/{group['id']}/join", headers=bob["headers"])
        assert joined.status == 200, await joined.text()
        ann_ws, bob_ws = await connect(first, ann), await connect(second, bob)
        for ws in (ann_ws, bob_ws):
            assert (await subscribe(ws, group_id=group["id"]))["type"] == "unread"
        yield TwoSides(proxy, first, second, ann, bob, group, ann_ws, bob_ws)
    finally:
        await proxy.cut()


async def test_both_sides_get_what_the_other_posted_during_an_outage(
    stack: Stack, make_settings: Callable[..., Settings], aiohttp_client: Any
) -> None:
    async with two_sides(stack, make_settings, aiohttp_client) as sides:
        group_id = sides.group["id"]
        await sides.ann_ws.send_json({"type": "message", "group_id": group_id, "body": "hello"})
        for ws in (sides.ann_ws, sides.bob_ws):  # the link works
            await _bodies(ws, {"hello"})

        await sides.proxy.cut()
        posted: set[str] = set()
        for turn in range(ROUNDS):
            for ws, name in ((sides.bob_ws, "bob"), (sides.ann_ws, "ann")):
                body = f"{name}-{turn}"
                await ws.send_json({"type": "message", "group_id": group_id, "body": body})
                posted.add(body)
                await asyncio.sleep(0.05)
            if turn == 0:
                await _until(lambda: bool(getattr(sides.hub.pubsub, "degraded", False)))
        await sides.proxy.restore()
        await _until(lambda: not getattr(sides.hub.pubsub, "degraded", True))
        for ws in (sides.ann_ws, sides.bob_ws):
            assert posted <= await _bodies(ws, posted)


async def test_a_member_removed_during_the_outage_gets_no_replay(
    stack: Stack, make_settings: Callable[..., Settings], aiohttp_client: Any
) -> None:
    """The removal's envelope never reached the cut-off process: before replaying, it
    checks every room again, and the removed member's socket is told, not fed."""
    async with two_sides(stack, make_settings, aiohttp_client) as sides:
        group_id = sides.group["id"]
        await sides.proxy.cut()
        await _until(lambda: bool(getattr(sides.hub.pubsub, "degraded", False)))
        removed = await sides.first.delete(
            f"/api/v1/groups/{group_id}/members/{sides.bob['user']['id']}",
            headers=sides.ann["headers"],
        )
        assert removed.status == 204, await removed.text()
        await sides.ann_ws.send_json({"type": "message", "group_id": group_id, "body": "secret"})
        await _bodies(sides.ann_ws, {"secret"})
        await sides.proxy.restore()
        await _until(lambda: not getattr(sides.hub.pubsub, "degraded", True))
        async with asyncio.timeout(30):
            while True:
                frame = await sides.bob_ws.receive_json()
                assert frame.get("body") != "secret", frame
                if frame["type"] == "error":
                    assert frame["code"] == "forbidden", frame
                    break
