"""RSVP: exact capacity under any concurrency, and a waitlist promoted in arrival order."""

from __future__ import annotations

import asyncio

from tests.support.api import Api, event_state, future, make_event, make_group, participants, rsvp


async def test_going_interested_and_waitlist(client, api: Api) -> None:
    owner = await api.register()
    a, b, c, d = [await api.register(n) for n in "ABCD"]
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=2)
    assert await rsvp(client, event, a) == (200, {"status": "going", "waitlist_position": None})
    assert (await rsvp(client, event, d, "interested"))[1]["status"] == "interested"
    assert (await rsvp(client, event, b))[1]["status"] == "going"
    assert await rsvp(client, event, c) == (200, {"status": "waitlisted", "waitlist_position": 1})
    assert await rsvp(client, event, d) == (200, {"status": "waitlisted", "waitlist_position": 2})
    # Pressing "going" again changes nothing, and keeps my place.
    assert await rsvp(client, event, c) == (200, {"status": "waitlisted", "waitlist_position": 1})
    now = await event_state(client, event)
    assert (now["going_count"], now["waitlist_count"], now["interested_count"]) == (2, 2, 0)
    seen = await (await client.get(f"/api/v1/events/{event['id']}", headers=d["headers"])).json()
    assert seen["my_rsvp"] == {"status": "waitlisted", "waitlist_position": 2}
    people = await participants(client, event)
    assert [p["display_name"] for p in people["waitlisted"]["items"]] == ["C", "D"]
    assert [p["waitlist_position"] for p in people["waitlisted"]["items"]] == [1, 2]


async def test_cancellations_promote_in_arrival_order(client, api: Api) -> None:
    owner = await api.register()
    people = [await api.register(f"P{i}") for i in range(6)]
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=2)
    for person in people:
        await rsvp(client, event, person)
    url = f"/api/v1/events/{event['id']}/rsvp"
    assert (await client.delete(url, headers=people[0]["headers"])).status == 204
    going = [p["display_name"] for p in (await participants(client, event, "going"))["items"]]
    assert sorted(going) == ["P1", "P2"]
    # A waitlisted person leaving closes the gap: positions stay 1..n.
    await client.delete(url, headers=people[4]["headers"])
    waiting = (await participants(client, event, "waitlisted"))["items"]
    assert [(p["display_name"], p["waitlist_position"]) for p in waiting] == [("P3", 1), ("P5", 2)]
    # Switching from going to interested also frees the seat for the head of the line.
    assert (await rsvp(client, event, people[1], "interested"))[1]["status"] == "interested"
    going = [p["display_name"] for p in (await participants(client, event, "going"))["items"]]
    assert sorted(going) == ["P2", "P3"]
    final = await event_state(client, event)
    assert (final["going_count"], final["waitlist_count"], final["interested_count"]) == (2, 1, 1)


async def test_capacity_changes(client, api: Api) -> None:
    owner = await api.register()
    people = [await api.register() for _ in range(5)]
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=2)
    for person in people:
        await rsvp(client, event, person)
    url = f"/api/v1/events/{event['id']}"
    raised = await client.patch(url, json={"capacity": 4}, headers=owner["headers"])
    body = await raised.json()
    assert (body["going_count"], body["waitlist_count"]) == (4, 1)
    promoted = (await participants(client, event, "going"))["items"]
    assert {p["user_id"] for p in promoted} == {p["user"]["id"] for p in people[:4]}
    lowered = await client.patch(url, json={"capacity": 3}, headers=owner["headers"])
    assert lowered.status == 409
    assert (await lowered.json())["errors"][0]["field"] == "capacity"
    unlimited = await client.patch(url, json={"capacity": None}, headers=owner["headers"])
    assert (await unlimited.json())["waitlist_count"] == 0


