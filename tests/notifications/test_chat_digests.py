"""Chat messages people missed become one notification per room, at most once an hour:
the reader who was there (and read them) hears nothing; the one who was away does."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from crewup.app import create_app
from tests.support.api import Api, make_group
from tests.support.bus import settle
from tests.support.cli import run_job_now
from tests.support.ws import connect, of_type, subscribe, wait_for


async def digests(client: TestClient, person: dict[str, Any]) -> list[dict[str, Any]]:
    await settle(client.app)
    resp = await client.get("/api/v1/notifications", headers=person["headers"])
    return [n for n in (await resp.json())["items"] if n["kind"] == "chat_message"]


async def test_missed_messages_are_notified_once(aiohttp_client: Any, make_settings: Any) -> None:
    settings = make_settings(chat_digest_after_seconds=1)
    client = await aiohttp_client(create_app(settings))
    api = Api(client)
    author, present, away, outsider = [await api.register() for _ in range(4)]
    group = await make_group(client, author, name="Crag Rats")
    for person in (present, away):
        resp = await client.post(f"/api/v1/groups/{group['id']}/join", headers=person["headers"])
        assert resp.status == 200

    author_ws, present_ws = await connect(client, author), await connect(client, present)
    try:
        for ws in (author_ws, present_ws):
            await subscribe(ws, group_id=group["id"])
        for n in range(3):
            await author_ws.send_json({"type": "message", "group_id": group["id"], "body": f"m{n}"})
            seen = await wait_for(present_ws, of_type("message", body=f"m{n}"))
        # The one who is there reads them as they come.
        await present_ws.send_json(
            {"type": "read", "group_id": group["id"], "up_to_id": seen["id"]}
        )
        await wait_for(present_ws, of_type("unread", count=0))
    finally:
        await author_ws.close()
        await present_ws.close()

    await asyncio.sleep(1.2)  # longer than chat_digest_after_seconds: they were missed
    for _ in range(2):  # the second run within the hour tells nobody again
        result = await run_job_now(settings, "chat-digests")
        assert result.exit_code == 0, result.output

    got = await digests(client, away)
    assert [n["url"] for n in got] == [f"/groups/{group['id']}#chat"]
    assert "Crag Rats" in got[0]["text"]
    assert await digests(client, present) == []
    assert await digests(client, author) == []  # their own messages
    assert await digests(client, outsider) == []
