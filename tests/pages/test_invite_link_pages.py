"""A shareable invite link brings someone without an account into a private group: open
the link, create an account (the form comes back to the link), join. A link lets one
person in; a spent, expired, revoked or unknown link is a clear 4xx page."""

from __future__ import annotations

import html as htmllib
import re
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from crewup.core import clock
from crewup.groups.invite_links import prune_links
from crewup.web.appkeys import DB
from tests.support.api import PASSWORD
from tests.support.browsers import as_new_person, as_person, forget, new_private_group
from tests.support.pages import csrf_of


async def make_link(client: TestClient, token: str, group_id: int, days: str = "7") -> str:
    made = await client.post(
        f"/groups/{group_id}/invite-links",
        data={"csrf_token": token, "lifetime": days},
        allow_redirects=False,
    )
    assert made.status == 303, await made.text()
    assert made.headers["Location"] == f"/groups/{group_id}/invite"
    shown = await client.get(made.headers["Location"])
    assert shown.status == 200
    found = re.search(r'id="new-link" type="text" readonly value="([^"]+)"', await shown.text())
    assert found is not None, "the new link is not shown"
    url = htmllib.unescape(found.group(1))
    return url[url.index("/invite?") :]  # the path; the test server has its own origin


async def test_invite_link_round_trip_for_a_new_person(client: TestClient) -> None:
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    link = await make_link(client, owner, group_id)

    # Someone new opens the link: they see the group's name, not its content, and a way in.
    forget(client)
    assert (await client.get(f"/groups/{group_id}")).status == 404
    landing = await client.get(link)
    assert landing.status == 200
    page = await landing.text()
    assert "You&#39;re invited to Night Riders" in page or "You're invited to" in page
    register_href = re.search(r'href="(/register\?next=[^"]+)"', page)
    assert register_href is not None
    register_url = htmllib.unescape(register_href.group(1))

    # The sign-up form carries the way back, and lands on the link once the account exists.
    form_page = await (await client.get(register_url)).text()
    action = re.search(r'<form method="post" action="([^"]+)"', form_page)
    assert action is not None and "next=" in action.group(1)
    signed_up = await client.post(
        htmllib.unescape(action.group(1)),
        data={
            "csrf_token": csrf_of(form_page),
            "display_name": "Nina",
            "email": "nina@example.com",
            "password": PASSWORD,
        },
        allow_redirects=False,
    )
    assert signed_up.status == 303
    assert signed_up.headers["Location"] == link
    back = await (await client.get(link)).text()
    assert "Join Night Riders" in back
    joined = await client.post(
        "/invite",
        data={"csrf_token": csrf_of(back), "token": link.split("token=", 1)[1]},
        allow_redirects=False,
    )
    assert joined.status == 303
    assert joined.headers["Location"] == f"/groups/{group_id}"
    inside = await (await client.get(f"/groups/{group_id}")).text()
    assert "you are <strong>member</strong>" in inside
    assert "Posts" in inside

    # The link was for one person: the next newcomer gets a clear "used" page.
    await as_new_person(client, "Max", "max@example.com")
    used = await client.get(link)
    assert used.status == 410
    assert "already been used" in await used.text()
    assert (await client.get(f"/groups/{group_id}")).status == 404


async def test_signing_in_from_the_link_comes_back_to_it(client: TestClient) -> None:
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    await as_new_person(client, "Ben", "ben@example.com")
    owner = await as_person(client, "olga@example.com")
    link = await make_link(client, owner, group_id)
    forget(client)
    page = await (await client.get(link)).text()
    login_href = re.search(r'href="(/login\?next=[^"]+)"', page)
    assert login_href is not None
    login_url = htmllib.unescape(login_href.group(1))
    login_page = await (await client.get(login_url)).text()
    action = htmllib.unescape(re.search(r'action="(/login[^"]*)"', login_page).group(1))
    signed_in = await client.post(
        action,
        data={"csrf_token": csrf_of(login_page), "email": "ben@example.com", "password": PASSWORD},
        allow_redirects=False,
    )
    assert signed_in.status == 303
    assert signed_in.headers["Location"] == link


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example", "/\\evil.example"])
async def test_sign_up_never_sends_people_off_site(client: TestClient, target: str) -> None:
    form_page = await (await client.get("/register", params={"next": target})).text()
    assert "evil.example" not in form_page
    signed_up = await client.post(
        "/register",
        params={"next": target},
        data={
            "csrf_token": csrf_of(form_page),
            "display_name": "Eve",
            "email": "eve@example.com",
            "password": PASSWORD,
        },
        allow_redirects=False,
    )
    assert signed_up.status == 303
    assert signed_up.headers["Location"] == "/profile"


