"""Control characters in chat (found by a black-box trial): a NUL in a message body was
a 500 on PostgreSQL (it cannot store NUL) and stored as is on SQLite. Now every face
refuses them the same way; line breaks and tabs stay text."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.support.api import Api, make_group
from tests.support.ws import connect, of_type, subscribe, wait_for


async def test_control_characters_are_refused_on_every_face(client: TestClient, api: Api) -> None:
    owner = await api.register("Owner")
    group = await make_group(client, owner)
    ws = await connect(client, owner)
    assert (await subscribe(ws, group_id=group["id"]))["type"] == "unread"

    for frame in (
        {"body": "a\u0000b"},
        {"body": "bell\u0007"},
        {"body": "fine", "client_id": "c\u0000"},
    ):
        await ws.send_json({"type": "message", "group_id": group["id"], **frame})
        refused = await wait_for(ws, of_type("error"))
        assert refused["code"] == "invalid", refused

    await ws.send_json(
        {"type": "message", "group_id": group["id"], "body": "two\nlines\tand a tab"}
    )
    kept = await wait_for(ws, of_type("message"))
    assert kept["body"] == "two\nlines\tand a tab"

    edited = await client.patch(
        f"/api/v1/messages/{kept['id']}", json={"body": "x\u0000y"}, headers=owner["headers"]
    )
    assert edited.status == 422, await edited.text()
    assert edited.headers["Content-Type"].startswith("application/problem+json")
    history = await client.get(f"/api/v1/groups/{group['id']}/messages", headers=owner["headers"])
    assert [m["body"] for m in (await history.json())["items"]] == ["two\nlines\tand a tab"]
    await ws.close()
