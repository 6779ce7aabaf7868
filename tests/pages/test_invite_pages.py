"""Owners and admins invite a person by the address of their account; the person finds it
on the home page and under "my invitations", and accepts or declines. A private group's
page shows an invitee "Accept invitation", never "Ask to join"."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from crewup.app import create_app
from tests.support.browsers import as_new_person, as_person, new_private_group


async def test_invite_by_address_then_accept(client: TestClient) -> None:
    await as_new_person(client, "Nina", "nina@example.com")
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    invited = await client.post(
        f"/groups/{group_id}/invite", data={"csrf_token": owner, "email": "NINA@example.com "}
    )
    assert invited.status == 200
    assert "Nina is invited" in await invited.text()

    nina = await as_person(client, "nina@example.com")
    home = await (await client.get("/")).text()
    assert "Invitations waiting" in home and 'href="/invites"' in home
    listed = await (await client.get("/invites")).text()
    assert "Night Riders" in listed and f'action="/groups/{group_id}/join"' in listed
    page = await (await client.get(f"/groups/{group_id}")).text()
    assert "Accept invitation" in page and "Ask to join" not in page
    assert "Posts" not in page  # an invitation shows the group's face, not its content
    accepted = await client.post(f"/groups/{group_id}/join", data={"csrf_token": nina})
    assert "Welcome aboard!" in await accepted.text()
    assert (
        "you are <strong>member</strong>" in await (await client.get(f"/groups/{group_id}")).text()
    )
    assert "No invitations waiting" in await (await client.get("/invites")).text()
    assert "Invitations waiting" not in await (await client.get("/")).text()


async def test_decline_an_invitation(client: TestClient) -> None:
    await as_new_person(client, "Nina", "nina@example.com")
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    await client.post(
        f"/groups/{group_id}/invite", data={"csrf_token": owner, "email": "nina@example.com"}
    )
    nina = await as_person(client, "nina@example.com")
    declined = await client.post(f"/invites/{group_id}/decline", data={"csrf_token": nina})
    assert "Invitation declined" in await declined.text()
    assert (await client.get(f"/groups/{group_id}")).status == 404
    # Declining twice (or someone else's) says nothing about the group.
    assert (
        await client.post(f"/invites/{group_id}/decline", data={"csrf_token": nina})
    ).status == 404


async def test_invite_form_keeps_the_address_and_says_what_is_wrong(client: TestClient) -> None:
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    unknown = await client.post(
        f"/groups/{group_id}/invite", data={"csrf_token": owner, "email": "nobody@example.com"}
    )
    assert unknown.status == 422
    html = await unknown.text()
    assert 'value="nobody@example.com"' in html
    assert 'id="e-email"' in html and "Share an invite link instead" in html
    assert not re.search(r'class="flash"[^<]*(account|address)', html)  # an error, not news
    without_csrf = await client.post(f"/groups/{group_id}/invite", data={"email": "x@example.com"})
    assert without_csrf.status == 403


async def test_plain_member_cannot_invite_or_see_requests(client: TestClient) -> None:
    await as_new_person(client, "Mo", "mo@example.com")
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    await client.post(
        f"/groups/{group_id}/invite", data={"csrf_token": owner, "email": "mo@example.com"}
    )
    mo = await as_person(client, "mo@example.com")
    await client.post(f"/groups/{group_id}/join", data={"csrf_token": mo})
    page = await (await client.get(f"/groups/{group_id}")).text()
    assert "you are <strong>member</strong>" in page
    assert f'href="/groups/{group_id}/requests"' not in page
    assert f'href="/groups/{group_id}/invite"' not in page
    assert (await client.get(f"/groups/{group_id}/requests")).status == 403
    assert (await client.get(f"/groups/{group_id}/invite")).status == 403
    links = await client.post(
        f"/groups/{group_id}/invite-links", data={"csrf_token": mo, "lifetime": "7"}
    )
    assert links.status == 403
    by_mail = await client.post(
        f"/groups/{group_id}/invite", data={"csrf_token": mo, "email": "olga@example.com"}
    )
    assert by_mail.status == 403
    assert "owner and admins" in await by_mail.text()


async def test_requests_page_approve_and_decline(client: TestClient) -> None:
    # Join requests come from the API (asking by id); the pages answer them.
    for name in ("Ann", "Bob"):
        token = await as_new_person(client, name, f"{name.lower()}@example.com")
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    for email in ("ann@example.com", "bob@example.com"):
        token = await as_person(client, email)
        asked = await client.post(
            f"/groups/{group_id}/join", data={"csrf_token": token}, allow_redirects=False
        )
        assert asked.status == 303
    owner = await as_person(client, "olga@example.com")
    home = await (await client.get("/")).text()
    assert "Join requests to answer" in home
    assert f'<a href="/groups/{group_id}/requests">Night Riders</a>: 2 waiting' in home
    group_page = await (await client.get(f"/groups/{group_id}")).text()
    assert "2 join requests waiting" in group_page
    requests_page = await (await client.get(f"/groups/{group_id}/requests")).text()
    assert "Ann" in requests_page and "Bob" in requests_page
    approve = re.search(r'action="(/groups/\d+/requests/\d+/approve)"', requests_page)
    decline = re.findall(r'action="(/groups/\d+/requests/\d+/decline)"', requests_page)[-1]
    assert approve is not None
    approved = await client.post(
        approve.group(1), data={"csrf_token": owner}, allow_redirects=False
    )
    assert approved.headers["Location"] == f"/groups/{group_id}/requests"
    declined = await client.post(decline, data={"csrf_token": owner})
    html = await declined.text()
    assert "Request declined" in html and "Nobody is waiting" in html
    members = await (await client.get(f"/groups/{group_id}")).text()
    assert ">Ann<" in members and ">Bob<" not in members


async def test_managers_see_and_withdraw_open_invitations(client: TestClient) -> None:
    await as_new_person(client, "Nina", "nina@example.com")
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    await client.post(
        f"/groups/{group_id}/invite", data={"csrf_token": owner, "email": "nina@example.com"}
    )
    page = await (await client.get(f"/groups/{group_id}/invite")).text()
    assert "Invited, not answered yet" in page and ">Nina<" in page
    withdraw = re.search(r'action="(/groups/\d+/invites/\d+/withdraw)"', page)
    assert withdraw is not None
    done = await client.post(withdraw.group(1), data={"csrf_token": owner})
    assert "Invitation withdrawn" in await done.text()
    await as_person(client, "nina@example.com")
    assert "No invitations waiting" in await (await client.get("/invites")).text()
    assert (await client.get(f"/groups/{group_id}")).status == 404


async def test_inviting_a_member_says_so_by_name(client: TestClient) -> None:
    await as_new_person(client, "Mo", "mo@example.com")
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    await client.post(
        f"/groups/{group_id}/invite", data={"csrf_token": owner, "email": "mo@example.com"}
    )
    mo = await as_person(client, "mo@example.com")
    await client.post(f"/groups/{group_id}/join", data={"csrf_token": mo})
    owner = await as_person(client, "olga@example.com")
    again = await client.post(
        f"/groups/{group_id}/invite", data={"csrf_token": owner, "email": "mo@example.com"}
    )
    assert again.status == 422
    html = await again.text()
    assert "Mo is already a member." in html and 'value="mo@example.com"' in html
    itself = await client.post(
        f"/groups/{group_id}/invite", data={"csrf_token": owner, "email": "olga@example.com"}
    )
    assert itself.status == 422
    assert "That is your own address." in await itself.text()


async def test_inviting_by_address_is_counted_and_checks_the_address(
    aiohttp_client, make_settings
) -> None:
    """Each try tells whether an address has an account: sixty unknown addresses in under
    a second were all answered (a black-box trial). Now a budget per person, as
    registering has; and what is not an address is said to be none."""
    client = await aiohttp_client(create_app(make_settings(rate_limit_invites="3/hour")))
    owner = await as_new_person(client, "Olga", "olga@example.com")
    group_id = await new_private_group(client, owner)
    url = f"/groups/{group_id}/invite"
    for bad in ("not-an-email", "a@" + "b" * 300 + ".com"):
        resp = await client.post(url, data={"csrf_token": owner, "email": bad})
        assert resp.status == 422
        html = await resp.text()
        assert "Share an invite link instead" not in html and 'id="e-email"' in html, bad
    for n in range(3):
        resp = await client.post(url, data={"csrf_token": owner, "email": f"no{n}@example.com"})
        assert resp.status == 422
    limited = await client.post(url, data={"csrf_token": owner, "email": "no9@example.com"})
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0
