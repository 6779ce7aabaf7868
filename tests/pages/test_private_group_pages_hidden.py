"""A private group's pages are a 404 to everyone outside it, the same answer as for a
group that does not exist, on every page and form of invitations and requests."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.support.browsers import as_new_person, new_private_group


async def test_an_outsider_gets_404_everywhere(client: TestClient) -> None:
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    outsider = await as_new_person(client, "Otto", "otto@example.com")
    missing = group_id + 1000
    for gid in (group_id, missing):
        for path in (f"/groups/{gid}", f"/groups/{gid}/requests", f"/groups/{gid}/invite"):
            resp = await client.get(path)
            assert resp.status == 404, path
            assert "Night Riders" not in await resp.text()
        forms = {
            f"/groups/{gid}/invite": {"email": "olga@example.com"},
            f"/groups/{gid}/invite-links": {"lifetime": "7"},
            f"/groups/{gid}/invite-links/1/revoke": {},
            f"/groups/{gid}/requests/1/approve": {},
            f"/groups/{gid}/requests/1/decline": {},
            f"/invites/{gid}/decline": {},
        }
        for path, data in forms.items():
            resp = await client.post(path, data={"csrf_token": outsider, **data})
            assert resp.status == 404, path


async def test_signed_out_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    client.session.cookie_jar.clear()
    for path in (f"/groups/{group_id}/requests", f"/groups/{group_id}/invite", "/invites"):
        resp = await client.get(path, allow_redirects=False)
        assert resp.status == 303 and resp.headers["Location"].startswith("/login"), path
    assert (await client.get(f"/groups/{group_id}")).status == 404