async def test_three_hundred_concurrent_going_on_twenty_seats(client, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=20)
    people = await asyncio.gather(*(api.register() for _ in range(300)))
    answers = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/events/{event['id']}/rsvp", json={"status": "going"}, headers=p["headers"]
            )
            for p in people
        )
    )
    assert [a.status for a in answers].count(200) == 300  # and so no 5xx at all
    results = [await a.json() for a in answers]
    going = [r for r in results if r["status"] == "going"]
    waiting = sorted(r["waitlist_position"] for r in results if r["status"] == "waitlisted")
    assert len(going) == 20
    assert waiting == list(range(1, 281))  # no gaps, no duplicates
    final = await event_state(client, event)
    assert (final["going_count"], final["waitlist_count"]) == (20, 280)
    listed = await participants(client, event, "going")
    assert len(listed["items"]) == 20


async def test_concurrent_cancellations_promote_exactly(client, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=10)
    people = [await api.register() for _ in range(30)]
    for person in people:
        await rsvp(client, event, person)
    url = f"/api/v1/events/{event['id']}/rsvp"
    await asyncio.gather(*(client.delete(url, headers=p["headers"]) for p in people[:10]))
    final = await event_state(client, event)
    assert (final["going_count"], final["waitlist_count"]) == (10, 10)
    going = {p["user_id"] for p in (await participants(client, event, "going"))["items"]}
    assert going == {p["user"]["id"] for p in people[10:20]}  # the next ten, in order


async def test_participant_pages(client, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=1)
    for _ in range(5):
        await rsvp(client, event, await api.register())
    first = await participants(client, event, "waitlisted")
    assert len(first["items"]) == 4
    base = f"/api/v1/events/{event['id']}/participants?status=waitlisted&limit=3"
    page = await (await client.get(base)).json()
    rest = await (await client.get(f"{base}&cursor={page['waitlisted']['next_cursor']}")).json()
    positions = [
        p["waitlist_position"] for p in page["waitlisted"]["items"] + rest["waitlisted"]["items"]
    ]
    assert positions == [1, 2, 3, 4]
    assert (await client.get(f"/api/v1/events/{event['id']}/participants?cursor=x")).status == 422


async def test_every_list_at_once_pages_like_each_list(client, api: Api) -> None:
    """Without status=, the three lists come in one read: each is cut at the limit with
    its own cursor, which the single list then continues; a hidden event stays 404."""
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=2)
    people = [await api.register() for _ in range(6)]
    for person in people[:5]:
        await rsvp(client, event, person)  # two going, three waiting
    await rsvp(client, event, people[5], "interested")
    ids = [p["user"]["id"] for p in people]
    path = f"/api/v1/events/{event['id']}/participants"
    every = await (await client.get(f"{path}?limit=2")).json()
    assert [p["user_id"] for p in every["going"]["items"]] == sorted(ids[:2])
    assert every["going"]["next_cursor"] is None
    line = every["waitlisted"]
    assert [(p["user_id"], p["waitlist_position"]) for p in line["items"]] == [
        (ids[2], 1),
        (ids[3], 2),
    ]
    assert [p["user_id"] for p in every["interested"]["items"]] == [ids[5]]
    assert every["interested"]["next_cursor"] is None
    rest = await (
        await client.get(f"{path}?status=waitlisted&limit=2&cursor={line['next_cursor']}")
    ).json()
    assert [(p["user_id"], p["waitlist_position"]) for p in rest["waitlisted"]["items"]] == [
        (ids[4], 3)
    ]
    hidden = await make_group(client, owner, name="Hidden", visibility="private")
    secret = await make_event(client, owner, hidden["id"])
    assert (await client.get(f"/api/v1/events/{secret['id']}/participants")).status == 404


async def test_a_deleted_account_gives_its_seat_to_the_next_in_line(client, api: Api) -> None:
    owner, leaver, waiting = await api.register(), await api.register(), await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=1)
    await rsvp(client, event, leaver)
    await rsvp(client, event, waiting)
    assert (await client.delete("/api/v1/users/me", headers=leaver["headers"])).status == 204
    going = (await participants(client, event, "going"))["items"]
    assert [p["user_id"] for p in going] == [waiting["user"]["id"]]
    final = await event_state(client, event)
    assert (final["going_count"], final["waitlist_count"]) == (1, 0)


