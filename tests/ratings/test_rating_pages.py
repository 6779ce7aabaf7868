"""The "Rate" forms on an ended event's page: CSRF, escaping, and who is offered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.ratings.helpers import reputation
from tests.support.api import Api, make_event, make_group, rsvp
from tests.support.pages import csrf_of, signed_in


async def test_rate_forms_on_an_ended_event(
    client, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await api.register("Organiser")
    bob = await api.register("Bob <b>bold</b>")
    curious = await api.register("Curious")
    group = await make_group(client, owner)
    event = await make_event(client, owner, group["id"])
    await rsvp(client, event, bob)
    await rsvp(client, event, curious, "interested")
    token = await signed_in(client, "Ann", "ann-rates@example.com")
    page = f"/events/{event['id']}"
    going = await client.post(
        f"{page}/rsvp", data={"csrf_token": token, "status": "going"}, allow_redirects=False
    )
    assert going.status == 303
    before = await (await client.get(page)).text()
    assert "Rate the people you went with" not in before  # not over yet

    from crewup.core import clock

    later = clock.now() + timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    html = await (await client.get(page)).text()
    assert "Rate the people you went with" in html
    assert "Bob &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert f'name="user_id" value="{bob["user"]["id"]}"' in html
    assert html.count('name="user_id"') == 1  # Bob only: Curious was just interested

    form = {"user_id": str(bob["user"]["id"]), "score": "4", "comment": "<script>x</script>"}
    forged = await client.post(f"{page}/ratings", data=form, allow_redirects=False)
    assert forged.status == 403
    assert (await reputation(client, bob, owner))["count"] == 0
    sent = await client.post(
        f"{page}/ratings", data={**form, "csrf_token": csrf_of(html)}, allow_redirects=False
    )
    assert sent.status == 303
    after = await (await client.get(page)).text()
    assert "your rating is saved" in after
    assert "Rate the people you went with" not in after  # nobody left to rate
    assert await reputation(client, bob, owner) == {"score": 4.0, "count": 1, "smoothed": 3.167}
    again = await client.post(
        f"{page}/ratings", data={**form, "csrf_token": csrf_of(after)}, allow_redirects=True
    )
    assert "already rated" in await again.text()
    for score, user_id in (("eleven", form["user_id"]), ("\u00b2", form["user_id"]), ("3", "x")):
        bad = await client.post(
            f"{page}/ratings",
            data={**form, "score": score, "user_id": user_id, "csrf_token": csrf_of(after)},
            allow_redirects=True,
        )
        assert bad.status == 200 and "score from 1 to 5" in await bad.text()
    profile = await (await client.get(f"/users/{bob['user']['id']}")).text()
    assert "rated 4.0 / 5 by 1 person" in profile
