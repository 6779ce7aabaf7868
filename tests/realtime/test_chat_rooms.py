"""Chat rooms through real sockets: who may subscribe, messages persisted before they are
delivered, echoed with the server id and client_id, replayed after a reconnect."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from crewup.app import create_app
from tests.support.api import Api, make_event, make_group, rsvp
from tests.support.ws import connect, of_type, subscribe, wait_for


async def _member_of(client: TestClient, person: dict[str, Any], group: dict[str, Any]) -> None:
    resp = await client.post(f"/api/v1/groups/{group['id']}/join", headers=person["headers"])
    assert resp.status == 200, await resp.text()


async def test_outsiders_get_the_same_forbidden_for_any_room(client: TestClient, api: Api) -> None:
    owner, outsider = await api.register(), await api.register()
    public = await make_group(client, owner)
    private = await make_group(client, owner, name="Secret", visibility="private")
    ws = await connect(client, outsider)
    answers = [
        await subscribe(ws, group_id=public["id"]),
        await subscribe(ws, group_id=private["id"]),
        await subscribe(ws, group_id=999_999),
        await subscribe(ws, event_id=999_999),
    ]
    assert {a["type"] for a in answers} == {"error"}
    assert {a["code"] for a in answers} == {"forbidden"}
    assert len({a["detail"] for a in answers}) == 1  # no hint which rooms exist
    await ws.send_json({"type": "message", "group_id": private["id"], "body": "hi"})
    assert (await wait_for(ws, of_type("error")))["code"] == "forbidden"
    resp = await client.get(f"/api/v1/groups/{private['id']}/messages", headers=outsider["headers"])
    assert resp.status == 404
    resp = await client.get(f"/api/v1/groups/{public['id']}/messages", headers=outsider["headers"])
    assert resp.status == 403


async def test_a_message_is_persisted_before_anyone_sees_it(client: TestClient, api: Api) -> None:
    owner, ann = await api.register("Owner"), await api.register("Ann")
    group = await make_group(client, owner)
    await _member_of(client, ann, group)
    mine, hers = await connect(client, owner), await connect(client, ann)
    for ws in (mine, hers):
        assert (await subscribe(ws, group_id=group["id"]))["type"] == "unread"
    await mine.send_json(
        {
            "type": "message",
            "group_id": group["id"],
            "body": "  <script>x</script> ",
            "client_id": "c-1",
        }
    )
    echoed = await wait_for(mine, of_type("message"))
    delivered = await wait_for(hers, of_type("message"))
    assert echoed == delivered
    assert echoed["client_id"] == "c-1"
    assert echoed["body"] == "<script>x</script>"  # stored and sent as text, trimmed
    assert echoed["author"] == {"id": owner["user"]["id"], "display_name": "Owner"}
    # Already in the history by the time it arrived.
    history = await (
        await client.get(f"/api/v1/groups/{group['id']}/messages", headers=ann["headers"])
    ).json()
    assert [m["id"] for m in history["items"]] == [echoed["id"]]


async def test_messages_are_validated(client: TestClient, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    ws = await connect(client, owner)
    await subscribe(ws, group_id=group["id"])
    for bad in (
        {"type": "message", "group_id": group["id"], "body": "   "},
        {"type": "message", "group_id": group["id"], "body": "x" * 4001},
        {"type": "message", "body": "no room"},
        {"type": "message", "group_id": group["id"], "event_id": 1, "body": "two rooms"},
        {"type": "subscribe", "group_id": "seven"},
    ):
        await ws.send_json(bad)
        assert (await wait_for(ws, of_type("error")))["code"] == "invalid"


async def test_replay_after_reconnect_misses_nothing_and_doubles_nothing(
    client: TestClient, api: Api
) -> None:
    owner, ann = await api.register(), await api.register()
    group = await make_group(client, owner)
    await _member_of(client, ann, group)
    sender = await connect(client, owner)
    await subscribe(sender, group_id=group["id"])
    reader = await connect(client, ann)
    await subscribe(reader, group_id=group["id"])

    async def say(body: str) -> int:
        await sender.send_json({"type": "message", "group_id": group["id"], "body": body})
        return int((await wait_for(sender, of_type("message", body=body)))["id"])

    first = await say("one")
    seen = await wait_for(reader, of_type("message"))
    assert seen["id"] == first
    await reader.close()
    missed = [await say(f"missed {n}") for n in range(5)]
    reader = await connect(client, ann)
    await reader.send_json({"type": "subscribe", "group_id": group["id"], "since_id": first})
    await say("live")
    got = []
    while len(got) < 6:
        got.append((await wait_for(reader, of_type("message")))["id"])
    assert got == [*missed, got[-1]]
    assert len(set(got)) == 6


async def test_rate_limited_messages_keep_the_socket_open(make_settings, aiohttp_client) -> None:
    client = await aiohttp_client(create_app(make_settings(rate_limit_chat="3/minute")))
    api = Api(client)
    owner = await api.register()
    group = await make_group(client, owner)
    ws = await connect(client, owner)
    await subscribe(ws, group_id=group["id"])
    for n in range(3):
        await ws.send_json({"type": "message", "group_id": group["id"], "body": f"m{n}"})
        await wait_for(ws, of_type("message", body=f"m{n}"))
    await ws.send_json(
        {"type": "message", "group_id": group["id"], "body": "more", "client_id": "c9"}
    )
    refused = await wait_for(ws, of_type("error"))
    assert refused["code"] == "rate_limited" and refused["client_id"] == "c9"
    await ws.send_json({"type": "ping"})
    assert (await wait_for(ws, of_type("pong")))["type"] == "pong"


async def test_leaving_the_group_ends_the_subscription_at_once(
    client: TestClient, api: Api
) -> None:
    owner, ann = await api.register(), await api.register()
    group = await make_group(client, owner)
    await _member_of(client, ann, group)
    ws = await connect(client, ann)
    await subscribe(ws, group_id=group["id"])
    resp = await client.post(f"/api/v1/groups/{group['id']}/leave", headers=ann["headers"])
    assert resp.status == 204
    ended = await wait_for(ws, of_type("error"), within=1.0)
    assert ended["code"] == "forbidden" and ended["group_id"] == group["id"]
    owner_ws = await connect(client, owner)
    await subscribe(owner_ws, group_id=group["id"])
    await owner_ws.send_json({"type": "message", "group_id": group["id"], "body": "after"})
    await wait_for(owner_ws, of_type("message"))
    await ws.send_json({"type": "ping"})
    assert (await wait_for(ws, lambda f: f["type"] in ("pong", "message")))["type"] == "pong"


async def test_event_rooms_are_for_participants_and_organisers(
    client: TestClient, api: Api
) -> None:
    owner, going, member = await api.register(), await api.register(), await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"])
    await _member_of(client, member, group)
    assert (await rsvp(client, event, going))[0] == 200
    answers = []
    for person in (owner, going, member):
        ws = await connect(client, person)
        answers.append((await subscribe(ws, event_id=event["id"]))["type"])
    assert answers == ["unread", "unread", "error"]


async def test_edits_and_deletions_go_live(client: TestClient, api: Api) -> None:
    owner, ann = await api.register(), await api.register()
    group = await make_group(client, owner)
    await _member_of(client, ann, group)
    hers, mine = await connect(client, ann), await connect(client, owner)
    await subscribe(hers, group_id=group["id"])
    await subscribe(mine, group_id=group["id"])
    await hers.send_json({"type": "message", "group_id": group["id"], "body": "tpyo"})
    message = await wait_for(mine, of_type("message"))
    resp = await client.patch(
        f"/api/v1/messages/{message['id']}", json={"body": "typo"}, headers=owner["headers"]
    )
    assert resp.status == 403  # not the author
    resp = await client.patch(
        f"/api/v1/messages/{message['id']}", json={"body": "typo"}, headers=ann["headers"]
    )
    assert resp.status == 200
    edited = await wait_for(mine, of_type("message_edited"))
    assert (edited["id"], edited["body"]) == (message["id"], "typo")
    resp = await client.delete(f"/api/v1/messages/{message['id']}", headers=owner["headers"])
    assert resp.status == 204  # the owner manages the group
    assert (await wait_for(hers, of_type("message_deleted")))["id"] == message["id"]