async def test_a_rush_with_double_presses_and_second_thoughts_stays_consistent(
    client, api: Api
) -> None:
    """First RSVPs, people pressing twice at once, people leaving and people switching to
    'interested', all at the same moment: the counters must still match the lists, nobody
    may wait while a seat is free, and the line must have no gaps."""
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=8)
    early = [await api.register() for _ in range(12)]
    for person in early:
        await rsvp(client, event, person)
    rush = [await api.register() for _ in range(30)]
    url = f"/api/v1/events/{event['id']}/rsvp"
    answers = await asyncio.gather(
        *(rsvp(client, event, p) for p in rush),
        *(rsvp(client, event, p) for p in rush[:10]),  # the same people, pressing twice
        *(rsvp(client, event, p, "interested") for p in rush[25:]),
        *(client.delete(url, headers=p["headers"]) for p in early[:4]),
        *(rsvp(client, event, p, "interested") for p in early[8:10]),
    )
    assert all((a[0] if isinstance(a, tuple) else a.status) in (200, 204) for a in answers), answers
    final = await event_state(client, event)
    lists = await participants(client, event)
    going = lists["going"]["items"]
    waiting = lists["waitlisted"]["items"]
    interested = lists["interested"]["items"]
    assert final["going_count"] == len(going) == 8  # more people than seats: all seats taken
    assert final["waitlist_count"] == len(waiting)
    assert final["interested_count"] == len(interested)
    assert [p["waitlist_position"] for p in waiting] == list(range(1, len(waiting) + 1))
    everyone = [p["user_id"] for p in going + waiting + interested]
    assert len(everyone) == len(set(everyone))  # one RSVP per person, however often pressed
    left = {p["user"]["id"] for p in early[:4]}
    assert not left & set(everyone)
    # 12 early + 30 rushing - 4 who left: each of them holds exactly one RSVP.
    assert len(everyone) == 38


async def test_leaving_a_private_group_gives_up_its_upcoming_seats(client, api: Api) -> None:
    owner, ann, bob = await api.register("Owner"), await api.register("Ann"), await api.register()
    crew = await make_group(client, owner, visibility="private")
    url = f"/api/v1/groups/{crew['id']}"
    for person in (ann, bob):
        await client.post(f"{url}/join", headers=person["headers"])
        approve = f"{url}/requests/{person['user']['id']}/approve"
        await client.post(approve, headers=owner["headers"])
    event = await make_event(client, owner, crew["id"], capacity=1)
    assert (await rsvp(client, event, ann))[1]["status"] == "going"
    assert (await rsvp(client, event, bob))[1]["status"] == "waitlisted"
    assert (await client.post(f"{url}/leave", headers=ann["headers"])).status == 204
    # Ann can no longer see the event; her seat went to Bob, next in line.
    seen = await client.get(f"/api/v1/events/{event['id']}", headers=bob["headers"])
    body = await seen.json()
    assert body["my_rsvp"] == {"status": "going", "waitlist_position": None}
    assert (body["going_count"], body["waitlist_count"]) == (1, 0)
    mine = await client.get(
        f"/api/v1/calendar?from={future(-1)}&to={future(100)}",
        headers=ann["headers"],
    )
    assert (await mine.json())["items"] == []


async def test_leaving_a_public_group_keeps_the_seat(client, api: Api) -> None:
    owner, ann = await api.register(), await api.register()
    crew = await make_group(client, owner)
    await client.post(f"/api/v1/groups/{crew['id']}/join", headers=ann["headers"])
    event = await make_event(client, owner, crew["id"], capacity=1)
    await rsvp(client, event, ann)
    await client.post(f"/api/v1/groups/{crew['id']}/leave", headers=ann["headers"])
    assert (await event_state(client, event))["going_count"] == 1  # public events stay open to all


