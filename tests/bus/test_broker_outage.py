"""RabbitMQ going away and coming back, through a proxy this test owns: while it is away
the messages stay in the outbox (a row is marked sent only after RabbitMQ confirms it),
and when it is back they go out and are handled, without a restart."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from crewup.app import create_app
from crewup.bus.tables import outbox
from crewup.core.settings import Settings
from crewup.web.appkeys import DB
from tests.support.api import Api, make_group
from tests.support.bus import settle
from tests.support.proxy import OutageProxy


async def unpublished(client: Any) -> int:
    async with client.app[DB].reading() as conn:
        query = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        return int((await conn.execute(query)).scalar_one())


async def test_messages_wait_for_rabbitmq_and_go_out_when_it_returns(
    aiohttp_client: Any, settings: Settings, make_settings: Any
) -> None:
    if not settings.amqp_url:
        pytest.skip("the embedded stack has no broker to lose")
    proxy = OutageProxy(settings.amqp_url, 5672)
    await proxy.restore()
    client = await aiohttp_client(create_app(make_settings(amqp_url=proxy.url)))
    api = Api(client)
    owner, member = await api.register(), await api.register()
    group = await make_group(client, owner)
    resp = await client.post(f"/api/v1/groups/{group['id']}/join", headers=member["headers"])
    assert resp.status == 200
    await settle(client.app)  # RabbitMQ reachable: everything goes through

    await proxy.cut()
    resp = await client.post(
        f"/api/v1/groups/{group['id']}/posts",
        json={"title": "While the broker is away", "body": "x"},
        headers=owner["headers"],
    )
    assert resp.status == 201  # the change itself does not need the broker
    await asyncio.sleep(1.5)
    assert await unpublished(client) >= 1  # not marked sent without a confirm
    resp = await client.get("/api/v1/notifications", headers=member["headers"])
    assert (await resp.json())["items"] == []

    await proxy.restore()
    await settle(client.app)
    assert await unpublished(client) == 0
    resp = await client.get("/api/v1/notifications", headers=member["headers"])
    titles = [n["data"].get("title") for n in (await resp.json())["items"]]
    assert titles == ["While the broker is away"]
    await proxy.cut()
