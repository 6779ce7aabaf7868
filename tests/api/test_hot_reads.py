"""The hot reads (one event, one group, a group's posts, participants, /users/me) are
written straight from rows to JSON without building their declared models: their
answers must still have exactly those models' shape, and say the same as the write
paths (which do build the models), for a signed-out and a signed-in viewer."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from crewup.events.schemas import EventOut, ParticipantsOut
from crewup.groups.schemas import GroupOut
from crewup.posts.schemas import PostPage
from crewup.users.schemas import UserMe
from tests.support.api import Api, make_event, make_group, rsvp
from tests.support.cli import admin_cli

INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


async def read(client: Any, path: str, person: dict[str, Any] | None = None) -> Any:
    resp = await client.get(path, headers=person["headers"] if person else {})
    assert resp.status == 200, await resp.text()
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    return await resp.json()


def same_shape(model: type[BaseModel], answer: Any) -> None:
    """Exactly the declared fields, in their declared form (instants to the second, Z)."""
    assert model.model_validate(answer).model_dump(mode="json") == answer


def instants(answer: Any) -> list[str]:
    found: list[str] = []
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key.endswith("_at") and isinstance(value, str):
                found.append(value)
            found += instants(value)
    elif isinstance(answer, list):
        for value in answer:
            found += instants(value)
    return found


async def test_hot_reads_have_their_declared_shape(client, api: Api) -> None:
    owner, going, waiting = await api.register("Owner"), await api.register(), await api.register()
    group = await make_group(client, owner, lat=52.5, lon=13.4)
    made = await make_event(client, owner, group["id"], capacity=1, description="Zürich, ok")
    assert await rsvp(client, made, going) == (200, {"status": "going", "waitlist_position": None})
    assert (await rsvp(client, made, waiting))[1]["waitlist_position"] == 1
    post = await client.post(
        f"/api/v1/groups/{group['id']}/posts",
        json={"title": "Rides", "body": "Who drives? 🚗"},
        headers=owner["headers"],
    )
    assert post.status == 201, await post.text()
    written_post = await post.json()

    event = f"/api/v1/events/{made['id']}"
    anonymous = await read(client, event)
    same_shape(EventOut, anonymous)
    assert anonymous["my_rsvp"] is None and anonymous["description"] == "Zürich, ok"
    # What the write path answered (through the model), but for the counts since.
    assert {**made, "going_count": 1, "waitlist_count": 1} == anonymous
    mine = await read(client, event, waiting)
    same_shape(EventOut, mine)
    assert mine["my_rsvp"] == {"status": "waitlisted", "waitlist_position": 1}
    assert {**mine, "my_rsvp": None} == anonymous

    group_path = f"/api/v1/groups/{group['id']}"
    seen_group = await read(client, group_path)
    same_shape(GroupOut, seen_group)
    assert seen_group["my_role"] is None and seen_group["invited"] is False
    owners_view = await read(client, group_path, owner)
    assert owners_view["my_role"] == "owner"
    assert {**owners_view, "my_role": None} == seen_group

    posts = await read(client, f"{group_path}/posts")
    same_shape(PostPage, posts)
    assert posts["items"] == [written_post] and posts["next_cursor"] is None

    people = await read(client, f"{event}/participants")
    same_shape(ParticipantsOut, people)
    assert [p["user_id"] for p in people["going"]["items"]] == [going["user"]["id"]]
    assert people["waitlisted"]["items"][0]["waitlist_position"] == 1

    me = await read(client, "/api/v1/users/me", owner)
    same_shape(UserMe, me)
    assert me["email"] == owner["email"] and me["reputation"]["count"] == 0

    for answer in (anonymous, seen_group, posts, people, me):
        assert all(INSTANT.match(moment) for moment in instants(answer)), answer


async def test_signed_out_readers_never_see_private_groups_events(client, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner, visibility="private")
    event = await make_event(client, owner, group["id"])
    for path in (f"/api/v1/events/{event['id']}", f"/api/v1/events/{event['id']}/participants"):
        assert (await client.get(path)).status == 404
        assert (await client.get(path, headers=owner["headers"])).status == 200


async def test_one_event_checks_its_caller_in_the_same_read(client, api: Api, settings) -> None:
    """A bearer read of one event reads the caller's account and the event together:
    a banned caller is still a 403 and a deleted one a 401 (before any 404), exactly
    as the edge answers them on other routes, and private events stay hidden."""
    owner = await api.register("Owner")
    public = await make_event(client, owner, (await make_group(client, owner))["id"])
    private_group = await make_group(client, owner, visibility="private")
    private = await make_event(client, owner, private_group["id"])
    outsider = await api.register("Outsider")

    async def status_and_body(path: str, person: dict[str, Any]) -> tuple[int, Any]:
        resp = await client.get(path, headers=person["headers"])
        body = await resp.json()
        if isinstance(body, dict):
            body.pop("request_id", None)
            body.pop("instance", None)
        return resp.status, body

    assert (await status_and_body(f"/api/v1/events/{public['id']}", outsider))[0] == 200
    assert (await status_and_body(f"/api/v1/events/{private['id']}", outsider))[0] == 404
    assert (await status_and_body(f"/api/v1/events/{private['id']}", owner))[0] == 200
    assert (await status_and_body("/api/v1/events/999999", outsider))[0] == 404

    banned = await api.register("Banned")
    await admin_cli(settings, "bans", "add", str(banned["user"]["id"]), "--reason", "spam")
    elsewhere = await status_and_body("/api/v1/notifications", banned)
    assert elsewhere[0] == 403
    for event_id in (public["id"], private["id"], 999999, 99999999999):
        assert await status_and_body(f"/api/v1/events/{event_id}", banned) == elsewhere

    gone = await api.register("Gone")
    assert (await client.delete("/api/v1/users/me", headers=gone["headers"])).status == 204
    elsewhere = await status_and_body("/api/v1/notifications", gone)
    assert elsewhere[0] == 401
    for event_id in (public["id"], 999999, 99999999999):
        assert await status_and_body(f"/api/v1/events/{event_id}", gone) == elsewhere
