"""crewup-admin events and fix waitlists."""

from __future__ import annotations

from sqlalchemy import update

from crewup.core import clock
from crewup.events.tables import event_participants, events
from crewup.web.appkeys import DB
from tests.support.api import Api, make_event, make_group
from tests.support.cli import admin_cli


async def test_list_show_cancel(client, api: Api, settings) -> None:
    owner = await api.register()
    group = await make_group(client, owner, visibility="private")
    event = await make_event(client, owner, group["id"], title="Quiet meetup")
    listed = await admin_cli(settings, "events", "list")
    assert "Quiet meetup" in listed.output
    shown = await admin_cli(settings, "events", "show", str(event["id"]))
    assert shown.exit_code == 0 and "Hall A" in shown.output
    assert (await admin_cli(settings, "events", "show", "999999")).exit_code == 1
    done = await admin_cli(settings, "events", "cancel", str(event["id"]), "--reason", "flood")
    assert done.exit_code == 0, done.output
    seen = await (
        await client.get(f"/api/v1/events/{event['id']}", headers=owner["headers"])
    ).json()
    assert seen["status"] == "cancelled" and seen["cancel_reason"] == "flood"
    twice = await admin_cli(settings, "events", "cancel", str(event["id"]), "--reason", "x")
    assert twice.exit_code == 1


async def test_fix_waitlists_promotes_where_seats_are_free(client, api: Api, settings) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=1)
    people = [await api.register() for _ in range(3)]
    for person in people:
        await client.post(
            f"/api/v1/events/{event['id']}/rsvp",
            json={"status": "going"},
            headers=person["headers"],
        )
    nothing = await admin_cli(settings, "fix", "waitlists")
    assert "nothing changed" in nothing.output
    async with client.server.app[DB].transaction() as conn:  # an operator raised it by hand
        await conn.execute(update(events).values(capacity=3))
    fixed = await admin_cli(settings, "fix", "waitlists")
    assert fixed.exit_code == 0 and "2 people promoted" in fixed.output
    state = await (await client.get(f"/api/v1/events/{event['id']}")).json()
    assert (state["going_count"], state["waitlist_count"]) == (3, 0)


async def test_fix_counters_covers_event_counters(client, api: Api, settings) -> None:
    owner, guest = await api.register(), await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"])
    await client.post(
        f"/api/v1/events/{event['id']}/rsvp",
        json={"status": "interested"},
        headers=guest["headers"],
    )
    async with client.server.app[DB].transaction() as conn:
        await conn.execute(update(events).values(going_count=0, interested_count=5))
    fixed = await admin_cli(settings, "fix", "counters")
    assert "1 counters fixed" in fixed.output and "interested_count" in fixed.output
    state = await (await client.get(f"/api/v1/events/{event['id']}")).json()
    assert state["interested_count"] == 1


async def _seat_rows(client, event_id: int) -> dict:
    lists = await (await client.get(f"/api/v1/events/{event_id}/participants")).json()
    return {status: [p["user_id"] for p in page["items"]] for status, page in lists.items()}


async def test_fix_counters_mends_an_overbooked_event(client, api: Api, settings) -> None:
    """Rows say three people are going to a room of two (an operator's hand edit): the
    last to get a seat goes back to the head of the line, and nothing fails."""
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=2)
    first, second, late, waiting = [await api.register() for _ in range(4)]
    for person in (first, second, waiting):
        await client.post(
            f"/api/v1/events/{event['id']}/rsvp",
            json={"status": "going"},
            headers=person["headers"],
        )
    async with client.server.app[DB].transaction() as conn:
        await conn.execute(
            event_participants.insert().values(
                event_id=event["id"],
                user_id=late["user"]["id"],
                status="going",
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    fixed = await admin_cli(settings, "fix", "counters")
    assert fixed.exit_code == 0, fixed.output
    assert "1 overbooked events" in fixed.output
    rows = await _seat_rows(client, event["id"])
    assert sorted(rows["going"]) == sorted([first["user"]["id"], second["user"]["id"]])
    assert rows["waitlisted"] == [late["user"]["id"], waiting["user"]["id"]]
    state = await (await client.get(f"/api/v1/events/{event['id']}")).json()
    assert (state["going_count"], state["waitlist_count"]) == (2, 2)
    again = await admin_cli(settings, "fix", "counters")
    assert "nothing changed" in again.output


async def test_fix_waitlists_decides_from_the_rows(client, api: Api, settings) -> None:
    """The counters claim the room is full, the rows show a free seat and a waiting
    person: fix waitlists promotes them (it used to trust the counter and do nothing)."""
    owner = await api.register()
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"], capacity=2)
    seated, leaving, waiting = [await api.register() for _ in range(3)]
    for person in (seated, leaving, waiting):
        await client.post(
            f"/api/v1/events/{event['id']}/rsvp",
            json={"status": "going"},
            headers=person["headers"],
        )
    async with client.server.app[DB].transaction() as conn:  # a row removed by hand
        await conn.execute(
            event_participants.delete().where(event_participants.c.user_id == leaving["user"]["id"])
        )
    fixed = await admin_cli(settings, "fix", "waitlists")
    assert fixed.exit_code == 0, fixed.output
    assert "1 people promoted" in fixed.output
    rows = await _seat_rows(client, event["id"])
    assert sorted(rows["going"]) == sorted([seated["user"]["id"], waiting["user"]["id"]])
    state = await (await client.get(f"/api/v1/events/{event['id']}")).json()
    assert (state["going_count"], state["waitlist_count"]) == (2, 0)
