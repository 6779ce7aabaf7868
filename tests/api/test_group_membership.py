"""Joining, leaving, requests, invites, roles: who may do what to whom."""

from __future__ import annotations

import asyncio

from tests.support.api import Api, make_group


async def test_public_join_is_immediate_and_idempotent(client, api: Api) -> None:
    ann, bob = await api.register(), await api.register()
    group = await make_group(client, ann)
    url = f"/api/v1/groups/{group['id']}"
    for _ in range(2):
        resp = await client.post(f"{url}/join", headers=bob["headers"])
        assert resp.status == 200
        assert await resp.json() == {"status": "member"}
    seen = await (await client.get(url, headers=bob["headers"])).json()
    assert seen["member_count"] == 2 and seen["my_role"] == "member"


async def test_private_join_waits_for_approval(client, api: Api) -> None:
    ann, bob, cat = await api.register(), await api.register(), await api.register()
    group = await make_group(client, ann, visibility="private")
    url = f"/api/v1/groups/{group['id']}"
    resp = await client.post(f"{url}/join", headers=bob["headers"])
    assert resp.status == 202 and await resp.json() == {"status": "pending"}
    # Asking shows nothing more than before: the group is still hidden from Bob.
    assert (await client.get(url, headers=bob["headers"])).status == 404
    assert (await client.get(f"{url}/members", headers=bob["headers"])).status == 404
    await client.post(f"{url}/join", headers=cat["headers"])
    pending = await (await client.get(f"{url}/requests", headers=ann["headers"])).json()
    assert {p["user_id"] for p in pending["items"]} == {bob["user"]["id"], cat["user"]["id"]}
    assert (await client.get(f"{url}/requests", headers=bob["headers"])).status == 404
    ok = await client.post(f"{url}/requests/{bob['user']['id']}/approve", headers=ann["headers"])
    assert ok.status == 204
    no = await client.post(f"{url}/requests/{cat['user']['id']}/decline", headers=ann["headers"])
    assert no.status == 204
    assert (await (await client.get(url, headers=bob["headers"])).json())["my_role"] == "member"
    assert (await client.get(url, headers=cat["headers"])).status == 404
    again = await client.post(f"{url}/requests/{cat['user']['id']}/approve", headers=ann["headers"])
    assert again.status == 404
    # The answers: Bob's names the group he is now in; Cat's does not name the group
    # she never saw, nor link to it (a review).
    from tests.support.bus import settle

    await settle(client.app)
    for person, named in ((bob, True), (cat, False)):
        inbox = await client.get("/api/v1/notifications", headers=person["headers"])
        (answer,) = [n for n in (await inbox.json())["items"] if n["kind"] == "join_answer"]
        assert (group["name"] in answer["text"]) is named, answer
        assert (answer["url"] == f"/groups/{group['id']}") is named, answer


async def test_invite_lets_the_invitee_into_a_private_group(client, api: Api) -> None:
    ann, bob, eve = await api.register(), await api.register(), await api.register()
    group = await make_group(client, ann, visibility="private")
    url = f"/api/v1/groups/{group['id']}"
    sent = await client.post(
        f"{url}/invites", json={"user_id": bob["user"]["id"]}, headers=ann["headers"]
    )
    assert sent.status == 201
    invites = await (await client.get("/api/v1/users/me/invites", headers=bob["headers"])).json()
    assert [g["id"] for g in invites["items"]] == [group["id"]]
    assert invites["items"][0]["invited"] is True
    joined = await client.post(f"{url}/join", headers=bob["headers"])
    assert joined.status == 200 and (await joined.json())["status"] == "member"
    assert (await (await client.get("/api/v1/users/me/invites", headers=bob["headers"])).json())[
        "items"
    ] == []
    # A member who is not an admin cannot invite; an outsider cannot even see the group.
    member_invite = await client.post(
        f"{url}/invites", json={"user_id": eve["user"]["id"]}, headers=bob["headers"]
    )
    assert member_invite.status == 403
    dup = await client.post(
        f"{url}/invites", json={"user_id": bob["user"]["id"]}, headers=ann["headers"]
    )
    assert dup.status == 409
    nobody = await client.post(f"{url}/invites", json={"user_id": 999999}, headers=ann["headers"])
    assert nobody.status == 404


