"""The layout every page shares: a skip link first, one main landmark, navigation that
fits the person (invites with their count, moderation for moderators only), a live
region for the live scripts, flash messages by kind, and friendly error pages."""

from __future__ import annotations

import html as htmllib
import re

from aiohttp.test_utils import TestClient

from crewup.core.settings import Settings
from crewup.web.sessions import BROWSER_STATE, FLASH_COOKIE
from tests.moderation.helpers import with_role
from tests.support.api import Api, make_group
from tests.support.browsers import as_new_person, as_person, forget

FOCUSABLE = re.compile(r"<(a|input|button|select|textarea)\b(?![^>]*type=\"hidden\")[^>]*>")


def nav_of(html: str) -> str:
    found = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)
    assert found is not None, "no main navigation"
    return found.group(1)


async def test_the_skip_link_comes_first_and_leads_to_main(client: TestClient) -> None:
    html = await (await client.get("/")).text()
    first = FOCUSABLE.search(html[html.index("<body") :])
    assert first is not None
    assert 'class="skip-link" href="#main"' in first.group(0)
    assert html.count("<main") == 1 and '<main id="main"' in html
    assert 'aria-live="polite"' in html
    nav = nav_of(html)
    for href in ('href="/"', 'href="/events"', 'href="/groups"', 'href="/login"'):
        assert href in nav
    assert 'href="/invites"' not in nav and 'href="/moderation"' not in nav


async def test_nav_shows_invites_with_their_count_and_moderation_for_moderators(
    client: TestClient, api: Api, settings: Settings
) -> None:
    owner = await api.register("Olga")
    group = await make_group(client, owner, visibility="private")
    mia = await api.register("Mia")
    await as_person(client, mia["email"])
    nav = nav_of(await (await client.get("/groups")).text())
    assert 'href="/invites"' in nav and "waiting" not in nav
    assert 'href="/moderation"' not in nav

    invited = await client.post(
        f"/api/v1/groups/{group['id']}/invites",
        json={"user_id": mia["user"]["id"]},
        headers=owner["headers"],
    )
    assert invited.status == 201
    nav = nav_of(await (await client.get("/groups")).text())
    assert 'aria-label="Invites, 1 waiting"' in nav
    assert '<span class="badge">1</span>' in nav

    await with_role(settings, mia, "moderator")
    page = await (await client.get("/invites")).text()
    assert 'href="/moderation"' in nav_of(page)
    assert 'href="/invites" aria-current="page"' in nav_of(page)


async def test_flash_messages_carry_their_kind(client: TestClient) -> None:
    token = await as_new_person(client, "Olga", "olga@example.com")
    made = await client.post(
        "/groups/new",
        data={
            "csrf_token": token,
            "name": "Readers",
            "description": "Books",
            "category": "arts",
            "visibility": "public",
            "max_members": "",
            "lat": "",
            "lon": "",
        },
    )
    page = await made.text()
    assert re.search(r'<p class="flash" data-kind="success" role="status">Readers is ready', page)
    group_path = str(made.url.path)
    # The owner may not leave: a refusal, said as an error.
    refused = await client.post(f"{group_path}/leave", data={"csrf_token": token})
    page = await refused.text()
    assert re.search(r'<p class="flash" data-kind="error" role="alert">the owner cannot', page)


async def test_a_flash_sealed_before_kinds_still_shows(client: TestClient) -> None:
    """A browser carrying a flash cookie from before the upgrade: plain strings."""
    state = client.app[BROWSER_STATE]
    client.session.cookie_jar.update_cookies({FLASH_COOKIE: state.seal_value(["Saved."])})
    page = await (await client.get("/")).text()
    assert '<p class="flash" data-kind="info" role="status">Saved.</p>' in page


async def test_a_missing_page_is_friendly_and_in_the_layout(client: TestClient) -> None:
    answer = await client.get("/no/such/page", headers={"Accept": "text/html"})
    assert answer.status == 404
    page = await answer.text()
    assert "We couldn't find that page" in htmllib.unescape(page)
    assert 'class="skip-link"' in page and '<main id="main"' in page
    assert 'href="/search"' in page


async def test_a_missing_page_still_knows_who_is_signed_in(client: TestClient) -> None:
    """Unknown paths declare nothing, yet their error page shows the person's own header
    (and speaks their language), not a signed-out one."""
    await as_new_person(client, "Wanderer", "wanderer@example.com")
    answer = await client.get("/no/such/page", headers={"Accept": "text/html"})
    assert answer.status == 404
    page = htmllib.unescape(await answer.text())
    assert "Sign out" in page and "Wanderer" in page


async def test_a_forbidden_page_is_friendly(client: TestClient, api: Api) -> None:
    owner = await api.register()
    group = await make_group(client, owner)
    forget(client)
    await as_new_person(client, "Stranger", "stranger@example.com")
    answer = await client.get(f"/groups/{group['id']}/requests", headers={"Accept": "text/html"})
    assert answer.status == 403
    assert "You can't open this page" in htmllib.unescape(await answer.text())
