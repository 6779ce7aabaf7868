"""Reputation: the aggregate of the ratings, on profiles and beside names, exact under
concurrency, private events kept private, and `crewup-admin fix reputation`."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest
from sqlalchemy import update

from crewup.users.tables import users
from crewup.web.appkeys import DB
from tests.ratings.helpers import all_ratings, edit, outing, rate, reputation
from tests.support.api import Api, participants
from tests.support.cli import admin_cli
from tests.support.statements import StatementCounter


def smoothed(scores: list[int]) -> float:
    return round((5 * 3.0 + sum(scores)) / (5 + len(scores)), 3)


async def test_reputation_is_the_aggregate_everywhere(
    client, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api, going=4)
    star, *others = o.going
    fresh = await reputation(client, star, others[0])
    assert fresh == {"score": None, "count": 0, "smoothed": 3.0}
    o.move_to(monkeypatch, timedelta(hours=2))
    for rater, score in zip(others, (5, 4, 2), strict=True):
        assert (await rate(client, rater, star, o.event, score))[0] == 201
    assert await reputation(client, star, others[0]) == {
        "score": 3.67,
        "count": 3,
        "smoothed": smoothed([5, 4, 2]),
    }
    assert (await edit(client, others[2], star, o.event["id"], score=5))[0] == 200
    expected = {"score": 4.67, "count": 3, "smoothed": smoothed([5, 4, 5])}
    assert await reputation(client, star, others[0]) == expected
    going = (await participants(client, o.event, "going"))["items"]
    shown = {p["user_id"]: p["reputation"] for p in going}
    assert shown[star["user"]["id"]] == expected
    assert shown[others[0]["user"]["id"]] == {"score": None, "count": 0, "smoothed": 3.0}
    listed = await all_ratings(client, star, others[0])
    assert sorted(r["score"] for r in listed) == [4, 5, 5]
    assert [r["id"] for r in listed] == sorted((r["id"] for r in listed), reverse=True)
    me = await (await client.get("/api/v1/users/me", headers=star["headers"])).json()
    assert me["reputation"] == expected


async def test_list_pages_and_bad_cursors(client, api: Api, monkeypatch) -> None:
    o = await outing(client, api, going=2)
    a, b = o.going
    o.move_to(monkeypatch, timedelta(hours=1))
    await rate(client, a, b, o.event, 3)
    url = f"/api/v1/users/{b['user']['id']}/ratings"
    for query in ("?cursor=%%%", "?cursor=eyJpZCI6LTF9", "?limit=0", "?limit=101", "?x=1"):
        resp = await client.get(url + query, headers=a["headers"])
        assert resp.status in (400, 422), (query, await resp.text())
    gone = await client.get("/api/v1/users/999999/ratings", headers=a["headers"])
    assert gone.status == 404
    assert (await client.get(url)).status == 401


async def test_private_group_ratings_stay_inside(
    client, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api, going=2, visibility="private")
    a, b = o.going
    outsider = await api.register("Outsider")
    o.move_to(monkeypatch, timedelta(hours=1))
    status, _ = await rate(client, a, b, o.event, 4, comment="secret crag beta")
    assert status == 201
    member_view = await all_ratings(client, b, a)
    assert [r["comment"] for r in member_view] == ["secret crag beta"]
    assert await all_ratings(client, b, outsider) == []
    body = await (
        await client.get(f"/api/v1/users/{b['user']['id']}/ratings", headers=outsider["headers"])
    ).text()
    assert "secret" not in body and o.event["title"] not in body
    # The outsider cannot use the event to rate either: it does not exist for them.
    probe = await rate(client, outsider, a, o.event)
    assert probe[0] == 404
    # The count is public; it does not say where it came from.
    assert (await reputation(client, b, outsider))["count"] == 1


async def test_concurrent_ratings_and_edits_keep_reputation_exact(
    client, api: Api, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api, going=9)
    people = o.going
    editor, target = people[0], people[1]
    o.move_to(monkeypatch, timedelta(hours=1))
    assert (await rate(client, editor, target, o.event, 1))[0] == 201
    rng = random.Random(12)
    pairs = [(r, e) for r in people for e in people if r is not e and (r, e) != (editor, target)]
    work = [rate(client, r, e, o.event, rng.randint(1, 5)) for r, e in pairs]
    work += [
        edit(client, editor, target, o.event["id"], score=rng.randint(1, 5)) for _ in range(15)
    ]
    # Duplicates racing their originals: exactly one of each pair wins.
    work += [rate(client, r, e, o.event, 5) for r, e in pairs[:6]]
    rng.shuffle(work)
    answers = await asyncio.gather(*work)
    statuses = sorted(status for status, _ in answers)
    assert set(statuses) <= {200, 201, 409}, [a for a in answers if a[0] not in (200, 201, 409)]
    assert statuses.count(201) == len(pairs) and statuses.count(409) == 6
    for person in people:
        listed = await all_ratings(client, person, editor)
        scores = [r["score"] for r in listed]
        got = await reputation(client, person, editor)
        assert (got["count"], got["smoothed"]) == (len(scores), smoothed(scores))
    assert len(await all_ratings(client, target, editor)) == len(people) - 1
    clean = await admin_cli(settings, "fix", "reputation")
    assert clean.exit_code == 0 and "nothing to fix" in clean.output


async def test_fix_reputation_mends_a_tampered_counter(
    client, api: Api, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api, going=3)
    a, b, c = o.going
    o.move_to(monkeypatch, timedelta(hours=1))
    await rate(client, a, b, o.event, 5)
    await rate(client, c, b, o.event, 2)
    async with client.server.app[DB].transaction() as conn:  # someone edited the row by hand
        await conn.execute(
            update(users).where(users.c.id == b["user"]["id"]).values(rating_count=9)
        )
        await conn.execute(update(users).where(users.c.id == c["user"]["id"]).values(rating_sum=3))
    assert (await reputation(client, b, a))["count"] == 9
    fixed = await admin_cli(settings, "fix", "reputation")
    assert fixed.exit_code == 0, fixed.output
    assert "2 reputations fixed" in fixed.output
    assert "Goer 1" in fixed.output and "Goer 2" in fixed.output
    assert await reputation(client, b, a) == {
        "score": 3.5,
        "count": 2,
        "smoothed": smoothed([5, 2]),
    }
    assert (await reputation(client, c, a))["count"] == 0
    again = await admin_cli(settings, "fix", "reputation")
    assert "nothing to fix" in again.output


async def test_ratings_outlive_their_event_and_banned_raters_still_count(
    client, api: Api, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api, going=3)
    a, b, c = o.going
    o.move_to(monkeypatch, timedelta(hours=1))
    await rate(client, a, b, o.event, 2)
    await rate(client, c, b, o.event, 4)
    banned = await admin_cli(settings, "bans", "add", str(c["user"]["id"]), "--reason", "spam")
    assert banned.exit_code == 0, banned.output
    assert (await reputation(client, b, a))["count"] == 2
    assert (await rate(client, c, a, o.event))[0] == 403  # but a banned person rates no more
    assert (await admin_cli(settings, "fix", "reputation")).output.count("nothing to fix") == 1
    unbanned = await admin_cli(settings, "bans", "remove", str(c["user"]["id"]))
    assert unbanned.exit_code == 0, unbanned.output
    deleted = await client.delete(f"/api/v1/events/{o.event['id']}", headers=o.owner["headers"])
    assert deleted.status == 204, await deleted.text()
    kept = await all_ratings(client, b, a)
    assert [(r["event"], r["score"]) for r in kept] == [(None, 4), (None, 2)]
    assert (await reputation(client, b, a))["count"] == 2


async def test_reputation_beside_names_costs_no_statement_per_person(
    client, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api, going=6)
    first, *rest = o.going
    o.move_to(monkeypatch, timedelta(hours=1))
    app = client.server.app
    lists = (
        f"/api/v1/events/{o.event['id']}/participants?status=going",
        f"/api/v1/users/{first['user']['id']}/ratings",
    )

    async def statements() -> list[int]:
        counts = []
        for url in lists:
            with StatementCounter(app) as counter:
                assert (await client.get(url, headers=first["headers"])).status == 200
            counts.append(counter.count)
        return counts

    await rate(client, rest[0], first, o.event, 4)
    few = await statements()
    for rater in rest[1:]:
        for ratee in o.going:
            if ratee is not rater:
                await rate(client, rater, ratee, o.event, 3)
    assert await statements() == few
