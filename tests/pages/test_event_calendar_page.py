"""The event's .ics for the pages: found with the session cookie, hidden like the event."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from icalendar import Calendar

from tests.support.api import Api, make_event, make_group
from tests.support.pages import get_csrf, signed_in


async def test_private_event_file_for_members_only(client: TestClient, api: Api) -> None:
    owner = await api.register("Olga")
    group = await make_group(client, owner, visibility="private")
    event = await make_event(client, owner, group["id"], title="Secret crag day")
    path = f"/events/{event['id']}/calendar.ics"

    assert (await client.get(path)).status == 404  # nobody signed in
    await signed_in(client, "Otto", "otto@example.com")
    hidden = await client.get(path)
    assert hidden.status == 404
    assert "Secret crag day" not in await hidden.text()

    client.session.cookie_jar.clear()
    token = await get_csrf(client, "/login")
    login = {"csrf_token": token, "email": owner["email"], "password": owner["password"]}
    assert (await client.post("/login", data=login, allow_redirects=False)).status == 303
    answer = await client.get(path)
    assert answer.status == 200
    assert answer.content_type == "text/calendar"
    assert answer.headers["Content-Disposition"].endswith(f'crewup-event-{event["id"]}.ics"')
    [entry] = [c for c in Calendar.from_ical(await answer.read()).walk() if c.name == "VEVENT"]
    assert str(entry["summary"]) == "Secret crag day"
    page = await (await client.get(f"/events/{event['id']}")).text()
    assert f'href="{path}"' in page