async def test_making_a_group_private_releases_outsiders_seats(client, api: Api) -> None:
    owner, member, outsider, waiting = [await api.register(n) for n in ("O", "M", "X", "W")]
    crew = await make_group(client, owner)
    for person in (member, waiting):
        await client.post(f"/api/v1/groups/{crew['id']}/join", headers=person["headers"])
    event = await make_event(client, owner, crew["id"], capacity=2)
    assert (await rsvp(client, event, outsider))[1]["status"] == "going"
    assert (await rsvp(client, event, member))[1]["status"] == "going"
    assert (await rsvp(client, event, waiting))[1]["status"] == "waitlisted"
    made = await client.patch(
        f"/api/v1/groups/{crew['id']}", json={"visibility": "private"}, headers=owner["headers"]
    )
    assert made.status == 200
    # The outsider can no longer see the event; their seat went to the next member in line.
    hidden = await client.get(f"/api/v1/events/{event['id']}", headers=outsider["headers"])
    assert hidden.status == 404
    seen = await client.get(f"/api/v1/events/{event['id']}", headers=owner["headers"])
    body = await seen.json()
    assert (body["going_count"], body["waitlist_count"]) == (2, 0)
    going = await client.get(
        f"/api/v1/events/{event['id']}/participants?status=going", headers=owner["headers"]
    )
    ids = {p["user_id"] for p in (await going.json())["going"]["items"]}
    assert ids == {member["user"]["id"], waiting["user"]["id"]}
    again = await client.post(
        f"/api/v1/events/{event['id']}/rsvp", json={"status": "going"}, headers=outsider["headers"]
    )
    assert again.status == 404


async def test_a_storm_decides_each_person_as_if_they_had_pressed_alone(
    client, api: Api, settings
) -> None:
    """First RSVPs pressed together are decided together (one statement on PostgreSQL);
    mixed into the storm are people who may not take a seat, people already holding one
    and people asking for 'interested'. Each gets the answer they would get alone, the
    seats go to new members only, and the line has no gaps."""
    from tests.moderation.helpers import staff

    owner = await api.register("Owner")
    _, moderator = await staff(settings, api)
    crew = await make_group(client, owner, visibility="private")
    url = f"/api/v1/groups/{crew['id']}"
    members = [await api.register() for _ in range(30)]
    for person in members:
        await client.post(f"{url}/join", headers=person["headers"])
        approve = f"{url}/requests/{person['user']['id']}/approve"
        assert (await client.post(approve, headers=owner["headers"])).status == 204
    outsiders = [await api.register() for _ in range(6)]
    event = await make_event(client, owner, crew["id"], capacity=10)
    holding = members[:4]
    for person in holding:
        assert (await rsvp(client, event, person))[1]["status"] == "going"
    banned = members[4:8]
    for person in banned:
        resp = await client.post(
            "/api/v1/moderation/bans",
            json={"user_id": person["user"]["id"], "reason": "abuse"},
            headers=moderator["headers"],
        )
        assert resp.status == 201, await resp.text()
    curious = members[8:12]
    fresh = members[12:]
    answers = await asyncio.gather(
        *(rsvp(client, event, p) for p in fresh + holding + banned + outsiders),
        *(rsvp(client, event, p, "interested") for p in curious),
    )
    asked = fresh + holding + banned + outsiders + curious
    answered = {p["user"]["id"]: a for p, a in zip(asked, answers, strict=True)}

    def by_person(p: dict) -> tuple[int, dict]:
        return answered[p["user"]["id"]]

    assert all(by_person(p)[1]["status"] == "going" for p in holding)  # kept, not re-seated
    assert all(by_person(p)[0] == 403 for p in banned)
    assert all(by_person(p)[0] == 404 for p in outsiders)  # a private group's event: hidden
    assert all(
        by_person(p)[1] == {"status": "interested", "waitlist_position": None} for p in curious
    )
    new = [by_person(p)[1] for p in fresh]
    assert sum(1 for a in new if a["status"] == "going") == 6  # 10 seats, 4 already held
    assert sorted(a["waitlist_position"] for a in new if a["status"] == "waitlisted") == list(
        range(1, 13)
    )
    seen_by_owner = {"headers": owner["headers"]}
    final = await (await client.get(f"/api/v1/events/{event['id']}", **seen_by_owner)).json()
    assert (final["going_count"], final["waitlist_count"], final["interested_count"]) == (10, 12, 4)
    roll = f"/api/v1/events/{event['id']}/participants"
    lists = await (await client.get(roll, **seen_by_owner)).json()
    seated = {p["user_id"] for p in lists["going"]["items"]}
    assert {p["user"]["id"] for p in holding} <= seated
    assert not seated & {p["user"]["id"] for p in banned + outsiders}
    # The line is the order the answers gave: whoever was told "number 1" moves up first.
    first_in_line = next(p for p in fresh if by_person(p)[1]["waitlist_position"] == 1)
    gone = await client.delete(f"/api/v1/events/{event['id']}/rsvp", headers=holding[0]["headers"])
    assert gone.status == 204
    lists = await (await client.get(roll, **seen_by_owner)).json()
    now_going = {p["user_id"] for p in lists["going"]["items"]}
    assert first_in_line["user"]["id"] in now_going


