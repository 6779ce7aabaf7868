"""One test client acting as several people in turn: forget the cookies, then sign up or
sign in through the forms, like a second browser would."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from tests.support.api import PASSWORD
from tests.support.pages import csrf_of, get_csrf, register_via_form


def forget(client: TestClient) -> None:
    client.session.cookie_jar.clear()


async def as_new_person(client: TestClient, name: str, email: str) -> str:
    """Sign up as someone new (signing out whoever was there); answers a CSRF token."""
    forget(client)
    resp = await register_via_form(client, name, email)
    assert resp.status == 303, await resp.text()
    return csrf_of(await (await client.get("/groups/new")).text())


async def as_person(client: TestClient, email: str) -> str:
    """Sign in as someone who has an account; answers a CSRF token."""
    forget(client)
    token = await get_csrf(client, "/login")
    resp = await client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": PASSWORD},
        allow_redirects=False,
    )
    assert resp.status == 303, await resp.text()
    return csrf_of(await (await client.get("/groups/new")).text())


async def new_private_group(client: TestClient, token: str, name: str = "Night Riders") -> int:
    made = await client.post(
        "/groups/new",
        data={
            "csrf_token": token,
            "name": name,
            "description": "Road cycling after dark",
            "category": "sports",
            "visibility": "private",
            "max_members": "",
            "lat": "",
            "lon": "",
        },
        allow_redirects=False,
    )
    assert made.status == 303, await made.text()
    found = re.search(r"/groups/(\d+)$", made.headers["Location"])
    assert found is not None
    return int(found.group(1))
