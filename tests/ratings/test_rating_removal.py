"""A moderator removes an abusive rating through a report: it leaves the rated person's
reputation (counters exact, `fix reputation` agrees), every list and the profile page,
stays for the audit, and can no longer be edited or given again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.moderation.helpers import audit_rows, report, resolve, staff
from tests.ratings.helpers import all_ratings, edit, outing, rate, reputation
from tests.support.api import Api
from tests.support.browsers import as_person
from tests.support.cli import admin_cli


async def test_a_removed_rating_leaves_reputation_and_every_face(
    client, api: Api, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api, going=3)
    a, b, c = o.going
    _, moderator = await staff(settings, api)
    o.move_to(monkeypatch, timedelta(hours=1))
    status, abusive = await rate(client, a, b, o.event, 1, comment="vile insult here")
    assert status == 201
    assert (await rate(client, c, b, o.event, 5, comment="great partner"))[0] == 201
    assert (await reputation(client, b, c))["count"] == 2

    status, filed = await report(client, b, "rating", abusive["id"], "abusive comment")
    assert status == 201, filed
    assert filed["target"]["type"] == "rating"
    status, done = await resolve(client, moderator, filed["id"], "remove_content", "abuse")
    assert status == 200, done
    assert done["target"]["removed"] is True

    assert await reputation(client, b, c) == {"score": 5.0, "count": 1, "smoothed": 3.333}
    listed = await all_ratings(client, b, c)
    assert [r["comment"] for r in listed] == ["great partner"]
    await as_person(client, c["email"])
    page = await (await client.get(f"/users/{b['user']['id']}")).text()
    assert "vile insult" not in page and "great partner" in page
    # Its author can neither change it nor give it again; nobody can report it again.
    assert (await edit(client, a, b, o.event["id"], score=2))[0] == 409
    assert (await rate(client, a, b, o.event, 3))[0] == 409
    assert (await report(client, c, "rating", abusive["id"]))[0] == 404
    assert (await reputation(client, b, c))["count"] == 1

    rows = await audit_rows(client, moderator, "?action=content.remove")
    assert [(r["target_type"], r["target_id"]) for r in rows] == [("rating", abusive["id"])]
    fixed = await admin_cli(settings, "fix", "reputation")
    assert fixed.exit_code == 0 and "nothing to fix" in fixed.output, fixed.output


async def test_a_private_events_rating_cannot_be_reported_from_outside(
    client, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    o = await outing(client, api, going=2, visibility="private")
    a, b = o.going
    outsider = await api.register("Outsider")
    o.move_to(monkeypatch, timedelta(hours=1))
    status, given = await rate(client, a, b, o.event, 2, comment="private words")
    assert status == 201
    assert (await report(client, outsider, "rating", given["id"]))[0] == 404
    assert (await report(client, b, "rating", given["id"]))[0] == 201