async def test_invite_can_be_declined(client, api: Api) -> None:
    ann, bob = await api.register(), await api.register()
    group = await make_group(client, ann, visibility="private")
    url = f"/api/v1/groups/{group['id']}"
    await client.post(f"{url}/invites", json={"user_id": bob["user"]["id"]}, headers=ann["headers"])
    declined = await client.delete(f"{url}/invites/{bob['user']['id']}", headers=bob["headers"])
    assert declined.status == 204
    assert (await client.post(f"{url}/join", headers=bob["headers"])).status == 202


async def test_owner_must_hand_over_before_leaving(client, api: Api) -> None:
    ann, bob = await api.register(), await api.register()
    group = await make_group(client, ann)
    url = f"/api/v1/groups/{group['id']}"
    resp = await client.post(f"{url}/leave", headers=ann["headers"])
    assert resp.status == 409
    assert "hand ownership" in (await resp.json())["detail"]
    not_member = await client.post(
        f"{url}/owner", json={"user_id": bob["user"]["id"]}, headers=ann["headers"]
    )
    assert not_member.status == 409
    await client.post(f"{url}/join", headers=bob["headers"])
    by_bob = await client.post(
        f"{url}/owner", json={"user_id": bob["user"]["id"]}, headers=bob["headers"]
    )
    assert by_bob.status == 403
    handed = await client.post(
        f"{url}/owner", json={"user_id": bob["user"]["id"]}, headers=ann["headers"]
    )
    assert handed.status == 200
    assert (await handed.json())["owner_id"] == bob["user"]["id"]
    assert (await client.post(f"{url}/leave", headers=ann["headers"])).status == 204
    after = await (await client.get(url)).json()
    assert after["member_count"] == 1


async def test_role_rules(client, api: Api) -> None:
    owner, adm1, adm2, mem = [await api.register(n) for n in ("O", "A1", "A2", "M")]
    group = await make_group(client, owner)
    url = f"/api/v1/groups/{group['id']}"
    for person in (adm1, adm2, mem):
        await client.post(f"{url}/join", headers=person["headers"])
    for admin in (adm1, adm2):
        r = await client.patch(
            f"{url}/members/{admin['user']['id']}", json={"role": "admin"}, headers=owner["headers"]
        )
        assert r.status == 200 and (await r.json())["role"] == "admin"

    async def patch(actor, target, role):
        return (
            await client.patch(
                f"{url}/members/{target['user']['id']}",
                json={"role": role},
                headers=actor["headers"],
            )
        ).status

    async def remove(actor, target):
        return (
            await client.delete(f"{url}/members/{target['user']['id']}", headers=actor["headers"])
        ).status

    assert await patch(adm1, owner, "member") == 409  # nobody demotes the owner
    assert await patch(adm1, adm2, "member") == 403  # an admin cannot demote an admin
    assert await patch(mem, adm1, "member") == 403  # members manage nobody
    assert await patch(adm1, mem, "owner") == 422  # ownership is a transfer, not a role
    assert await remove(adm1, owner) == 409  # nobody removes the owner
    assert await remove(adm1, adm2) == 403
    assert await remove(adm1, mem) == 204
    assert await remove(owner, adm2) == 204
    assert await remove(owner, mem) == 404  # already gone
    count = (await (await client.get(url)).json())["member_count"]
    assert count == 2


async def test_a_full_group_answers_409(client, api: Api) -> None:
    ann, bob, cat = await api.register(), await api.register(), await api.register()
    group = await make_group(client, ann, max_members=2)
    url = f"/api/v1/groups/{group['id']}"
    assert (await client.post(f"{url}/join", headers=bob["headers"])).status == 200
    full = await client.post(f"{url}/join", headers=cat["headers"])
    assert full.status == 409
    assert "full" in (await full.json())["detail"]


