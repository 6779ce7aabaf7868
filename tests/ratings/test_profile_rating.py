"""A person's page: their reputation, their ratings (only from events the viewer can see),
and the viewer's "Rate" and "Edit your rating" forms where the ratings rules allow."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.ratings.helpers import outing, rate, reputation
from tests.support.api import Api
from tests.support.browsers import as_person
from tests.support.pages import csrf_of


async def test_rate_and_edit_from_a_profile(
    client, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api, going=2)
    a, b = o.going
    token = await as_person(client, a["email"])
    profile = f"/users/{b['user']['id']}"
    early = await (await client.get(profile)).text()
    assert "not rated yet" in early and 'name="score"' not in early  # not ended yet

    o.move_to(monkeypatch, timedelta(hours=1))
    html = await (await client.get(profile)).text()
    assert f'action="/events/{o.event["id"]}/ratings"' in html
    assert f'name="user_id" value="{b["user"]["id"]}"' in html
    assert o.event["title"] in html
    for nobody in (f"/users/{a['user']['id']}", f"/users/{o.waitlisted['user']['id']}"):
        assert 'name="score"' not in await (await client.get(nobody)).text(), nobody

    form = {"user_id": str(b["user"]["id"]), "score": "2", "comment": "late <again>"}
    forged = await client.post(f"/events/{o.event['id']}/ratings", data=form)
    assert forged.status == 403
    sent = await client.post(
        f"/events/{o.event['id']}/ratings",
        data={**form, "back": "user", "csrf_token": token},
        allow_redirects=False,
    )
    assert sent.status == 303 and sent.headers["Location"] == profile
    after = await (await client.get(profile)).text()
    assert "your rating is saved" in after
    assert "Edit your rating" in after and 'value="2" selected' in after
    assert "late &lt;again&gt;" in after and "<again>" not in after
    assert "rated 2.0 / 5 by 1 person" in after and "Smoothed score 2.833" in after
    assert f'action="/events/{o.event["id"]}/ratings"' not in after  # rated: edit instead

    edit_url = f"{profile}/ratings/{o.event['id']}"
    edited = await client.post(
        edit_url,
        data={"score": "5", "comment": "fine", "csrf_token": csrf_of(after)},
        allow_redirects=False,
    )
    assert edited.status == 303 and edited.headers["Location"] == profile
    assert (await reputation(client, b, a))["score"] == 5.0
    bad = await client.post(
        edit_url, data={"score": "9", "csrf_token": csrf_of(after)}, allow_redirects=True
    )
    assert "Pick a score from 1 to 5" in await bad.text()
    assert (await reputation(client, b, a))["score"] == 5.0

    o.move_to(monkeypatch, timedelta(days=14, hours=2))  # window closed: nothing offered
    await as_person(client, a["email"])  # page sessions last 14 days
    closed = await (await client.get(profile)).text()
    assert "late" not in closed and "fine" in closed  # the edited comment, listed
    assert "Edit your rating" not in closed and 'name="score"' not in closed
    late = await client.post(
        edit_url, data={"score": "1", "csrf_token": csrf_of(closed)}, allow_redirects=True
    )
    assert "closed 14 days after it ended" in await late.text()


async def test_an_outsider_sees_no_private_comment_or_event_on_a_profile(
    client, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api, going=2, visibility="private")
    a, b = o.going
    outsider = await api.register("Outsider")
    o.move_to(monkeypatch, timedelta(hours=1))
    assert (await rate(client, a, b, o.event, 4, comment="secret crag beta"))[0] == 201
    await as_person(client, a["email"])
    inside = await (await client.get(f"/users/{b['user']['id']}")).text()
    assert "secret crag beta" in inside and o.event["title"] in inside
    await as_person(client, outsider["email"])
    outside = await (await client.get(f"/users/{b['user']['id']}")).text()
    assert "rated 4.0 / 5 by 1 person" in outside  # the numbers are public
    assert "secret crag beta" not in outside and o.event["title"] not in outside
