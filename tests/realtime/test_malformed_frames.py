"""Frames the server cannot parse are answered with an `error` frame and the socket stays
open: JSON nested deeper than the parser's stack included (issue 11)."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.support.api import Api, make_group
from tests.support.ws import connect, next_frame, subscribe


async def test_deeply_nested_frames_are_invalid_and_the_socket_stays_open(
    client: TestClient, api: Api
) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    ws = await connect(client, owner)
    for depth in (1000, 5000):
        deep = "[" * depth + "]" * depth
        for frame in (f'{{"type":"ping","x":{deep}}}', deep, f'{{"type":"subscribe","g":{deep}}}'):
            await ws.send_str(frame)
            answer = await next_frame(ws)
            assert (answer["type"], answer["code"]) == ("error", "invalid"), frame[:40]
    await ws.send_json({"type": "ping"})
    assert await next_frame(ws) == {"type": "pong"}
    assert (await subscribe(ws, group_id=group["id"]))["type"] == "unread"


async def test_a_refused_frame_echoes_only_what_a_valid_one_could_hold(
    client: TestClient, api: Api
) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    ws = await connect(client, owner)
    assert (await subscribe(ws, group_id=group["id"]))["type"] == "unread"
    for client_id, echoed in (("x" * 10_000, False), ("mine-1", True)):
        await ws.send_json(
            {"type": "message", "group_id": group["id"], "body": "", "client_id": client_id}
        )
        answer = await next_frame(ws)
        while answer["type"] != "error":
            answer = await next_frame(ws)
        assert answer["code"] == "invalid" and answer["group_id"] == group["id"]
        assert ("client_id" in answer) is echoed and len(str(answer)) < 500, answer


async def test_room_ids_are_json_integers_not_strings_or_booleans(
    client: TestClient, api: Api
) -> None:
    """`"group_id": "1"` and `true` were read as group 1 (a black-box trial)."""
    owner = await api.register()
    group = await make_group(client, owner)
    ws = await connect(client, owner)
    for wrong in (str(group["id"]), True, float(group["id"]), [group["id"]]):
        await ws.send_json({"type": "subscribe", "group_id": wrong})
        answer = await next_frame(ws)
        assert (answer["type"], answer["code"]) == ("error", "invalid"), (wrong, answer)
        await ws.send_json({"type": "message", "group_id": wrong, "body": "hello"})
        answer = await next_frame(ws)
        assert (answer["type"], answer["code"]) == ("error", "invalid"), (wrong, answer)
    assert (await subscribe(ws, group_id=group["id"]))["type"] == "unread"