async def test_fifty_concurrent_joins_into_ten_seats(client, api: Api) -> None:
    ann = await api.register()
    group = await make_group(client, ann, max_members=10)
    people = [await api.register() for _ in range(50)]
    url = f"/api/v1/groups/{group['id']}/join"
    answers = await asyncio.gather(*(client.post(url, headers=p["headers"]) for p in people))
    statuses = [a.status for a in answers]
    assert statuses.count(200) == 9  # the owner holds the tenth seat
    assert statuses.count(409) == 41
    members = await (await client.get(f"/api/v1/groups/{group['id']}/members?limit=100")).json()
    assert len(members["items"]) == 10
    assert (await (await client.get(f"/api/v1/groups/{group['id']}")).json())["member_count"] == 10


async def test_concurrent_joins_and_leaves_keep_the_counter_exact(client, api: Api) -> None:
    ann = await api.register()
    group = await make_group(client, ann)
    url = f"/api/v1/groups/{group['id']}"
    stayers = [await api.register() for _ in range(10)]
    leavers = [await api.register() for _ in range(10)]
    for person in leavers:
        await client.post(f"{url}/join", headers=person["headers"])
    await asyncio.gather(
        *(client.post(f"{url}/join", headers=p["headers"]) for p in stayers),
        *(client.post(f"{url}/leave", headers=p["headers"]) for p in leavers),
    )
    group_now = await (await client.get(url)).json()
    members = await (await client.get(f"{url}/members?limit=100")).json()
    assert group_now["member_count"] == len(members["items"]) == 11


async def test_inviting_the_same_person_twice_at_once_is_one_invite(client, api: Api) -> None:
    owner, guest = await api.register(), await api.register()
    group = await make_group(client, owner, visibility="private")
    url = f"/api/v1/groups/{group['id']}/invites"
    answers = await asyncio.gather(
        *(
            client.post(url, json={"user_id": guest["user"]["id"]}, headers=owner["headers"])
            for _ in range(8)
        )
    )
    assert {a.status for a in answers} == {201}
    mine = await (await client.get("/api/v1/users/me/invites", headers=guest["headers"])).json()
    assert [g["id"] for g in mine["items"]] == [group["id"]]


async def test_asking_to_join_tells_nothing_about_private_groups(client, api: Api) -> None:
    """Asking to join a private group and withdrawing the request read every private
    group's name, description and place (a black-box trial); and 202 for a private id
    against 404 for a missing one told which ids were private groups."""
    owner, bob = await api.register(), await api.register()
    secret = await make_group(client, owner, name="Hidden Crew", visibility="private")
    missing = secret["id"] + 1000
    answers = []
    for group_id in (secret["id"], missing):
        resp = await client.post(f"/api/v1/groups/{group_id}/join", headers=bob["headers"])
        answers.append((resp.status, await resp.json()))
    assert answers[0] == answers[1] == (202, {"status": "pending"})
    url = f"/api/v1/groups/{secret['id']}"
    for path in ("", "/members", "/posts", "/requests"):
        assert (await client.get(url + path, headers=bob["headers"])).status == 404, path
    listed = await (await client.get("/api/v1/groups?limit=100", headers=bob["headers"])).json()
    assert secret["id"] not in [g["id"] for g in listed["items"]]
    # Nothing was asked of a group that does not exist; the real request is the owner's
    # to answer, and Bob may withdraw it though he cannot see the group.
    pending = await (await client.get(f"{url}/requests", headers=owner["headers"])).json()
    assert [p["user_id"] for p in pending["items"]] == [bob["user"]["id"]]
    # Leaving answers alike for the private group (withdrawing the request), again, and
    # for no group at all: asking then leaving must not tell them apart (a review).
    left = []
    for group_id in (secret["id"], secret["id"], missing):
        resp = await client.post(f"/api/v1/groups/{group_id}/leave", headers=bob["headers"])
        left.append((resp.status, await resp.read()))
    assert left == [(204, b"")] * 3
    pending = await (await client.get(f"{url}/requests", headers=owner["headers"])).json()
    assert pending["items"] == []


