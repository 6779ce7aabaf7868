"""One slow client never delays the others: its bounded queue overflows and it is closed
with 1013, while everyone else keeps getting every message."""

from __future__ import annotations

import asyncio

from aiohttp import WSMsgType

from crewup.app import create_app
from crewup.realtime.appkeys import REALTIME_METRICS
from tests.support.api import Api, make_group
from tests.support.ws import connect, of_type, subscribe, wait_for

BIG = "😀" * 4000  # 16 KB of UTF-8 per frame: fills socket buffers quickly
COUNT = 700


async def test_a_slow_reader_is_closed_and_the_others_get_everything(
    make_settings, aiohttp_client
) -> None:
    settings = make_settings(ws_send_queue=8, rate_limit_chat="100000/minute")
    client = await aiohttp_client(create_app(settings))
    api = Api(client)
    owner, fast, slow = await api.register(), await api.register(), await api.register()
    group = await make_group(client, owner)
    for person in (fast, slow):
        joined = await client.post(f"/api/v1/groups/{group['id']}/join", headers=person["headers"])
        assert joined.status == 200
    sender, reader, laggard = (
        await connect(client, owner),
        await connect(client, fast),
        await connect(client, slow),
    )
    for ws in (sender, reader, laggard):
        await subscribe(ws, group_id=group["id"])

    async def drain(ws) -> int:
        seen = 0
        while seen < COUNT:
            if (await wait_for(ws, of_type("message"), within=30))["body"] == BIG:
                seen += 1
        return seen

    readers = [asyncio.create_task(drain(sender)), asyncio.create_task(drain(reader))]
    for _ in range(COUNT):
        await sender.send_json({"type": "message", "group_id": group["id"], "body": BIG})
    assert await asyncio.gather(*readers) == [COUNT, COUNT]
    # The laggard read nothing all along; its socket was closed with 1013.
    codes = []
    while True:
        message = await laggard.receive(10)
        if message.type is WSMsgType.CLOSE:
            codes.append(int(message.data))
        if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR):
            break
    assert client.app[REALTIME_METRICS].slow_consumers._value.get() >= 1
    assert codes in ([1013], [])  # 1013 when the close frame got through before the cut