async def test_an_expired_link_is_a_clear_gone_page(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    link = await make_link(client, owner, group_id, days="1")
    newcomer = await as_new_person(client, "Nina", "nina@example.com")
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(days=2))
    expired = await client.get(link)
    assert expired.status == 410
    assert "expired" in await expired.text()
    refused = await client.post(
        "/invite", data={"csrf_token": newcomer, "token": link.split("token=", 1)[1]}
    )
    assert refused.status == 410
    monkeypatch.setattr(clock, "now", real_now)
    assert (await client.get(f"/groups/{group_id}")).status == 404


async def test_unknown_and_revoked_links(client: TestClient) -> None:
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    link = await make_link(client, owner, group_id)
    invite_page = await (await client.get(f"/groups/{group_id}/invite")).text()
    revoke = re.search(r'action="(/groups/\d+/invite-links/\d+/revoke)"', invite_page)
    assert revoke is not None
    await client.post(revoke.group(1), data={"csrf_token": owner})
    await as_new_person(client, "Nina", "nina@example.com")
    assert (await client.get(link)).status == 404
    assert (await client.get("/invite?token=made-up")).status == 404
    assert (await client.get("/invite")).status == 404


async def test_a_link_stops_working_when_its_maker_may_no_longer_invite(
    client: TestClient,
) -> None:
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    first = await make_link(client, owner, group_id)
    ada = await as_new_person(client, "Ada", "ada@example.com")
    await client.post("/invite", data={"csrf_token": ada, "token": first.split("token=", 1)[1]})
    ada_id = (await api_login(client, "ada@example.com"))["user"]["id"]
    olga = await api_login(client, "olga@example.com")
    promoted = await client.patch(
        f"/api/v1/groups/{group_id}/members/{ada_id}",
        json={"role": "admin"},
        headers=olga["headers"],
    )
    assert promoted.status == 200, await promoted.text()
    ada = await as_person(client, "ada@example.com")
    adas_link = await make_link(client, ada, group_id)
    demoted = await client.patch(
        f"/api/v1/groups/{group_id}/members/{ada_id}",
        json={"role": "member"},
        headers=olga["headers"],
    )
    assert demoted.status == 200
    await as_new_person(client, "Nina", "nina@example.com")
    stale = await client.get(adas_link)
    assert stale.status == 410
    assert "can no longer invite" in await stale.text()


async def api_login(client: TestClient, email: str) -> dict[str, Any]:
    resp = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    body["headers"] = {"Authorization": f"Bearer {body['access_token']}"}
    return body


async def test_long_dead_links_are_pruned(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    old = await make_link(client, owner, group_id, days="1")
    fresh = await make_link(client, owner, group_id, days="30")
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(days=20))
    async with client.app[DB].transaction() as conn:
        assert await prune_links(conn) == 0  # expired, but recently: still a clear 410
    assert (await client.get(old)).status == 410
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(days=32))
    async with client.app[DB].transaction() as conn:
        assert await prune_links(conn) == 1
    assert (await client.get(old)).status == 404
    assert (await client.get(fresh)).status == 410  # expired at day 30, kept for now


async def test_joining_by_link_needs_the_csrf_token(client: TestClient) -> None:
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    link = await make_link(client, owner, group_id)
    without_csrf = await client.post(
        f"/groups/{group_id}/invite-links", data={"lifetime": "7"}, allow_redirects=False
    )
    assert without_csrf.status == 403
    nina = await as_new_person(client, "Nina", "nina@example.com")
    token = link.split("token=", 1)[1]
    forged = await client.post("/invite", data={"token": token})
    assert forged.status == 403
    assert (await client.get(f"/groups/{group_id}")).status == 404
    joined = await client.post("/invite", data={"csrf_token": nina, "token": token})
    assert joined.status == 200 and "Welcome aboard!" in await joined.text()


async def test_reloading_after_making_a_link_makes_no_second_one(client: TestClient) -> None:
    """Post/Redirect/Get: the new link is shown once after the redirect; reloading that
    page shows it no more, and nothing is posted again."""
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    await make_link(client, owner, group_id)
    reloaded = await (await client.get(f"/groups/{group_id}/invite")).text()
    assert 'id="new-link"' not in reloaded  # shown once
    assert reloaded.count("/revoke") == 1  # one unused link, not two
    # Another group's invite page never shows this group's new link.
    other = await new_private_group(client, owner, "Day Riders")
    made = await client.post(
        f"/groups/{group_id}/invite-links",
        data={"csrf_token": owner, "lifetime": "7"},
        allow_redirects=False,
    )
    assert made.status == 303
    assert 'id="new-link"' not in await (await client.get(f"/groups/{other}/invite")).text()
