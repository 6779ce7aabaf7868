"""The moderation queue page: moderators see and decide reports there (audited with the
page face); everyone else gets the 403 page."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.moderation.helpers import audit_rows, report, staff, with_role, world
from tests.support.api import PASSWORD, Api
from tests.support.pages import csrf_of, signed_in


async def test_moderators_resolve_from_the_queue_page(
    client: TestClient, api: Api, settings
) -> None:
    w = await world(client, api)
    admin, _ = await staff(settings, api)
    created = (await report(client, w["owner"], "comment", w["comment"]["id"], "insults"))[1]
    await signed_in(client, "Page Mod", "pagemod@example.com")
    login = await client.post(
        "/api/v1/auth/login", json={"email": "pagemod@example.com", "password": PASSWORD}
    )
    me = await login.json()
    assert (await client.get("/moderation")).status == 403  # not a moderator yet
    await with_role(settings, me, "moderator")
    page = await client.get("/moderation")
    assert page.status == 200
    html = await page.text()
    assert "Nice zebra" in html and "insults" in html
    resp = await client.post(
        f"/moderation/reports/{created['id']}/resolve",
        data={"csrf_token": csrf_of(html), "action": "remove_content", "note": "rude"},
        allow_redirects=False,
    )
    assert resp.status == 303
    after = await (await client.get("/moderation")).text()
    assert f"Report {created['id']} resolved" in after and "Nice zebra" not in after
    # Twice: a message, not an error page; a bad action: 422.
    resp = await client.post(
        f"/moderation/reports/{created['id']}/resolve",
        data={"csrf_token": csrf_of(after), "action": "dismiss"},
    )
    assert resp.status == 200 and "already resolved" in await resp.text()
    resp = await client.post(
        f"/moderation/reports/{created['id']}/resolve",
        data={"csrf_token": csrf_of(after), "action": "explode"},
    )
    assert resp.status == 422
    rows = await audit_rows(client, admin, "?action=content.remove")
    assert [(r["face"], r["actor_id"], r["reason"]) for r in rows] == [
        ("page", me["user"]["id"], "rude")
    ]
    comments = await (await client.get(f"/api/v1/posts/{w['post']['id']}/comments")).json()
    assert comments["items"] == []
