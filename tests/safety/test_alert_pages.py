"""Safety alerts in the browser: the banner with its answer buttons on every page while an
alert I received is open and unanswered, the alert's page, and the "raise an alert" form
from the group page (latitude and longitude typed in when there is no script)."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient

from tests.safety.world import HERE, alerts_of, raise_alert
from tests.support.api import Api, make_event, make_group
from tests.support.bus import settle
from tests.support.pages import signed_in


async def _member_via_page(client: TestClient, token: str, group: dict[str, Any]) -> None:
    joined = await client.post(f"/groups/{group['id']}/join", data={"csrf_token": token})
    assert joined.status == 200


async def test_banner_until_i_answer(client: TestClient, api: Api) -> None:
    owner = await api.register("Owner")
    group = await make_group(client, owner, name="Crag Rats")
    token = await signed_in(client, "Ann", "ann@example.com")
    await _member_via_page(client, token, group)
    assert 'class="safety-banner"' not in await (await client.get("/groups")).text()
    alert = await raise_alert(client, owner, message="Rockfall <near> the north wall")
    await settle(client.app)  # the notification exists: its list shows the banner too
    paths = ("/", "/groups", f"/groups/{group['id']}", "/events", "/profile", "/notifications")
    for path in paths:
        html = await (await client.get(path)).text()
        assert 'class="safety-banner"' in html, path
        assert "Rockfall &lt;near&gt; the north wall" in html
        assert f'action="/safety/alerts/{alert["id"]}/acknowledge"' in html
        assert 'value="on_my_way"' in html and "I'm OK" in html
        assert "/static/js/safety-banner.js" in html  # new alerts appear live too
    # Without the CSRF token nothing changes.
    refused = await client.post(f"/safety/alerts/{alert['id']}/acknowledge", data={"status": "ok"})
    assert refused.status == 403
    answered = await client.post(
        f"/safety/alerts/{alert['id']}/acknowledge",
        data={"csrf_token": token, "status": "on_my_way"},
        allow_redirects=False,
    )
    assert answered.status == 303
    assert answered.headers["Location"] == f"/safety/alerts/{alert['id']}"
    page = await (await client.get(answered.headers["Location"])).text()
    assert 'class="safety-banner"' not in page
    assert "You answered: <strong>On my way</strong>" in page
    assert "Resolve alert" not in page  # only for its author and moderators
    seen = await (
        await client.get(f"/api/v1/safety/alerts/{alert['id']}", headers=owner["headers"])
    ).json()
    assert [(a["user"]["display_name"], a["status"]) for a in seen["acknowledgements"]] == [
        ("Ann", "on_my_way")
    ]


async def test_a_resolved_alert_leaves_the_banner(client: TestClient, api: Api) -> None:
    owner = await api.register("Owner")
    group = await make_group(client, owner)
    token = await signed_in(client, "Ann", "ann@example.com")
    await _member_via_page(client, token, group)
    alert = await raise_alert(client, owner)
    assert 'class="safety-banner"' in await (await client.get("/")).text()
    resp = await client.post(
        f"/api/v1/safety/alerts/{alert['id']}/resolve",
        json={"note": "False alarm"},
        headers=owner["headers"],
    )
    assert resp.status == 200
    assert 'class="safety-banner"' not in await (await client.get("/")).text()
    page = await (await client.get(f"/safety/alerts/{alert['id']}")).text()
    assert "(resolved)" in page and "False alarm" in page
    # Not mine to resolve: the page says so.
    other = await raise_alert(client, owner)
    refused = await client.post(
        f"/safety/alerts/{other['id']}/resolve", data={"csrf_token": token, "note": "x"}
    )
    assert "author or a moderator" in await refused.text()


async def test_raise_an_alert_from_the_group_page(client: TestClient, api: Api) -> None:
    owner = await api.register("Owner")
    group = await make_group(client, owner, name="Crag Rats")
    other = await make_group(client, owner, name="Board games")
    token = await signed_in(client, "Ann", "ann@example.com")
    await _member_via_page(client, token, group)
    await _member_via_page(client, token, other)
    group_page = await (await client.get(f"/groups/{group['id']}")).text()
    link = f"/safety/alerts/new?group_id={group['id']}"
    assert f'href="{link}"' in group_page
    form = await (await client.get(link)).text()
    assert "the members of <strong>Crag Rats</strong>" in form
    assert "/static/js/safety-location.js" in form
    assert 'name="lat"' in form and 'name="lon"' in form
    fields = {
        "csrf_token": token,
        "group_id": str(group["id"]),
        "message": "Lost a climber near the crag",
        "severity": "emergency",
    }
    bad = await client.post("/safety/alerts/new", data={**fields, "lat": "95", "lon": "13.4"})
    assert bad.status == 422
    assert 'id="e-lat"' in await bad.text()
    made = await client.post(
        "/safety/alerts/new",
        data={**fields, "lat": str(HERE["lat"]), "lon": str(HERE["lon"])},
        allow_redirects=False,
    )
    assert made.status == 303, await made.text()
    location = made.headers["Location"]
    found = re.fullmatch(r"/safety/alerts/(\d+)", location)
    assert found is not None
    page = await (await client.get(location)).text()
    assert "Alert sent to 1 person." in page
    assert "Lost a climber near the crag" in page
    assert "Nobody has answered yet." in page and "Resolve alert" in page
    # Only the group it was raised from: the owner receives it once, through that group.
    assert await alerts_of(client, owner) == [int(found.group(1))]
    alert = await (
        await client.get(f"/api/v1/safety/alerts/{found.group(1)}", headers=owner["headers"])
    ).json()
    assert alert["group_ids"] == [group["id"]]
    resolved = await client.post(
        f"{location}/resolve", data={"csrf_token": token, "note": "Found her"}
    )
    assert "Alert resolved" in await resolved.text()


async def test_strangers_get_the_not_found_page(client: TestClient, api: Api) -> None:
    owner = await api.register("Owner")
    await make_group(client, owner)
    alert = await raise_alert(client, owner)
    token = await signed_in(client, "Ann", "ann@example.com")
    assert (await client.get(f"/safety/alerts/{alert['id']}")).status == 404
    resp = await client.post(
        f"/safety/alerts/{alert['id']}/acknowledge", data={"csrf_token": token, "status": "ok"}
    )
    assert resp.status == 404
    anonymous_form = await client.get("/safety/alerts/new", allow_redirects=False)
    assert anonymous_form.status == 200  # signed in: the form, for all my groups
    assert "the members of all your groups" in await anonymous_form.text()


async def test_raise_an_alert_from_the_event_page(client: TestClient, api: Api) -> None:
    owner = await api.register("Owner")
    group = await make_group(client, owner, name="Crag Rats")
    other = await make_group(client, owner, name="Board games")
    event = await make_event(client, owner, group["id"], title="Bouldering night")
    page = f"/events/{event['id']}"
    assert "Raise an alert" not in await (await client.get(page)).text()  # signed out
    token = await signed_in(client, "Ann", "ann@example.com")
    # In no group: an alert would reach nobody, so no link.
    html = await (await client.get(page)).text()
    assert "Bouldering night" in html and "Raise an alert" not in html
    # In another group only: the alert goes to all of mine.
    await _member_via_page(client, token, other)
    html = await (await client.get(page)).text()
    assert '<a href="/safety/alerts/new">Raise an alert</a>' in html
    assert "the members of all your groups" in await (await client.get("/safety/alerts/new")).text()
    # A member of the event's group alerts that group, as from the group's page.
    await _member_via_page(client, token, group)
    html = await (await client.get(page)).text()
    link = f"/safety/alerts/new?group_id={group['id']}"
    assert f'<a href="{link}">Raise an alert</a>' in html
    form = await (await client.get(link)).text()
    assert "the members of <strong>Crag Rats</strong>" in form
