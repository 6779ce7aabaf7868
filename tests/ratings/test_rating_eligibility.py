"""Who may rate whom, when, and how often: every refusal is a clear 4xx problem."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.ratings.helpers import edit, outing, rate
from tests.support.api import Api

PROBLEM = "application/problem+json"


async def test_going_people_rate_each_other_once_after_the_end(
    client, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api)
    a, b, _ = o.going
    o.move_to(monkeypatch, timedelta(hours=1))
    status, body = await rate(client, a, b, o.event, 5, comment="great belayer <b>!</b>")
    assert status == 201, body
    assert body["score"] == 5 and body["comment"] == "great belayer <b>!</b>"
    assert body["rater"] == {"id": a["user"]["id"], "display_name": "Goer 0"}
    assert body["event"] == {"id": o.event["id"], "title": o.event["title"]}
    assert (await rate(client, b, a, o.event, 3))[0] == 201  # and the other way round
    again = await client.post(
        f"/api/v1/users/{b['user']['id']}/ratings",
        json={"score": 1, "event_id": o.event["id"]},
        headers=a["headers"],
    )
    assert again.status == 409 and again.content_type == PROBLEM
    assert "already rated" in (await again.json())["detail"]


async def test_refusals(client, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    o = await outing(client, api)
    a, b, _ = o.going
    stranger = await api.register("Stranger")
    early = await rate(client, a, b, o.event)
    assert early[0] == 409 and "not ended" in early[1]["detail"]
    o.move_to(monkeypatch, timedelta(minutes=5))
    cases = [
        (a, a, o.event["id"], 422, "yourself"),
        (a, o.interested, o.event["id"], 403, "going"),
        (a, o.waitlisted, o.event["id"], 403, "going"),
        (a, o.owner, o.event["id"], 403, "going"),
        (o.interested, a, o.event["id"], 403, "going"),
        (o.waitlisted, a, o.event["id"], 403, "going"),
        (stranger, a, o.event["id"], 403, "going"),
        (a, b, 999_999, 404, "event"),
    ]
    for rater, ratee, event_id, status, words in cases:
        got, body = await rate(client, rater, ratee, {"id": event_id})
        assert (got, words in body["detail"]) == (status, True), body
    unknown = await client.post(
        "/api/v1/users/999999/ratings",
        json={"score": 3, "event_id": o.event["id"]},
        headers=a["headers"],
    )
    assert unknown.status == 404 and unknown.content_type == PROBLEM


BAD_BODIES = [
    {"score": 0},
    {"score": 6},
    {"score": -1},
    {"score": "5"},
    {"score": 4.5},
    {"score": True},
    {"score": None},
    {"score": 2**70},
    {"score": 3, "event_id": "x"},
    {"score": 3, "event_id": 2**40},
    {"score": 3, "event_id": -4},
    {"score": 3, "event_id": None},
    {"score": 3, "comment": 12},
    {"score": 3, "comment": "x" * 2001},
    {"score": 3, "comment": "nul\x00"},
    {"score": 3, "comment": "\x07bell"},
    {"score": 3, "extra": 1},
]


async def test_bad_bodies_are_422(client, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    o = await outing(client, api, going=2)
    a, b = o.going
    o.move_to(monkeypatch, timedelta(hours=1))
    url = f"/api/v1/users/{b['user']['id']}/ratings"
    for body in [{}, *({"event_id": o.event["id"], **bad} for bad in BAD_BODIES)]:
        resp = await client.post(url, json=body, headers=a["headers"])
        assert resp.status == 422, (body, await resp.text())
        assert resp.content_type == PROBLEM
        assert (await resp.json())["errors"]
    odd = await rate(client, a, b, o.event, 5, comment="lone \ud800 surrogate")
    assert 400 <= odd[0] < 500, odd
    assert (await rate(client, a, b, o.event, 5))[0] == 201  # none of them was stored


async def test_malformed_json_and_anonymous(client, api: Api) -> None:
    person = await api.register()
    url = f"/api/v1/users/{person['user']['id']}/ratings"
    broken = await client.post(url, data="{not json", headers=person["headers"])
    assert broken.status == 400 and broken.content_type == PROBLEM
    assert (await client.post(url, json={"score": 3, "event_id": 1})).status == 401


async def test_edit_window_is_fourteen_days(
    client, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api)
    a, b, c = o.going
    o.move_to(monkeypatch, timedelta(days=1))
    assert (await rate(client, a, b, o.event, 2))[0] == 201
    status, body = await edit(client, a, b, o.event["id"], score=4, comment="on reflection, fine")
    assert status == 200 and (body["score"], body["comment"]) == (4, "on reflection, fine")
    assert (await edit(client, a, b, o.event["id"], comment="only the comment"))[1]["score"] == 4
    bad = await edit(client, a, b, o.event["id"], score=9)
    assert bad[0] == 422
    nothing = await edit(client, a, c, o.event["id"], score=3)
    assert nothing[0] == 404 and "not rated" in nothing[1]["detail"]
    o.move_to(monkeypatch, timedelta(days=14, seconds=1))
    late = await edit(client, a, b, o.event["id"], score=1)
    assert late[0] == 409 and "closed" in late[1]["detail"]
    late_new = await rate(client, a, c, o.event)
    assert late_new[0] == 409 and "closed" in late_new[1]["detail"]
    o.move_to(monkeypatch, timedelta(days=14))  # the last moment still counts
    assert (await edit(client, a, b, o.event["id"], score=5))[0] == 200


async def test_cancelled_event_cannot_be_rated(
    client, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api, going=2)
    a, b = o.going
    url = f"/api/v1/events/{o.event['id']}/cancel"
    assert (await client.post(url, json={"reason": "rain"}, headers=o.owner["headers"])).ok
    o.move_to(monkeypatch, timedelta(hours=1))
    status, body = await rate(client, a, b, o.event)
    assert status == 409 and "cancelled" in body["detail"]
