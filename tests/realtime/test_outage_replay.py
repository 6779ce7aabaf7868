"""Two processes, the link between them cut (Redis unreachable from one of them) while
both sides post to the same room: once it is back, every socket on either side has every
message. Each side delivered its own messages locally meanwhile, so a socket's newest id
was past the other side's messages and a replay from it lost them (an operator's trial:
messages 11, 13 never reached the sockets that had seen 12 and 14). The processes are
two apps in this test process sharing PostgreSQL; the outage is a proxy the test owns."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse

from crewup.app import create_app
from crewup.core.settings import Settings
from crewup.realtime.appkeys import HUB
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


async def test_both_sides_get_what_the_other_posted_during_an_outage(
    stack: Stack, make_settings: Callable[..., Settings], aiohttp_client: Any
) -> None:
    if not stack.is_services:
        pytest.skip("one process has no link to lose")
    proxy = OutageProxy(REDIS_URL, 6379)
    await proxy.restore()
    try:
        limits = {"rate_limit_chat": "10000/minute"}
        first = await aiohttp_client(create_app(make_settings(**limits)))
        cut_off_app = create_app(make_settings(redis_url=proxy.url, **limits))
        second = await aiohttp_client(cut_off_app)
        ann, bob = await Api(first).register("Ann"), await Api(second).register("Bob")
        group = await make_group(first, ann)
        joined = await second.post(f"/api/v1/groups/{group['id']}/join", headers=bob["headers"])
        assert joined.status == 200, await joined.text()
        ann_ws, bob_ws = await connect(first, ann), await connect(second, bob)
        for ws in (ann_ws, bob_ws):
            assert (await subscribe(ws, group_id=group["id"]))["type"] == "unread"
        await ann_ws.send_json({"type": "message", "group_id": group["id"], "body": "hello"})
        for ws in (ann_ws, bob_ws):  # the link works
            await _bodies(ws, {"hello"})

        await proxy.cut()
        hub = cut_off_app[HUB]
        posted: set[str] = set()
        for turn in range(ROUNDS):
            for ws, name in ((bob_ws, "bob"), (ann_ws, "ann")):
                body = f"{name}-{turn}"
                await ws.send_json({"type": "message", "group_id": group["id"], "body": body})
                posted.add(body)
                await asyncio.sleep(0.05)
            if turn == 0:
                await _until(lambda: bool(getattr(hub.pubsub, "degraded", False)))
        await proxy.restore()
        await _until(lambda: not getattr(hub.pubsub, "degraded", True))
        for ws in (ann_ws, bob_ws):
            assert posted <= await _bodies(ws, posted)
    finally:
        await proxy.cut()


async def test_a_member_removed_during_the_outage_gets_no_replay(
    stack: Stack, make_settings: Callable[..., Settings], aiohttp_client: Any
) -> None:
    """The removal's envelope never reached the cut-off process: before replaying, it
    checks every room again, and the removed member's socket is told, not fed."""
    if not stack.is_services:
        pytest.skip("one process has no link to lose")
    proxy = OutageProxy(REDIS_URL, 6379)
    await proxy.restore()
    try:
        limits = {"rate_limit_chat": "10000/minute"}
        first = await aiohttp_client(create_app(make_settings(**limits)))
        cut_off_app = create_app(make_settings(redis_url=proxy.url, **limits))
        second = await aiohttp_client(cut_off_app)
        ann, bob = await Api(first).register("Ann"), await Api(second).register("Bob")
        group = await make_group(first, ann)
        joined = await second.post(f"/api/v1/groups/{group['id']}/join", headers=bob["headers"])
        assert joined.status == 200, await joined.text()
        bob_ws = await connect(second, bob)
        assert (await subscribe(bob_ws, group_id=group["id"]))["type"] == "unread"
        ann_ws = await connect(first, ann)
        assert (await subscribe(ann_ws, group_id=group["id"]))["type"] == "unread"

        await proxy.cut()
        hub = cut_off_app[HUB]
        await _until(lambda: bool(getattr(hub.pubsub, "degraded", False)))
        removed = await first.delete(
            f"/api/v1/groups/{group['id']}/members/{bob['user']['id']}", headers=ann["headers"]
        )
        assert removed.status == 204, await removed.text()
        await ann_ws.send_json({"type": "message", "group_id": group["id"], "body": "secret"})
        await _bodies(ann_ws, {"secret"})
        await proxy.restore()
        await _until(lambda: not getattr(hub.pubsub, "degraded", True))
        async with asyncio.timeout(30):
            while True:
                frame = await bob_ws.receive_json()
                assert frame.get("body") != "secret", frame
                if frame["type"] == "error":
                    assert frame["code"] == "forbidden", frame
                    break
    finally:
        await proxy.cut()
