"""Read markers and unread counts that survive reconnects; 1001 on shutdown; the real-time
figures in /metrics."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.support.api import Api, make_group
from tests.support.ws import closed_with, connect, of_type, subscribe, wait_for


async def test_unread_counts_follow_the_read_marker_across_sockets(
    client: TestClient, api: Api
) -> None:
    owner, ann = await api.register(), await api.register()
    group = await make_group(client, owner)
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=ann["headers"])
    sender = await connect(client, owner)
    await subscribe(sender, group_id=group["id"])
    ids = []
    for n in range(3):
        await sender.send_json({"type": "message", "group_id": group["id"], "body": f"m{n}"})
        ids.append((await wait_for(sender, of_type("message", body=f"m{n}")))["id"])
    unread = await (await client.get("/api/v1/chat/unread", headers=ann["headers"])).json()
    assert unread == {
        "items": [{"group_id": group["id"], "event_id": None, "count": 3}],
        "total": 3,
    }
    phone, laptop = await connect(client, ann), await connect(client, ann)
    assert (await subscribe(phone, group_id=group["id"]))["count"] == 3
    await laptop.send_json({"type": "ping"})
    await wait_for(laptop, of_type("pong"))
    await phone.send_json({"type": "read", "group_id": group["id"], "up_to_id": ids[1]})
    assert (await wait_for(phone, of_type("unread")))["count"] == 1
    assert (await wait_for(laptop, of_type("unread")))["count"] == 1  # every device learns it
    # A marker never moves back.
    await phone.send_json({"type": "read", "group_id": group["id"], "up_to_id": ids[0]})
    assert (await wait_for(phone, of_type("unread")))["count"] == 1
    await phone.close()
    again = await connect(client, ann)
    assert (await subscribe(again, group_id=group["id"]))["count"] == 1
    unread = await (await client.get("/api/v1/chat/unread", headers=ann["headers"])).json()
    assert unread["total"] == 1
    # Own messages are never unread.
    mine = await (await client.get("/api/v1/chat/unread", headers=owner["headers"])).json()
    assert mine["total"] == 0


async def test_history_pages_newest_first(client: TestClient, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    ws = await connect(client, owner)
    await subscribe(ws, group_id=group["id"])
    for n in range(5):
        await ws.send_json({"type": "message", "group_id": group["id"], "body": f"m{n}"})
        await wait_for(ws, of_type("message", body=f"m{n}"))
    url = f"/api/v1/groups/{group['id']}/messages"
    first = await (await client.get(url + "?limit=2", headers=owner["headers"])).json()
    assert [m["body"] for m in first["items"]] == ["m4", "m3"]
    second = await (
        await client.get(f"{url}?limit=2&before={first['next_before']}", headers=owner["headers"])
    ).json()
    assert [m["body"] for m in second["items"]] == ["m2", "m1"]
    forward = await (await client.get(f"{url}?after=0&limit=10", headers=owner["headers"])).json()
    assert [m["body"] for m in forward["items"]] == [f"m{n}" for n in range(5)]
    bad = await client.get(f"{url}?limit=1000", headers=owner["headers"])
    assert bad.status == 422


async def test_shutdown_closes_sockets_with_1001(client: TestClient, api: Api) -> None:
    ann = await api.register()
    ws = await connect(client, ann)
    await ws.send_json({"type": "ping"})
    await wait_for(ws, of_type("pong"))
    await client.app.shutdown()
    assert await closed_with(ws) == 1001


async def test_metrics_show_sockets_and_frames(client: TestClient, api: Api) -> None:
    ann = await api.register()
    ws = await connect(client, ann)
    await ws.send_json({"type": "ping"})
    await wait_for(ws, of_type("pong"))
    text = await (await client.get("/metrics")).text()
    assert "crewup_ws_open_sockets 1.0" in text
    assert 'crewup_ws_frames_in_total{type="ping"} 1.0' in text
    assert "crewup_pubsub_degraded 0.0" in text
