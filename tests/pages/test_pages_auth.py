"""The browser face: sign up, sign in and out, profile editing, CSRF and escaping."""

from __future__ import annotations

import re

from tests.support.api import Api, make_group
from tests.support.mail import reset_tokens
from tests.support.pages import csrf_of, get_csrf, register_via_form


async def test_register_signs_in_and_lands_on_profile(client) -> None:
    resp = await register_via_form(client)
    assert resp.status == 303
    assert resp.headers["Location"] == "/profile"
    page = await client.get("/profile")
    html = await page.text()
    assert page.status == 200
    assert "ann@example.com" in html
    assert "Welcome to CrewUp, Ann!" in html


async def test_form_without_csrf_token_is_refused(client) -> None:
    await client.get("/register")
    resp = await client.post(
        "/register",
        data={
            "display_name": "Ann",
            "email": "ann@example.com",
            "password": "correct horse battery",
        },
    )
    assert resp.status == 403
    assert "form has expired" in await resp.text()
    forged = await client.post(
        "/register",
        data={
            "csrf_token": "guess",
            "display_name": "Ann",
            "email": "ann@example.com",
            "password": "correct horse battery",
        },
    )
    assert forged.status == 403


async def test_field_errors_are_shown_next_to_fields_and_values_kept(client) -> None:
    token = await get_csrf(client, "/register")
    resp = await client.post(
        "/register",
        data={"csrf_token": token, "display_name": "Ann", "email": "nope", "password": "short"},
    )
    assert resp.status == 422
    html = await resp.text()
    assert 'id="e-email"' in html and 'id="e-password"' in html
    assert 'id="e-display_name"' not in html
    assert 'value="Ann"' in html
    assert "short" not in html  # the password is never echoed back


async def test_sign_in_wrong_password_then_right_and_sign_out(client, api: Api) -> None:
    person = await api.register("Bea")
    token = await get_csrf(client, "/login")
    bad = await client.post(
        "/login", data={"csrf_token": token, "email": person["email"], "password": "wrong password"}
    )
    assert bad.status == 401
    assert "Email or password is wrong." in await bad.text()  # a sentence, in the UI's voice
    good = await client.post(
        "/login?next=/profile",
        data={"csrf_token": token, "email": person["email"], "password": person["password"]},
        allow_redirects=False,
    )
    assert good.status == 303 and good.headers["Location"] == "/profile"
    home = await (await client.get("/")).text()
    assert "Signed in as <strong>Bea</strong>" in home
    out = await client.post("/logout", data={"csrf_token": csrf_of(home)}, allow_redirects=False)
    assert out.status == 303
    assert (await client.get("/profile", allow_redirects=False)).status == 303


async def test_next_cannot_send_people_to_another_site(client, api: Api) -> None:
    person = await api.register()
    token = await get_csrf(client, "/login")
    resp = await client.post(
        "/login?next=//evil.example/x",
        data={"csrf_token": token, "email": person["email"], "password": person["password"]},
        allow_redirects=False,
    )
    assert resp.headers["Location"] == "/"


async def test_profile_edit_escapes_what_people_type(client, api: Api) -> None:
    await register_via_form(client)
    page = await (await client.get("/profile")).text()
    resp = await client.post(
        "/profile",
        data={
            "csrf_token": csrf_of(page),
            "display_name": "<script>alert(1)</script>",
            "bio": "<b>bold</b>",
            "interests": "climbing, <i>x</i>",
            "home_lat": "",
            "home_lon": "",
        },
        allow_redirects=False,
    )
    assert resp.status == 303
    me = await client.get("/profile")
    html = await me.text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    user_id = re.search(r'href="/users/(\d+)"', html).group(1)
    public = await (await client.get(f"/users/{user_id}")).text()
    assert "&lt;b&gt;bold&lt;/b&gt;" in public and "<b>bold</b>" not in public


async def test_profile_form_errors(client) -> None:
    await register_via_form(client)
    page = await (await client.get("/profile")).text()
    resp = await client.post(
        "/profile",
        data={
            "csrf_token": csrf_of(page),
            "display_name": "Ann",
            "bio": "",
            "interests": "",
            "home_lat": "200",
            "home_lon": "10",
        },
    )
    assert resp.status == 422
    assert 'id="e-home_lat"' in await resp.text()


async def test_profile_needs_sign_in(client) -> None:
    resp = await client.get("/profile", allow_redirects=False)
    assert resp.status == 303
    assert resp.headers["Location"].startswith("/login?next=/profile")


async def test_password_reset_pages(client, api: Api, settings) -> None:
    person = await api.register()
    token = await get_csrf(client, "/password-reset")
    sent = await client.post(
        "/password-reset", data={"csrf_token": token, "email": person["email"]}
    )
    assert sent.status == 202
    [reset] = await reset_tokens(client.app)
    page = await client.get(f"/password-reset/confirm?token={reset}")
    html = await page.text()
    assert reset in html
    done = await client.post(
        "/password-reset/confirm",
        data={"csrf_token": csrf_of(html), "token": reset, "new_password": "fresh secret 123"},
        allow_redirects=False,
    )
    assert done.status == 303 and done.headers["Location"] == "/login"
    login = await client.post(
        "/api/v1/auth/login", json={"email": person["email"], "password": "fresh secret 123"}
    )
    assert login.status == 200


async def test_a_form_sent_signed_out_comes_back_to_its_page_after_sign_in(
    client, api: Api
) -> None:
    """A form sent after the sign-in ended went to `/login?next=<the form's POST-only
    address>`, and signing in then landed on a 405 (found by a black-box trial)."""
    owner = await api.register()
    group = await make_group(client, owner)
    page = f"/groups/{group['id']}"
    origin = str(client.make_url("/")).rstrip("/")
    sent = await client.post(
        f"{page}/join", data={}, headers={"Referer": origin + page}, allow_redirects=False
    )
    assert sent.status == 303 and sent.headers["Location"] == f"/login?next={page}"
    foreign = await client.post(
        f"{page}/join",
        data={},
        headers={"Referer": f"https://evil.example{page}"},
        allow_redirects=False,
    )
    assert foreign.headers["Location"] == "/login?next=/"
    for odd in ("http://[bad", "//evil.example/x", "/groups/1", "not an address"):
        sent = await client.post(
            f"{page}/join", data={}, headers={"Referer": odd}, allow_redirects=False
        )
        assert sent.status == 303 and sent.headers["Location"] == "/login?next=/", odd
    plain = await client.get("/profile", allow_redirects=False)
    assert plain.headers["Location"] == "/login?next=/profile"
