"""A burst of messages from many people into one room (several persisted in one commit
when they queue up): every one persisted, ids increasing in the order everyone receives
them, each received exactly once by every subscriber with its server id and client_id,
a replay by since_id equal to the live stream; a refused message in the burst is refused
alone."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient

from tests.support.api import Api, make_group
from tests.support.ws import connect, of_type, subscribe, wait_for

PEOPLE = 6
EACH = 5


async def _messages(ws: ClientWebSocketResponse, count: int) -> list[dict[str, Any]]:
    got = []
    while len(got) < count:
        got.append(await wait_for(ws, of_type("message"), within=15))
    return got


async def test_a_burst_into_one_room_is_persisted_in_order_and_delivered_once(
    client: TestClient, api: Api
) -> None:
    people = [await api.register(f"P{n}") for n in range(PEOPLE)]
    outsider = await api.register("Outsider")
    group = await make_group(client, people[0])
    for person in people[1:]:
        joined = await client.post(f"/api/v1/groups/{group['id']}/join", headers=person["headers"])
        assert joined.status == 200, await joined.text()
    sockets = [await connect(client, person) for person in people]
    for ws in sockets:
        assert (await subscribe(ws, group_id=group["id"]))["type"] == "unread"
    stranger = await connect(client, outsider)

    async def burst(k: int, ws: ClientWebSocketResponse) -> None:
        for n in range(EACH):
            await ws.send_json(
                {
                    "type": "message",
                    "group_id": group["id"],
                    "body": f"m{k}-{n}",
                    "client_id": f"c{k}-{n}",
                }
            )

    await asyncio.gather(
        *(burst(k, ws) for k, ws in enumerate(sockets)),
        stranger.send_json(
            {"type": "message", "group_id": group["id"], "body": "let me in", "client_id": "x"}
        ),
    )
    refused = await wait_for(stranger, of_type("error"))
    assert refused["code"] == "forbidden" and refused["client_id"] == "x"

    streams = await asyncio.gather(*(_messages(ws, PEOPLE * EACH) for ws in sockets))
    first = streams[0]
    ids = [m["id"] for m in first]
    assert ids == sorted(ids) and len(set(ids)) == PEOPLE * EACH  # increasing, once each
    for stream in streams[1:]:
        assert stream == first  # the same frames, in the same order, for everyone
    assert {(m["client_id"], m["body"]) for m in first} == {
        (f"c{k}-{n}", f"m{k}-{n}") for k in range(PEOPLE) for n in range(EACH)
    }
    for k, person in enumerate(people):  # each sender's own messages in the order sent
        mine = [m for m in first if m["author"]["id"] == person["user"]["id"]]
        assert [m["client_id"] for m in mine] == [f"c{k}-{n}" for n in range(EACH)]
    for ws in sockets:  # nothing more: no message twice, the refused one nowhere
        await ws.send_json({"type": "ping"})
        extra = await wait_for(ws, lambda f: f.get("type") in ("message", "pong"))
        assert extra["type"] == "pong"

    history = await (
        await client.get(
            f"/api/v1/groups/{group['id']}/messages?limit=100", headers=people[1]["headers"]
        )
    ).json()
    assert [m["id"] for m in reversed(history["items"])] == ids

    late = await connect(client, people[2])
    await late.send_json({"type": "subscribe", "group_id": group["id"], "since_id": ids[0] - 1})
    replayed = await _messages(late, PEOPLE * EACH)
    assert [(m["id"], m["client_id"], m["body"]) for m in replayed] == [
        (m["id"], m["client_id"], m["body"]) for m in first
    ]
