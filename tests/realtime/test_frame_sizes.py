"""Room frames are framed once by the server for every socket (crewup.realtime.frames):
each length encoding of RFC 6455 (7, 16 and 64-bit) reaches every reader intact,
multi-byte text included, and the server does not compress."""

from __future__ import annotations

import pytest

from crewup.app import create_app
from tests.support.api import Api, make_group
from tests.support.ws import connect, of_type, subscribe, wait_for

# Bodies whose message frames need a 16-bit length (126..65535 bytes) and a 64-bit
# one (65536 bytes or more); "é" is two bytes in UTF-8, "😀" four.
BODIES = ["hi", "é" * 200, "😀" * 16_383, "é" * 40_000]


@pytest.mark.parametrize("body", BODIES, ids=["short", "medium", "edge", "long"])
async def test_every_frame_length_reaches_every_reader_intact(
    make_settings, aiohttp_client, body: str
) -> None:
    settings = make_settings(chat_max_chars=100_000, ws_max_frame_bytes=1 << 20)
    client = await aiohttp_client(create_app(settings))
    api = Api(client)
    owner, member = await api.register(), await api.register()
    group = await make_group(client, owner)
    joined = await client.post(f"/api/v1/groups/{group['id']}/join", headers=member["headers"])
    assert joined.status == 200
    sender, reader = await connect(client, owner), await connect(client, member)
    for ws in (sender, reader):
        await subscribe(ws, group_id=group["id"])
        assert not ws.compress  # no permessage-deflate: one encoding serves every socket
    await sender.send_json({"type": "message", "group_id": group["id"], "body": body})
    for ws in (sender, reader):
        frame = await wait_for(ws, of_type("message"), within=10)
        assert frame["body"] == body
    # The socket still works after a long frame: framing stayed in step.
    await sender.send_json({"type": "message", "group_id": group["id"], "body": "after"})
    assert (await wait_for(reader, of_type("message"), within=10))["body"] == "after"