async def test_people_pressing_on_two_servers_at_once_hold_one_place_each(
    client, api: Api, aiohttp_client, settings
) -> None:
    """Two app instances on one database (two processes behind a balancer): each gathers
    its own presses, so the same person's two presses meet in the database, one statement
    finding the other's RSVP committed. Each person holds one place and is told the same
    on both."""
    from crewup.app import create_app

    other = await aiohttp_client(create_app(settings))
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=15)
    people = [await api.register() for _ in range(40)]
    url = f"/api/v1/events/{event['id']}/rsvp"
    answers = await asyncio.gather(
        *(
            server.post(url, json={"status": "going"}, headers=p["headers"])
            for p in people
            for server in (client, other)
        )
    )
    assert [a.status for a in answers].count(200) == 80, [a.status for a in answers]
    bodies = [await a.json() for a in answers]
    for i in range(40):
        assert bodies[2 * i] == bodies[2 * i + 1]  # both presses told the same place
    told = bodies[::2]
    assert sum(1 for b in told if b["status"] == "going") == 15
    waiting = sorted(b["waitlist_position"] for b in told if b["status"] == "waitlisted")
    assert waiting == list(range(1, 26))
    final = await event_state(client, event)
    assert (final["going_count"], final["waitlist_count"]) == (15, 25)
    lists = await participants(client, event)
    assert len(lists["going"]["items"]) == 15
    assert [p["waitlist_position"] for p in lists["waitlisted"]["items"]] == waiting


async def test_a_press_committed_elsewhere_meanwhile_leaves_the_others_decided(
    client, api: Api, settings, stack
) -> None:
    """Another process holds the event's lock while it seats Ann; meanwhile Ann presses
    again here, with Bo and Cy. When it commits, the statement that began before (and so
    did not see Ann's row) collides with it: nobody gets a 5xx or a second place, Ann is
    told the seat she holds, and Bo and Cy get the last seat and the first waitlist place.
    (PostgreSQL: SQLite has one writer and no such race.)"""
    import asyncpg
    import pytest

    if not stack.is_services:
        pytest.skip("a race between processes' row locks: PostgreSQL only")
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=2)
    ann, bo, cy = [await api.register(n) for n in ("Ann", "Bo", "Cy")]
    other_process = await asyncpg.connect(settings.database_url)
    try:
        blocker = other_process.transaction()
        await blocker.start()
        await other_process.execute(
            "SELECT 1 FROM events WHERE id = $1 FOR NO KEY UPDATE", event["id"]
        )
        presses = asyncio.gather(*(rsvp(client, event, p) for p in (ann, bo, cy)))
        await asyncio.sleep(0.5)  # the statement has begun and waits for the event's lock
        await other_process.execute(
            "INSERT INTO event_participants (event_id, user_id, status, created_at, updated_at)"
            " VALUES ($1, $2, 'going', now(), now())",
            event["id"],
            ann["user"]["id"],
        )
        await other_process.execute(
            "UPDATE events SET going_count = going_count + 1 WHERE id = $1", event["id"]
        )
        await blocker.commit()
        answers = await presses
    finally:
        await other_process.close()
    assert [a[0] for a in answers] == [200, 200, 200]
    assert answers[0][1] == {"status": "going", "waitlist_position": None}
    others = sorted((a[1]["status"], a[1]["waitlist_position"]) for a in answers[1:])
    assert others == [("going", None), ("waitlisted", 1)]
    final = await event_state(client, event)
    assert (final["going_count"], final["waitlist_count"]) == (2, 1)