async def test_invitations_are_counted_per_inviter(aiohttp_client, make_settings) -> None:
    """Each invitation notifies someone who asked for nothing: a new account invited
    every user id to a group named after its spam (a black-box trial)."""
    from crewup.app import create_app

    client = await aiohttp_client(create_app(make_settings(rate_limit_invites="2/hour")))
    api = Api(client)
    spammer = await api.register()
    people = [await api.register() for _ in range(3)]
    group = await make_group(client, spammer, name="Cheap watches")
    url = f"/api/v1/groups/{group['id']}/invites"
    answers = []
    for person in people:
        resp = await client.post(
            url, json={"user_id": person["user"]["id"]}, headers=spammer["headers"]
        )
        answers.append(resp.status)
    assert answers == [201, 201, 429]
    # Inviting someone already invited makes nothing new, and costs nothing.
    again = await client.post(
        url, json={"user_id": people[0]["user"]["id"]}, headers=spammer["headers"]
    )
    assert again.status == 201
    third = await client.get("/api/v1/notifications", headers=people[2]["headers"])
    assert (await third.json())["items"] == []


async def test_a_group_with_people_expected_at_its_events_is_not_deleted_silently(
    client, api: Api
) -> None:
    """Its events went with it and nobody going was told (a black-box trial): cancel
    them first, which tells everyone and keeps them, cancelled, in their calendars."""
    from tests.support.api import make_event, rsvp

    owner, ann = await api.register(), await api.register()
    group = await make_group(client, owner)
    await client.post(f"/api/v1/groups/{group['id']}/join", headers=ann["headers"])
    await make_event(client, owner, group["id"], title="Nobody coming")
    event = await make_event(client, owner, group["id"], title="Night climb")
    assert (await rsvp(client, event, ann))[0] == 200
    url = f"/api/v1/groups/{group['id']}"
    refused = await client.delete(url, headers=owner["headers"])
    assert refused.status == 409
    assert "Night climb" in (await refused.json())["detail"]
    assert (await client.get(f"/api/v1/events/{event['id']}", headers=ann["headers"])).status == 200
    cancel = await client.post(
        f"/api/v1/events/{event['id']}/cancel",
        json={"reason": "group closing"},
        headers=owner["headers"],
    )
    assert cancel.status == 200, await cancel.text()
    assert (await client.delete(url, headers=owner["headers"])).status == 204
    assert (await client.get(url)).status == 404


async def test_asking_to_join_is_counted(aiohttp_client, make_settings) -> None:
    """Asking and withdrawing over and over notified the admins each time (a black-box
    trial); a group that does not exist costs the same, so the limit tells nothing."""
    from crewup.app import create_app

    client = await aiohttp_client(create_app(make_settings(rate_limit_join_requests="3/hour")))
    api = Api(client)
    owner, pest = await api.register(), await api.register()
    secret = await make_group(client, owner, visibility="private")
    url = f"/api/v1/groups/{secret['id']}"
    answers = []
    for _ in range(2):
        answers.append((await client.post(f"{url}/join", headers=pest["headers"])).status)
        await client.post(f"{url}/leave", headers=pest["headers"])
    missing = f"/api/v1/groups/{secret['id'] + 1000}/join"
    answers.append((await client.post(missing, headers=pest["headers"])).status)
    answers.append((await client.post(f"{url}/join", headers=pest["headers"])).status)
    assert answers == [202, 202, 202, 429]
    # Joining a public group is not asking: never counted.
    public = await make_group(client, owner)
    joined = await client.post(f"/api/v1/groups/{public['id']}/join", headers=pest["headers"])
    assert joined.status == 200
