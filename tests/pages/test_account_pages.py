"""The account page: changing the password, the calendar feed link, deleting the account;
and the API's password change it shares its rules with."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tests.support.api import PASSWORD, Api, make_group
from tests.support.pages import csrf_of, signed_in

NEW_PASSWORD = "a much better passphrase"


async def api_login(client, email: str, password: str) -> int:
    resp = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    return resp.status


async def test_the_account_page_needs_a_sign_in(client) -> None:
    resp = await client.get("/account", allow_redirects=False)
    assert resp.status in (302, 303)
    assert resp.headers["Location"].startswith("/login")


async def test_changing_the_password_needs_the_current_one_and_ends_other_logins(client) -> None:
    token = await signed_in(client)
    # The same person also signed in from an app: that login must end with the change.
    app_login = await client.post(
        "/api/v1/auth/login", json={"email": "ann@example.com", "password": PASSWORD}
    )
    refresh_token = (await app_login.json())["refresh_token"]

    wrong = await client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": "not it at all",
            "new_password": NEW_PASSWORD,
        },
    )
    assert wrong.status == 403
    assert "not your current password" in await wrong.text()
    assert await api_login(client, "ann@example.com", PASSWORD) == 200  # nothing changed

    short = await client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": "short"},
    )
    assert short.status == 422
    assert 'id="e-new_password"' in await short.text()

    done = await client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": NEW_PASSWORD},
        allow_redirects=False,
    )
    assert done.status == 303 and done.headers["Location"] == "/account"
    page = await client.get("/account")  # this browser stays signed in
    assert page.status == 200 and "Your password is changed" in await page.text()
    assert await api_login(client, "ann@example.com", PASSWORD) == 401
    assert await api_login(client, "ann@example.com", NEW_PASSWORD) == 200
    stale = await client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
    assert stale.status == 401


async def test_the_api_changes_a_password_with_clear_refusals(client) -> None:
    api = Api(client)
    ann = await api.register("Ann")
    url = "/api/v1/users/me/password"
    anonymous = await client.post(
        url, json={"current_password": PASSWORD, "new_password": "x" * 12}
    )
    assert anonymous.status == 401
    bad = await client.post(url, json={"current_password": PASSWORD}, headers=ann["headers"])
    assert bad.status == 422
    assert bad.headers["Content-Type"].startswith("application/problem+json")
    wrong = await client.post(
        url,
        json={"current_password": "nope nope nope", "new_password": NEW_PASSWORD},
        headers=ann["headers"],
    )
    assert wrong.status == 403
    ok = await client.post(
        url,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=ann["headers"],
    )
    assert ok.status == 204
    assert await api_login(client, ann["email"], NEW_PASSWORD) == 200
    assert await api_login(client, ann["email"], PASSWORD) == 401


def feed_path(html: str) -> str:
    found = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', html)
    assert found is not None, "no feed link on the page"
    parts = urlsplit(found.group(1).replace("&amp;", "&"))
    return f"{parts.path}?{parts.query}"


async def test_the_calendar_link_is_shown_once_replaced_and_revoked(client) -> None:
    token = await signed_in(client)
    first = await client.post("/account/calendar-feed", data={"csrf_token": token})
    assert first.status == 200
    old = feed_path(await first.text())
    feed = await client.get(old)
    assert feed.status == 200 and feed.content_type == "text/calendar"

    again = await client.get("/account")
    assert 'id="feed-url"' not in await again.text()  # only the digest is kept
    second = await client.post("/account/calendar-feed", data={"csrf_token": token})
    new = feed_path(await second.text())
    assert (await client.get(old)).status == 404  # a new link stops the old one
    assert (await client.get(new)).status == 200

    revoked = await client.post("/account/calendar-feed/revoke", data={"csrf_token": token})
    assert revoked.status == 200
    assert (await client.get(new)).status == 404
    refused = await client.post("/account/calendar-feed", data={"csrf_token": "forged"})
    assert refused.status == 403


async def test_deleting_the_account_asks_twice_and_respects_group_owners(client) -> None:
    token = await signed_in(client)
    unconfirmed = await client.post(
        "/account/delete", data={"csrf_token": token, "password": PASSWORD, "confirm": "yes"}
    )
    assert unconfirmed.status == 422
    assert 'id="e-confirm"' in await unconfirmed.text()
    wrong = await client.post(
        "/account/delete",
        data={"csrf_token": token, "password": "guess guess", "confirm": "delete"},
    )
    assert wrong.status == 403
    assert await api_login(client, "ann@example.com", PASSWORD) == 200

    login = await client.post(
        "/api/v1/auth/login", json={"email": "ann@example.com", "password": PASSWORD}
    )
    ann = {"headers": {"Authorization": f"Bearer {(await login.json())['access_token']}"}}
    await make_group(client, ann)
    owner = await client.post(
        "/account/delete", data={"csrf_token": token, "password": PASSWORD, "confirm": "delete"}
    )
    assert owner.status == 409
    assert "owner" in (await owner.text()).lower()
    assert await api_login(client, "ann@example.com", PASSWORD) == 200


async def test_deleting_the_account_signs_out_and_erases_the_login(client) -> None:
    token = await signed_in(client)
    page = await client.get("/account")
    assert csrf_of(await page.text()) == token
    done = await client.post(
        "/account/delete",
        data={"csrf_token": token, "password": PASSWORD, "confirm": " Delete "},
        allow_redirects=False,
    )
    assert done.status == 303 and done.headers["Location"] == "/"
    after = await client.get("/account", allow_redirects=False)
    assert after.status in (302, 303)  # signed out
    assert await api_login(client, "ann@example.com", PASSWORD) == 401
