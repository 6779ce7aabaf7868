"""Event chat rooms close behind people who lose access to the event, as group rooms do:
an `error` frame `forbidden` for that room, nothing more of it, other rooms unaffected.
(Issue 11: leaving or being removed from a private group, withdrawing the RSVP, turning
to `interested`, the group turning private.)"""

from __future__ import annotations

from typing import Any

from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient

from crewup.users.service import ban_account
from crewup.web.appkeys import DB
from tests.support.api import Api, make_event, make_group, rsvp
from tests.support.ws import Frame, closed_with, connect, next_frame, of_type, subscribe, wait_for


async def _join(client: TestClient, person: dict[str, Any], group: dict[str, Any]) -> None:
    resp = await client.post(f"/api/v1/groups/{group['id']}/join", headers=person["headers"])
    assert resp.status == 200, await resp.text()


async def _invite_in(
    client: TestClient, owner: dict[str, Any], person: dict[str, Any], group: dict[str, Any]
) -> None:
    resp = await client.post(
        f"/api/v1/groups/{group['id']}/invites",
        json={"user_id": person["user"]["id"]},
        headers=owner["headers"],
    )
    assert resp.status in (200, 201), await resp.text()
    await _join(client, person, group)


async def _ann_going(
    client: TestClient, api: Api, *, private: bool = False, **event_fields: Any
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    """An owner's group (joined, or invited into when private) with Ann going to its
    event: (owner, ann, group, event)."""
    owner, ann = await api.register(), await api.register()
    if private:
        group = await make_group(client, owner, visibility="private")
        await _invite_in(client, owner, ann, group)
    else:
        group = await make_group(client, owner)
        await _join(client, ann, group)
    event = await make_event(client, owner, group["id"], **event_fields)
    assert (await rsvp(client, event, ann))[0] == 200
    return owner, ann, group, event


async def _listening(
    client: TestClient, owner: dict[str, Any], person: dict[str, Any], event: dict[str, Any]
) -> tuple[ClientWebSocketResponse, ClientWebSocketResponse, int]:
    """The person's socket on the event's room and on another group's room (which must
    keep working); the owner's socket on the event's room. Answers (person's socket,
    owner's socket, the other group's id)."""
    other = await make_group(client, owner, name="Elsewhere")
    await _join(client, person, other)
    ws, owner_ws = await connect(client, person), await connect(client, owner)
    assert (await subscribe(ws, event_id=event["id"]))["type"] == "unread"
    assert (await subscribe(ws, group_id=other["id"]))["type"] == "unread"
    assert (await subscribe(owner_ws, event_id=event["id"]))["type"] == "unread"
    assert (await subscribe(owner_ws, group_id=other["id"]))["type"] == "unread"
    return ws, owner_ws, other["id"]


async def _cut_off(
    ws: ClientWebSocketResponse, owner_ws: ClientWebSocketResponse, event_id: int, other: int
) -> None:
    """The event's room ended with `forbidden`, then: a message there does not arrive,
    one in the other room does (after it, in pub/sub order)."""
    ended = await wait_for(ws, of_type("error", event_id=event_id), within=2.0)
    assert ended["code"] == "forbidden"
    await owner_ws.send_json({"type": "message", "event_id": event_id, "body": "secret"})
    await wait_for(owner_ws, of_type("message", event_id=event_id, body="secret"))
    await owner_ws.send_json({"type": "message", "group_id": other, "body": "elsewhere"})
    seen: list[Frame] = []
    while not of_type("message", group_id=other, body="elsewhere")(frame := await next_frame(ws)):
        seen.append(frame)
    assert [f for f in seen if f.get("event_id") == event_id] == []


async def test_leaving_a_private_group_ends_its_event_rooms(client: TestClient, api: Api) -> None:
    owner, ann, group, event = await _ann_going(client, api, private=True)
    ws, owner_ws, other = await _listening(client, owner, ann, event)
    resp = await client.post(f"/api/v1/groups/{group['id']}/leave", headers=ann["headers"])
    assert resp.status == 204
    await _cut_off(ws, owner_ws, event["id"], other)


async def test_removal_from_a_private_group_ends_its_event_rooms(
    client: TestClient, api: Api
) -> None:
    owner, ann, group, event = await _ann_going(client, api, private=True)
    ws, owner_ws, other = await _listening(client, owner, ann, event)
    resp = await client.delete(
        f"/api/v1/groups/{group['id']}/members/{ann['user']['id']}", headers=owner["headers"]
    )
    assert resp.status == 204, await resp.text()
    await _cut_off(ws, owner_ws, event["id"], other)


async def test_withdrawing_the_rsvp_ends_the_event_room(client: TestClient, api: Api) -> None:
    owner, ann, _group, event = await _ann_going(client, api)
    ws, owner_ws, other = await _listening(client, owner, ann, event)
    resp = await client.delete(f"/api/v1/events/{event['id']}/rsvp", headers=ann["headers"])
    assert resp.status in (200, 204), await resp.text()
    await _cut_off(ws, owner_ws, event["id"], other)


async def test_turning_to_interested_ends_the_event_room(client: TestClient, api: Api) -> None:
    owner, ann, _group, event = await _ann_going(client, api, capacity=1)
    ws, owner_ws, other = await _listening(client, owner, ann, event)
    assert (await rsvp(client, event, ann, "interested"))[0] == 200
    await _cut_off(ws, owner_ws, event["id"], other)


async def test_a_group_turning_private_ends_outsiders_event_rooms(
    client: TestClient, api: Api
) -> None:
    owner, outsider = await api.register(), await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"])
    assert (await rsvp(client, event, outsider))[0] == 200  # public: no membership needed
    ws, owner_ws, other = await _listening(client, owner, outsider, event)
    resp = await client.patch(
        f"/api/v1/groups/{group['id']}", json={"visibility": "private"}, headers=owner["headers"]
    )
    assert resp.status == 200, await resp.text()
    await _cut_off(ws, owner_ws, event["id"], other)


async def test_organisers_keep_the_room_after_withdrawing(client: TestClient, api: Api) -> None:
    owner, ann = await api.register(), await api.register()
    group = await make_group(client, owner)
    await _join(client, ann, group)
    event = await make_event(client, owner, group["id"])
    assert (await rsvp(client, event, owner))[0] == 200
    assert (await rsvp(client, event, ann))[0] == 200
    ws, owner_ws = await connect(client, ann), await connect(client, owner)
    for socket in (ws, owner_ws):
        assert (await subscribe(socket, event_id=event["id"]))["type"] == "unread"
    resp = await client.delete(f"/api/v1/events/{event['id']}/rsvp", headers=owner["headers"])
    assert resp.status in (200, 204), await resp.text()
    # At once, while the owner's access is being checked again: held, then delivered.
    await ws.send_json({"type": "message", "event_id": event["id"], "body": "still there?"})
    got = await wait_for(owner_ws, lambda f: f["type"] in ("message", "error"))
    assert (got["type"], got.get("body")) == ("message", "still there?")
    await owner_ws.send_json({"type": "message", "event_id": event["id"], "body": "yes"})
    assert (await wait_for(ws, of_type("message", body="yes")))["event_id"] == event["id"]


async def test_a_ban_still_closes_a_socket_on_an_event_room(client: TestClient, api: Api) -> None:
    _owner, ann, _group, event = await _ann_going(client, api)
    ws = await connect(client, ann)
    assert (await subscribe(ws, event_id=event["id"]))["type"] == "unread"
    async with client.app[DB].transaction() as conn:
        await ban_account(conn, ann["user"]["id"], "spam", None)
    assert await closed_with(ws) == 4403


async def test_a_demoted_admin_loses_the_event_room(client: TestClient, api: Api) -> None:
    owner, ann = await api.register(), await api.register()
    group = await make_group(client, owner)
    await _join(client, ann, group)
    url = f"/api/v1/groups/{group['id']}/members/{ann['user']['id']}"
    resp = await client.patch(url, json={"role": "admin"}, headers=owner["headers"])
    assert resp.status == 200, await resp.text()
    event = await make_event(client, owner, group["id"])
    ws, owner_ws, other = await _listening(client, owner, ann, event)  # an organiser, no RSVP
    resp = await client.patch(url, json={"role": "member"}, headers=owner["headers"])
    assert resp.status == 200, await resp.text()
    await _cut_off(ws, owner_ws, event["id"], other)


async def test_changes_in_a_row_end_the_room_once_access_is_gone(
    client: TestClient, api: Api
) -> None:
    """Each change starts its own check while the one before may still run."""
    owner, ann, _group, event = await _ann_going(client, api, capacity=5)
    ws, owner_ws, other = await _listening(client, owner, ann, event)
    for status in ("going", "interested", "going", "interested"):
        assert (await rsvp(client, event, ann, status))[0] == 200
    await _cut_off(ws, owner_ws, event["id"], other)


async def test_overlapping_checks_that_keep_access_release_every_frame(
    client: TestClient, api: Api
) -> None:
    """An organiser withdrawing and coming back, again and again, keeps the room: each
    change holds the room's frames until its check ends; the last one releases them all,
    in order, none stuck behind a check that already ended."""
    owner, ann, _group, event = await _ann_going(client, api)
    ws, owner_ws = await connect(client, ann), await connect(client, owner)
    for socket in (ws, owner_ws):
        assert (await subscribe(socket, event_id=event["id"]))["type"] == "unread"
    url = f"/api/v1/events/{event['id']}/rsvp"
    for turn in range(3):
        assert (await rsvp(client, event, owner))[0] == 200
        await ws.send_json({"type": "message", "event_id": event["id"], "body": f"a{turn}"})
        resp = await client.delete(url, headers=owner["headers"])
        assert resp.status in (200, 204), await resp.text()
        await ws.send_json({"type": "message", "event_id": event["id"], "body": f"b{turn}"})
    bodies: list[str] = []
    while len(bodies) < 6:
        got = await wait_for(owner_ws, lambda f: f["type"] in ("message", "error"), within=2.0)
        assert got["type"] == "message", got
        bodies.append(got["body"])
    assert bodies == ["a0", "b0", "a1", "b1", "a2", "b2"]
