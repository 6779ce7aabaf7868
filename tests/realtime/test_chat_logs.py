"""What people say in chat is theirs: the domain-event log line of a message names the
message, its room and its author, never its words."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.support.api import Api, make_group
from tests.support.logs import logged
from tests.support.ws import connect, of_type, subscribe, wait_for


async def test_a_chat_message_is_logged_without_its_words(
    client: TestClient, api: Api, caplog: Any
) -> None:
    caplog.set_level("INFO", logger="crewup.domain")
    owner = await api.register()
    group = await make_group(client, owner)
    ws = await connect(client, owner)
    assert (await subscribe(ws, group_id=group["id"]))["type"] == "unread"
    words = "meet at the blue door, code 4471"
    await ws.send_json({"type": "message", "group_id": group["id"], "body": words})
    sent = await wait_for(ws, of_type("message", body=words))
    posted = await logged(caplog, "chat.message_posted")
    assert posted and posted[0].id == sent["id"]  # type: ignore[attr-defined]
    assert posted[0].room_kind == "group"  # type: ignore[attr-defined]
    everything = " ".join(f"{k}={v}" for r in caplog.records for k, v in vars(r).items())
    assert "4471" not in everything and "blue door" not in everything
